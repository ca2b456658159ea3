import type { EntityManager } from '@mikro-orm/knex';
import type { Sql } from '../filter/sql';
import { populationFigures } from './population';
import type { SegmentStatsType } from './analysis.types';

/** SegmentStats of the customers a predicate selects: one statement. */
export async function populationStats(em: EntityManager, where: Sql, asOf: Date): Promise<SegmentStatsType> {
  const figures = await populationFigures(em.getKnex(), where, asOf, [
    'rfm',
    'lifecycle',
    'channel',
    'country',
  ]);
  return {
    size: figures.size,
    shareOfBase: figures.base === 0 ? 0 : figures.size / figures.base,
    revenue: figures.revenue,
    revenuePerCustomer: figures.size === 0 ? 0 : figures.revenue / figures.size,
    averageOrderValue: figures.orders === 0 ? null : figures.revenue / figures.orders,
    rfm: figures.buckets.rfm,
    lifecycle: figures.buckets.lifecycle,
    channels: figures.buckets.channel,
    countries: figures.buckets.country,
  };
}
