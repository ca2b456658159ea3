import { Args, ArgsType, Authorized, Ctx, Field, Mutation, Query, Resolver } from 'type-graphql';
import { Scope } from '../common/scopes';
import { AsOfArgs } from '../graphql/args';
import { DateTimeScalar } from '../graphql/scalars';
import { ValueModelRun } from '../entities';
import type { RequestContext } from '../graphql/context';
import { refreshMetrics } from './metrics.service';
import { ValueModelType } from './value.types';
import { latestMetricsRefresh } from './metrics.service';

/** refreshMetrics's asOf, described for a refresh. */
@ArgsType()
class RefreshArgs extends AsOfArgs {
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'The instant to compute at: orders at or before it count; default now.',
  })
  // Redeclared for its own description; TypeScript asks for an initializer to accept the override.
  override asOf?: Date = undefined;
}

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
    description:
      'When the latest full metrics refresh ran; value criteria read it, with the customers ingestion touched since recomputed against its fit (their value.computedAt is later); null before the first.',
  })
  metricsComputedAt(@Ctx() ctx: RequestContext): Promise<Date | null> {
    return latestMetricsRefresh(ctx.em);
  }

  @Authorized(Scope.INGEST)
  @Mutation(() => ValueModelType, {
    description:
      "Recomputes every customer's value from orders at or before asOf (default now), then refits the models.",
  })
  async refreshMetrics(@Ctx() ctx: RequestContext, @Args() asOf: RefreshArgs): Promise<ValueModelType> {
    const fit = await refreshMetrics(ctx.em.getKnex(), asOf.instant(ctx));
    // Value criteria of tracked segments read the new metrics.
    ctx.membership.schedule();
    return fit;
  }
}
