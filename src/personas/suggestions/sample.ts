import { chunks } from '../../db/batch';
import type { Knex } from '@mikro-orm/knex';
import { OUTBOUND_EVENT, PREFERRED_CHANNEL_DAYS } from '../../analysis/preferred-channel';
import { ageAt } from '../../common/dates';
import type { Channel, LifecycleStage } from '../../common/enums';
import type { Sql } from '../../filter/sql';
import { DAY_MS } from '../../filter/types';
import type { Row } from '../../db/raw-rows';

/** Clustering reads at most this many customers: enough for stable centres, small enough to answer in seconds on any base. */
export const SAMPLE_SIZE = 5000;

/** What a customer is clustered on, in its own units, read from the row, the latest metrics and the last 180 days of events. */
export interface SampledCustomer {
  id: number;
  age: number | null;
  lifecycleStage: LifecycleStage;
  /** Metrics were computed for the customer (value criteria read them; without them they do not hold). */
  hasMetrics: boolean;
  /** A company name is on record (B2B contact). */
  b2b: boolean;
  orderCount: number;
  lifetimeRevenue: number;
  averageOrderValue: number | null;
  daysSinceLastOrder: number | null;
  interests: string[];
  /** Customer-initiated events per channel in the last 180 days (the channel mix). */
  initiated: Partial<Record<Channel, number>>;
  /** Every event per channel in the same window, message_sent included (what an event criterion on a channel counts). */
  anyEvents: Partial<Record<Channel, number>>;
}

/**
 * A multiplicative hash of the id (Knuth's constant, modulo 2^32): the same
 * pseudo-random order on both databases and at every call, so a sample of a
 * large base, and the clusters found in it, are deterministic.
 */
const HASH = '((c.id * 2654435761) % 4294967296)';
const HASH_RANGE = 4294967296;

/**
 * The customers a predicate selects, or a deterministic sample of about
 * SAMPLE_SIZE of them when there are more: those with the lowest id hashes
 * (a pre-filter on the hash keeps the sort small). Three statements: the
 * rows with their metrics, their interests, their events per channel.
 */
export async function sampleCustomers(
  knex: Knex,
  where: Sql,
  population: number,
  asOf: Date,
): Promise<SampledCustomer[]> {
  // 20% headroom over the expected count, so the limit rather than the hash bound decides.
  const bound =
    population <= SAMPLE_SIZE
      ? HASH_RANGE
      : Math.min(HASH_RANGE, Math.ceil((HASH_RANGE * SAMPLE_SIZE * 1.2) / population));
  const rows: Array<Row> = await knex('customers as c')
    .leftJoin('customer_metrics as m', 'm.customer_id', 'c.id')
    .select(
      'c.id',
      'c.birth_date',
      'c.lifecycle_stage',
      'c.company_name',
      'm.customer_id as metrics_of',
      'm.order_count',
      'm.lifetime_revenue',
      'm.average_order_value',
      'm.days_since_last_order',
    )
    .whereRaw(where.text, where.bindings)
    .whereRaw(`${HASH} < ?`, [bound])
    .orderByRaw(`${HASH}, c.id`)
    .limit(SAMPLE_SIZE);
  const ids = rows.map((row) => Number(row.id));
  if (ids.length === 0) return [];
  // Per chunk of the sample: each statement reads a few hundred customers' rows and is short, so
  // statements of other requests waiting for the connection (SQLite has one) are not held long.
  const interests = new Map<number, string[]>();
  const events: Array<{
    customer_id: number | string;
    channel: Channel;
    initiated: number | string;
    n: number | string;
  }> = [];
  for (const part of chunks(ids)) {
    for (const row of await knex('customer_interests')
      .whereIn('customer_id', part)
      .orderBy(['customer_id', 'tag'])
      .select('customer_id', 'tag')) {
      interests.set(Number(row.customer_id), [...(interests.get(Number(row.customer_id)) ?? []), row.tag]);
    }
    events.push(
      ...(await knex('events')
        .whereIn('customer_id', part)
        .where('occurred_at', '>=', asOf.getTime() - PREFERRED_CHANNEL_DAYS * DAY_MS)
        .where('occurred_at', '<=', asOf.getTime())
        .groupBy('customer_id', 'channel')
        .select(
          'customer_id',
          'channel',
          knex.raw('sum(case when name <> ? then 1 else 0 end) as initiated', [OUTBOUND_EVENT]),
          knex.raw('count(*) as n'),
        )),
    );
  }
  const initiated = new Map<number, Partial<Record<Channel, number>>>();
  const anyEvents = new Map<number, Partial<Record<Channel, number>>>();
  for (const row of events) {
    const id = Number(row.customer_id);
    initiated.set(id, { ...initiated.get(id), [row.channel]: Number(row.initiated) });
    anyEvents.set(id, { ...anyEvents.get(id), [row.channel]: Number(row.n) });
  }
  return rows.map((row) => {
    const id = Number(row.id);
    const orderCount = row.order_count == null ? 0 : Number(row.order_count);
    return {
      id,
      age: row.birth_date == null ? null : ageAt(new Date(Number(row.birth_date)), asOf),
      lifecycleStage: row.lifecycle_stage,
      hasMetrics: row.metrics_of != null,
      b2b: row.company_name != null,
      orderCount,
      lifetimeRevenue: row.lifetime_revenue == null ? 0 : Number(row.lifetime_revenue),
      averageOrderValue: row.average_order_value == null ? null : Number(row.average_order_value),
      daysSinceLastOrder: row.days_since_last_order == null ? null : Number(row.days_since_last_order),
      interests: interests.get(id) ?? [],
      initiated: initiated.get(id) ?? {},
      anyEvents: anyEvents.get(id) ?? {},
    };
  });
}
