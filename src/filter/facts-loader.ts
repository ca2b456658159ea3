import type { Knex } from '@mikro-orm/knex';
import { jsonValue, millis, selectWhereIn } from '../db/batch';
import { stateFromRow } from '../db/customer-row';
import type { CustomerFacts, MetricsFacts } from './facts';
import type { Row } from '../db/raw-rows';

const date = (value: unknown) => (millis(value) === null ? null : new Date(millis(value)!));
const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** Loads everything the reference evaluator reads about these customers (all of them when ids is omitted). */
export async function loadCustomerFacts(knex: Knex, ids?: number[]): Promise<CustomerFacts[]> {
  const customers: Array<Row> = ids
    ? await selectWhereIn(knex, 'customers', ['*'], 'id', ids)
    : await knex('customers').select('*');
  const customerIds = customers.map((row) => Number(row.id));
  const metrics = await selectWhereIn<Row>(knex, 'customer_metrics', ['*'], 'customer_id', customerIds);
  const orders = await selectWhereIn<Row>(knex, 'orders', ['*'], 'customer_id', customerIds);
  const events = await selectWhereIn<Row>(knex, 'events', ['*'], 'customer_id', customerIds);
  const facts = new Map<number, CustomerFacts>();
  for (const row of customers) {
    facts.set(Number(row.id), {
      ...stateFromRow(row),
      id: Number(row.id),
      metrics: null,
      orders: [],
      events: [],
    });
  }
  for (const row of metrics) {
    const metricsFacts: MetricsFacts = {
      orderCount: Number(row.order_count),
      lifetimeRevenue: Number(row.lifetime_revenue),
      averageOrderValue: number(row.average_order_value),
      daysSinceLastOrder: number(row.days_since_last_order),
      recencyScore: number(row.recency_score),
      frequencyScore: number(row.frequency_score),
      monetaryScore: number(row.monetary_score),
      rfmSegment: row.rfm_segment,
      preferredChannel: row.preferred_channel ?? null,
      probabilityAlive: number(row.probability_alive),
      expectedPurchases90d: number(row.expected_purchases90d),
      predictedLifetimeValue: number(row.predicted_lifetime_value),
    };
    facts.get(Number(row.customer_id))!.metrics = metricsFacts;
  }
  for (const row of orders) {
    facts.get(Number(row.customer_id))!.orders.push({
      orderedAt: date(row.ordered_at)!,
      amount: Number(row.amount),
      channel: row.channel,
      categories: jsonValue(row.categories),
    });
  }
  for (const row of events) {
    facts.get(Number(row.customer_id))!.events.push({
      name: row.name,
      channel: row.channel,
      occurredAt: date(row.occurred_at)!,
      properties: jsonValue(row.properties),
    });
  }
  return [...facts.values()];
}
