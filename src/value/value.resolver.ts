import { Authorized, Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Scope } from '../common/scopes';
import { DateTimeScalar } from '../graphql/scalars';
import { ValueModelRun } from '../entities';
import type { RequestContext } from '../graphql/context';
import { refreshMetrics } from './metrics.service';
import { ValueModelType } from './value.types';
import { latestMetricsRefresh } from './metrics.service';

@Resolver()
export class ValueResolver {
  @Authorized(Scope.READ)
  @Query(() => ValueModelType, {
    nullable: true,
    description: 'The latest fit; null before the first refreshMetrics.',
  })
  async valueModel(@Ctx() ctx: RequestContext): Promise<ValueModelType | null> {
    const [latest] = await ctx.em.find(ValueModelRun, {}, { orderBy: { id: 'desc' }, limit: 1 });
    return latest
      ? {
          computedAt: latest.computedAt,
          asOf: latest.asOf,
          customers: latest.customers,
          bgnbd: latest.bgnbd ?? null,
          gammaGamma: latest.gammaGamma ?? null,
        }
      : null;
  }

  @Authorized(Scope.READ)
  @Query(() => DateTimeScalar, {
    nullable: true,
    description: 'When value criteria were last refreshed (they read that refresh); null before the first.',
  })
  metricsComputedAt(@Ctx() ctx: RequestContext): Promise<Date | null> {
    return latestMetricsRefresh(ctx.em);
  }

  @Authorized(Scope.INGEST)
  @Mutation(() => ValueModelType, {
    description:
      "Recomputes every customer's value from orders at or before asOf (default now), then refits the models.",
  })
  refreshMetrics(
    @Ctx() ctx: RequestContext,
    @Arg('asOf', () => DateTimeScalar, {
      nullable: true,
      description: 'The instant to compute at: orders at or before it count; default now.',
    })
    asOf?: Date,
  ): Promise<ValueModelType> {
    return refreshMetrics(ctx.em.getKnex(), asOf ?? ctx.now);
  }
}
