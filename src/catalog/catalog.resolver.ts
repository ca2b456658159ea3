import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { pageSize } from '../common/pagination';
import { Scope } from '../common/scopes';
import type { RequestContext } from '../graphql/context';
import {
  catalogAttributes,
  catalogValues,
  eventSample,
  CATALOG_LIMITS,
  type CatalogList,
} from './catalog.service';
import {
  attributeTypeOf,
  CatalogAttributeType,
  CatalogChannelType,
  CatalogEventType,
  CatalogType,
  CatalogValueType,
} from './catalog.types';

const FIRST_VALUES =
  'At most this many, the most frequent first; default 50, at most 500 (more is a BAD_USER_INPUT error, not a silent cut).';

/** `first` on every list of the catalog. */
const FirstValuesArg = () => Arg('first', () => Int, { nullable: true, description: FIRST_VALUES });

const firstArg = (ctx: RequestContext, first: number | undefined) => ({
  knex: ctx.em.getKnex(),
  first: pageSize(first),
  now: ctx.now.getTime(),
});

@Resolver(() => CatalogType)
export class CatalogResolver {
  @Authorized(Scope.READ)
  @Query(() => CatalogType, {
    description:
      'What the base holds, for pickers: event names, attribute keys, order categories, interests, countries, job functions and industries, each with its count.',
  })
  catalog(): CatalogType {
    return new CatalogType();
  }

  @FieldResolver(() => [CatalogEventType], {
    description: 'Event names by number of events.',
  })
  async events(@Ctx() ctx: RequestContext, @FirstValuesArg() first?: number): Promise<CatalogEventType[]> {
    const values = await this.values(ctx, 'events', first);
    return values.map(({ value, count }) => ({ name: value, events: count }));
  }

  @FieldResolver(() => [CatalogAttributeType], {
    description: 'Integrator attribute keys by number of customers, once per value type.',
  })
  async attributes(
    @Ctx() ctx: RequestContext,
    @FirstValuesArg() first?: number,
  ): Promise<CatalogAttributeType[]> {
    const { knex, first: size, now } = firstArg(ctx, first);
    const attributes = await catalogAttributes(knex, size, now);
    return attributes.map((attribute) => ({ ...attribute, type: attributeTypeOf(attribute.type) }));
  }

  @FieldResolver(() => [CatalogValueType], { description: 'Order categories; count: orders in it.' })
  categories(@Ctx() ctx: RequestContext, @FirstValuesArg() first?: number): Promise<CatalogValueType[]> {
    return this.values(ctx, 'categories', first);
  }

  @FieldResolver(() => [CatalogValueType], { description: 'Interests; count: customers with it.' })
  interests(@Ctx() ctx: RequestContext, @FirstValuesArg() first?: number): Promise<CatalogValueType[]> {
    return this.values(ctx, 'interests', first);
  }

  @FieldResolver(() => [CatalogValueType], {
    description: 'Country codes (ISO 3166-1 alpha-2); count: customers in it.',
  })
  countries(@Ctx() ctx: RequestContext, @FirstValuesArg() first?: number): Promise<CatalogValueType[]> {
    return this.values(ctx, 'countries', first);
  }

  @FieldResolver(() => [CatalogValueType], { description: 'Job functions; count: customers with it.' })
  jobFunctions(@Ctx() ctx: RequestContext, @FirstValuesArg() first?: number): Promise<CatalogValueType[]> {
    return this.values(ctx, 'jobFunctions', first);
  }

  @FieldResolver(() => [CatalogValueType], { description: 'Industries; count: customers in it.' })
  industries(@Ctx() ctx: RequestContext, @FirstValuesArg() first?: number): Promise<CatalogValueType[]> {
    return this.values(ctx, 'industries', first);
  }

  private values(ctx: RequestContext, list: CatalogList, first: number | undefined) {
    const { knex, first: size, now } = firstArg(ctx, first);
    return catalogValues(knex, list, size, now);
  }
}

@Resolver(() => CatalogEventType)
export class CatalogEventResolver {
  @FieldResolver(() => Int, {
    description: `Events read for channels and properties: the latest ${CATALOG_LIMITS.eventSample.toLocaleString('en')} of this name, or all when fewer.`,
  })
  async sampled(@Root() event: CatalogEventType, @Ctx() ctx: RequestContext): Promise<number> {
    return (await eventSample(ctx.em.getKnex(), event.name, ctx.now.getTime())).sampled;
  }

  @FieldResolver(() => [CatalogChannelType], {
    description: 'Channels among the sampled events, most used first.',
  })
  async channels(@Root() event: CatalogEventType, @Ctx() ctx: RequestContext): Promise<CatalogChannelType[]> {
    return (await eventSample(ctx.em.getKnex(), event.name, ctx.now.getTime())).channels;
  }

  @FieldResolver(() => [CatalogValueType], {
    description:
      'Property keys among the sampled events, as EventCriterion.properties takes them; count: sampled events carrying the key.',
  })
  async properties(@Root() event: CatalogEventType, @Ctx() ctx: RequestContext): Promise<CatalogValueType[]> {
    return (await eventSample(ctx.em.getKnex(), event.name, ctx.now.getTime())).properties;
  }
}
