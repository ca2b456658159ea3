import {
  Authorized,
  Arg,
  Args,
  Ctx,
  Field,
  Float,
  FieldResolver,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Scope } from '../common/scopes';
import { pageSize } from '../common/pagination';
import { AsOfArgs } from '../graphql/args';
import { DateTimeScalar } from '../graphql/scalars';
import { CustomerType } from '../customers/customer.types';
import { countCustomers, listCustomers } from '../customers/customer.service';
import type { EntityManager } from '@mikro-orm/knex';
import type { Sql } from '../filter/sql';
import type { SegmentFilter } from '../filter/types';
import type { RequestContext } from '../graphql/context';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';
import { FilterArg } from '../saved-filters/filter-arg';
import { requestFilterPredicate } from '../saved-filters/filter.service';
import { latestMetricsRefresh } from '../value/metrics.service';
import { FilterWarningType } from './filter-warning.type';
import { filterWarnings } from './filter-warnings.service';
import { describeRequestFilter } from './segment.service';

@ObjectType('SegmentPreview', { description: 'What a filter selects, before it is saved.' })
export class SegmentPreviewType {
  // Each figure is one statement, run only when asked for (size alone costs one). They are getters,
  // which live on the prototype and so are not enumerable: field resolvers taking @Root() copy a
  // plain root with Object.assign, which would read every own getter and start statements nobody asked for.
  @Field(() => Int, { description: 'Customers the filter selects at asOf.' })
  get size(): Promise<number> {
    return (this.counted ??= countCustomers(this.em, this.where));
  }

  @Field(() => Float, { description: 'size / every customer, 0..1; 0 on an empty base.' })
  get shareOfBase(): Promise<number> {
    return Promise.all([this.size, countCustomers(this.em)]).then(([members, base]) =>
      base === 0 ? 0 : members / base,
    );
  }

  /** The request's entity manager, for the figures. */
  em!: EntityManager;

  /** The size once asked for, shared by size and shareOfBase. */
  private counted?: Promise<number>;

  /** The compiled predicate, for the sample and stats. */
  where!: Sql;

  /** The instant it was evaluated at. */
  asOf!: Date;

  /** The filter as the request gave it, for the warnings. */
  filter!: SegmentFilter;
}

@Resolver(() => SegmentPreviewType)
export class SegmentPreviewResolver {
  @Authorized(Scope.READ)
  @Query(() => SegmentPreviewType, {
    description:
      'What a filter selects as of asOf, before it is saved: size, sample, figures and warnings; one statement per figure asked for.',
  })
  async evaluateSegment(
    @Ctx() ctx: RequestContext,
    @FilterArg('The filter to evaluate.')
    filter: SegmentFilterInput,
    @Args() asOf: AsOfArgs,
  ): Promise<SegmentPreviewType> {
    const at = asOf.instant(ctx);
    const where = await requestFilterPredicate(ctx.em, filter, at);
    // An instance, whose figures are getters of the class (see SegmentPreviewType).
    return Object.assign(new SegmentPreviewType(), { em: ctx.em, where, asOf: at, filter });
  }

  @FieldResolver(() => DateTimeScalar, {
    nullable: true,
    description: 'When the metrics refresh that value criteria read ran; null before the first.',
  })
  metricsComputedAt(@Ctx() ctx: RequestContext): Promise<Date | null> {
    return latestMetricsRefresh(ctx.em);
  }

  @FieldResolver(() => [FilterWarningType], {
    description: 'Criteria naming something no customer has (a likely typo): one indexed look-up per name.',
  })
  warnings(@Root() preview: SegmentPreviewType, @Ctx() ctx: RequestContext): Promise<FilterWarningType[]> {
    return filterWarnings(ctx.em.getKnex(), preview.filter);
  }

  @FieldResolver(() => String, {
    description:
      'The filter in plain words, as Segment.definition writes it, e.g. "country in (FR, BE) AND purchased ≥ 3 times in the last 90 days".',
  })
  definition(@Root() preview: SegmentPreviewType, @Ctx() ctx: RequestContext): Promise<string> {
    return describeRequestFilter(ctx.em, preview.filter);
  }

  @FieldResolver(() => [CustomerType], {
    description: 'The first selected customers, oldest first (by Customer.createdAt).',
  })
  async sample(
    @Root() preview: SegmentPreviewType,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, description: 'How many; default 10, at most 500.' })
    first?: number,
  ) {
    const connection = await listCustomers(ctx.em, { first: pageSize(first ?? 10), where: preview.where });
    return connection.edges.map((edge) => edge.node);
  }
}
