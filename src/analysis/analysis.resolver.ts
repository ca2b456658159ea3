import { Authorized, Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '../common/scopes';
import { AsOfArgs } from '../graphql/args';
import { DateTimeScalar } from '../graphql/scalars';
import type { Segment } from '../entities';
import { filterToJson, storedFilter } from '../filter/json';
import { FilterWarningType } from '../segments/filter-warning.type';
import { filterWarnings } from '../segments/filter-warnings.service';
import type { RequestContext } from '../graphql/context';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';
import { FilterArg, ONLY_FILTERED_CUSTOMERS } from '../saved-filters/filter-arg';
import { SegmentPreviewType } from '../segments/preview.resolver';
import { segmentPredicate } from '../segments/segment.service';
import { SegmentType } from '../segments/segment.types';
import { MarketMapType, OverlapType, SegmentPerformanceType, SegmentStatsType } from './analysis.types';
import { Dimension } from './dimensions';
import { marketMap } from './market-map.service';
import { segmentOverlap } from './overlap.service';
import { segmentPerformance } from './performance.service';
import { populationStats } from './stats.service';

@Resolver()
export class AnalysisResolver {
  @Authorized(Scope.READ)
  @Query(() => MarketMapType, {
    description:
      'Customers the filter selects (default everyone), crossed by two dimensions as of asOf (default now).',
  })
  async marketMap(
    @Ctx() ctx: RequestContext,
    @Arg('rows', () => Dimension, { description: 'The dimension of the rows.' }) rows: Dimension,
    @Arg('columns', () => Dimension, {
      nullable: true,
      description: 'The dimension of the columns; default none (one column, "all").',
    })
    columns: Dimension | undefined,
    @FilterArg(ONLY_FILTERED_CUSTOMERS, { nullable: true })
    filter: SegmentFilterInput | undefined,
    @Args() asOf: AsOfArgs,
  ): Promise<MarketMapType> {
    const map = await marketMap(ctx.em, rows, columns ?? null, filter ?? null, asOf.instant(ctx));
    return {
      ...map,
      cells: map.cells.map((cell) => ({ ...cell, filter: cell.filter && filterToJson(cell.filter) })),
    };
  }

  @Authorized(Scope.READ)
  @Query(() => [OverlapType], {
    description: 'Every pair of the listed saved segments (at most 20), as of asOf: one statement.',
  })
  segmentOverlap(
    @Ctx() ctx: RequestContext,
    @Arg('ids', () => [ID], {
      description: 'Saved segment ids, at most 20, each once; every pair is compared.',
    })
    ids: string[],
    @Args() asOf: AsOfArgs,
  ): Promise<OverlapType[]> {
    return segmentOverlap(ctx.em, ids, asOf.instant(ctx));
  }
}

@Resolver(() => SegmentType)
export class SegmentAnalysisResolver {
  @Authorized(Scope.READ)
  @FieldResolver(() => SegmentStatsType, {
    description: 'The members in figures as of asOf (default now): one statement.',
  })
  async stats(@Root() segment: Segment, @Ctx() ctx: RequestContext, @Args() asOf: AsOfArgs) {
    const at = asOf.instant(ctx);
    const stats: SegmentStatsType = await populationStats(
      ctx.em,
      await segmentPredicate(ctx.em, segment, at),
      at,
    );
    return Object.assign(stats, { filter: storedFilter(segment.filter) });
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => SegmentPerformanceType, {
    description: 'Conversion and revenue of the members (as of from) over [from, to), against everyone else.',
  })
  performance(
    @Root() segment: Segment,
    @Ctx() ctx: RequestContext,
    @Arg('from', () => DateTimeScalar, {
      description: 'Start of the period (inclusive); membership is taken at this instant.',
    })
    from: Date,
    @Arg('to', () => DateTimeScalar, { description: 'End of the period (exclusive).' }) to: Date,
  ) {
    return segmentPerformance(ctx.em, segment, from, to);
  }
}

@Resolver(() => SegmentPreviewType)
export class PreviewStatsResolver {
  @FieldResolver(() => SegmentStatsType, { description: 'The selected customers in figures: one statement.' })
  async stats(@Root() preview: SegmentPreviewType, @Ctx() ctx: RequestContext) {
    const stats: SegmentStatsType = await populationStats(ctx.em, preview.where, preview.asOf);
    return Object.assign(stats, { filter: preview.filter });
  }
}

@Resolver(() => SegmentStatsType)
export class StatsWarningsResolver {
  @FieldResolver(() => [FilterWarningType], {
    description:
      'Criteria of the filter naming something no customer has (a likely typo): one indexed look-up per name.',
  })
  warnings(@Root() stats: SegmentStatsType, @Ctx() ctx: RequestContext): Promise<FilterWarningType[]> {
    return filterWarnings(ctx.em.getKnex(), stats.filter);
  }
}
