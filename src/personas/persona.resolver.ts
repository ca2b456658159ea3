import {
  Authorized,
  Arg,
  Args,
  Ctx,
  FieldResolver,
  Float,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Scope } from '../common/scopes';
import { BucketType } from '../analysis/analysis.types';
import { medianOfCounts, populationFigures } from '../analysis/population';
import { SAVED_DEFINITION, idOf } from '../common/descriptions';
import { AsOfArgs, IdArg, PageArgs } from '../graphql/args';
import { emailShownTo } from '../auth/personal-criteria';
import { definitionShown } from '../segments/segment.service';
import { countCustomers, listCustomers } from '../customers/customer.service';
import { CustomerConnection, CustomerType } from '../customers/customer.types';
import type { Customer, Persona } from '../entities';
import { Channel } from '../common/enums';
import type { RequestContext } from '../graphql/context';
import { personaDistribution } from './persona-distribution';
import { personaOfCustomerLoader, preferredChannelOfCustomerLoader } from './persona.loaders';
import {
  createPersona,
  deletePersona,
  findPersona,
  listPersonas,
  personaPredicate,
  updatePersona,
} from './persona.service';
import { PersonaInput, PersonaPortraitType, PersonaSuggestionType, PersonaType } from './persona.types';
import { suggestPersonas } from './suggestions/suggestions.service';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';
import { FilterArg } from '../saved-filters/filter-arg';

const TOP_COUNTRIES = 5;

@Resolver(() => PersonaType)
export class PersonaResolver {
  @Authorized(Scope.READ)
  @Query(() => [PersonaType], { description: 'Every persona, in assignment order.' })
  personas(@Ctx() ctx: RequestContext): Promise<Persona[]> {
    return listPersonas(ctx.em);
  }

  @Authorized(Scope.READ)
  @Query(() => PersonaType, { nullable: true, description: 'One persona by id; null when none has it.' })
  persona(@Ctx() ctx: RequestContext, @IdArg(idOf('persona')) id: string): Promise<Persona | null> {
    return findPersona(ctx.em, id);
  }

  @Authorized(Scope.READ)
  @Query(() => [BucketType], {
    description:
      'Customers per persona (key: the persona id) in assignment order, then "unassigned"; sums to the whole base. One statement.',
  })
  personaDistribution(@Ctx() ctx: RequestContext, @Args() asOf: AsOfArgs) {
    return personaDistribution(ctx.em, asOf.instant(ctx));
  }

  @Authorized(Scope.READ)
  @Query(() => [PersonaSuggestionType], {
    description:
      'Clusters of customers who resemble each other (k-means on standardised age, recency, frequency, monetary value, average order value, channel mix, lifecycle stage, B2B, interests), among those the filter selects; on more than 5,000 customers, a deterministic sample. Largest first.',
  })
  personaSuggestions(
    @Ctx() ctx: RequestContext,
    @Arg('k', () => Int, { defaultValue: 5, description: 'How many clusters to find, 2 to 12; default 5.' })
    k: number,
    @FilterArg('Cluster only the customers this filter selects; default everyone.', { nullable: true })
    filter?: SegmentFilterInput,
  ) {
    return suggestPersonas(ctx.em, k, filter, ctx.now);
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => PersonaType, {
    description:
      'BAD_USER_INPUT when the filter (or the place the priority gives it) would make a persona depend on itself.',
  })
  createPersona(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => PersonaInput, { description: 'The name, description, filter and priority.' })
    input: PersonaInput,
  ): Promise<Persona> {
    return createPersona(ctx.em, input);
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => PersonaType, {
    description: 'Replaces the definition; a priority left out keeps the current one.',
  })
  updatePersona(
    @Ctx() ctx: RequestContext,
    @IdArg(idOf('persona')) id: string,
    @Arg('input', () => PersonaInput, {
      description: 'The new name, description and filter, and optionally priority.',
    })
    input: PersonaInput,
  ): Promise<Persona> {
    return updatePersona(ctx.em, id, input);
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => Boolean, {
    description:
      'Deletes the persona; true when done. CONFLICT while a segment, scoring rule or persona uses it; NOT_FOUND for an unknown id.',
  })
  deletePersona(@Ctx() ctx: RequestContext, @IdArg(idOf('persona')) id: string): Promise<boolean> {
    return deletePersona(ctx.em, id);
  }

  @FieldResolver(() => String, { description: SAVED_DEFINITION })
  definition(@Root() persona: Persona, @Ctx() ctx: RequestContext): Promise<string> {
    return definitionShown(ctx.em, persona, emailShownTo(ctx.caller));
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => Int, { description: 'Members as of asOf (default now): one statement.' })
  async size(@Root() persona: Persona, @Ctx() ctx: RequestContext, @Args() asOf: AsOfArgs) {
    return countCustomers(ctx.em, await personaPredicate(ctx.em, persona, asOf.instant(ctx)));
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => Float, { description: 'size / every customer, 0..1; 0 on an empty base.' })
  async share(@Root() persona: Persona, @Ctx() ctx: RequestContext, @Args() asOf: AsOfArgs) {
    const [members, base] = await Promise.all([
      countCustomers(ctx.em, await personaPredicate(ctx.em, persona, asOf.instant(ctx))),
      countCustomers(ctx.em),
    ]);
    return base === 0 ? 0 : members / base;
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => CustomerConnection, {
    description: 'Members as of asOf, oldest customers first, a page at a time.',
  })
  async members(
    @Root() persona: Persona,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Args() asOf: AsOfArgs,
  ) {
    return listCustomers(ctx.em, {
      ...page.page(),
      where: await personaPredicate(ctx.em, persona, asOf.instant(ctx)),
    });
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => PersonaPortraitType, { description: 'What a typical member looks like, now.' })
  async portrait(@Root() persona: Persona, @Ctx() ctx: RequestContext): Promise<PersonaPortraitType> {
    const where = await personaPredicate(ctx.em, persona, ctx.now);
    const figures = await populationFigures(ctx.em.getKnex(), where, ctx.now, [
      'country',
      'rfm',
      'lifecycle',
      'channel',
      'interest',
      'birthDate',
    ]);
    return {
      medianAge: medianOfCounts(figures.ages.map(({ age, customers }) => ({ value: age, count: customers }))),
      topCountries: figures.buckets.country.slice(0, TOP_COUNTRIES),
      rfm: figures.buckets.rfm,
      lifecycle: figures.buckets.lifecycle,
      preferredChannels: figures.buckets.channel,
      topInterests: figures.buckets.interest,
      revenuePerCustomer: figures.size === 0 ? 0 : figures.revenue / figures.size,
    };
  }
}

@Resolver(() => CustomerType)
export class CustomerPersonaResolver {
  @FieldResolver(() => PersonaType, {
    nullable: true,
    description: 'The one persona the customer is assigned to now, if any.',
  })
  persona(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(personaOfCustomerLoader).load(customer.id);
  }

  @FieldResolver(() => Channel, {
    nullable: true,
    description:
      'Channel of most customer-initiated events (every event but message_sent) in the last 180 days; ties to the most recently used.',
  })
  preferredChannel(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(preferredChannelOfCustomerLoader).load(customer.id);
  }
}
