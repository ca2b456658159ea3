import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/knex';
import { toConnection, type ConnectionShape } from '../graphql/connection.type';
import { decodeCursor, toPage, type CursorFormat, type CursorPosition } from '../common/pagination';
import { Customer, CustomerMetrics, Event, Order } from '../entities';
import { defineLoader } from '../graphql/loaders';
import { raw, sql } from '../filter/sql';

/** One customer's page of orders or events: newest first, keyset on (time, id). */
export interface ActivityPageKey {
  customerId: number;
  first: number;
  after?: string | null;
  /** Events only: keep events of this name. */
  name?: string | null;
}

interface ActivitySource<T> {
  table: 'orders' | 'events';
  timeColumn: 'ordered_at' | 'occurred_at';
  entity: typeof Order | typeof Event;
  time(node: T): Date;
  /** An order's cursor is no position among events, nor the reverse: each kind has its own. */
  cursor: CursorFormat;
}

const ORDERS: ActivitySource<Order> = {
  table: 'orders',
  timeColumn: 'ordered_at',
  entity: Order,
  time: (order) => order.orderedAt,
  cursor: { ordering: 'orders:ORDERED_AT:DESC', values: ['bigint'] },
};
const EVENTS: ActivitySource<Event> = {
  table: 'events',
  timeColumn: 'occurred_at',
  entity: Event,
  time: (event) => event.occurredAt,
  cursor: { ordering: 'events:OCCURRED_AT:DESC', values: ['bigint'] },
};

/** Keys that differ only by customer share one statement. */
function groupKey(key: ActivityPageKey): string {
  return JSON.stringify([key.first, key.after ?? null, key.name ?? null]);
}

/**
 * Loads the first page of orders (or events) of many customers in one
 * statement per distinct (first, after, name): a window function numbers each
 * customer's rows newest first and the outer query keeps `first + 1` of them.
 */
function activityPageLoader<T extends Order | Event>(
  em: EntityManager,
  source: ActivitySource<T>,
  counts: DataLoader<string, number>,
) {
  return new DataLoader<ActivityPageKey, ConnectionShape<T>, string>(
    async (keys) => {
      const groups = new Map<string, ActivityPageKey[]>();
      for (const key of keys) {
        const group = groupKey(key);
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const results = new Map<string, ConnectionShape<T> | Error>();
      for (const members of groups.values()) {
        const { first, after, name } = members[0];
        const customerIds = [...new Set(members.map((member) => member.customerId))];
        let position: CursorPosition | null = null;
        try {
          position = after == null ? null : decodeCursor(source.cursor, after);
        } catch (error) {
          // A forged cursor fails the pages that were asked with it, not the other pages of the batch.
          for (const customerId of customerIds)
            results.set(pageCacheKey({ customerId, first, after, name }), error as Error);
          continue;
        }
        const rowsByCustomer = await fetchPages(em, source, customerIds, first, position, name ?? null);
        for (const customerId of customerIds) {
          const rows = rowsByCustomer.get(customerId) ?? [];
          const page = toPage(rows, first);
          const countKey = JSON.stringify([customerId, name ?? null]);
          results.set(
            pageCacheKey({ customerId, first, after, name }),
            toConnection(
              page,
              source.cursor,
              (node) => ({ values: [source.time(node).getTime()], id: node.id }),
              position !== null,
              () => counts.load(countKey),
            ),
          );
        }
      }
      return keys.map((key) => results.get(pageCacheKey(key))!);
    },
    { cacheKeyFn: pageCacheKey },
  );
}

function pageCacheKey(key: ActivityPageKey): string {
  return JSON.stringify([key.customerId, key.first, key.after ?? null, key.name ?? null]);
}

async function fetchPages<T extends Order | Event>(
  em: EntityManager,
  source: ActivitySource<T>,
  customerIds: number[],
  first: number,
  after: CursorPosition | null,
  name: string | null,
): Promise<Map<number, T[]>> {
  const byCustomer = new Map<number, T[]>();
  if (first === 0 || customerIds.length === 0) return byCustomer;
  const knex = em.getKnex();
  const inner = knex(source.table)
    .select(
      '*',
      knex.raw(
        `row_number() over (partition by customer_id order by ${source.timeColumn} desc, id desc) as page_row`,
      ),
    )
    .whereIn('customer_id', customerIds);
  if (name !== null) inner.where('name', name);
  if (after !== null) {
    const position = sql`(${raw(source.timeColumn)}, id) < (${after.values[0]}, ${after.id})`;
    inner.whereRaw(position.text, position.bindings);
  }
  const rows: Array<Record<string, unknown>> = await knex
    .select('*')
    .from(inner.as('numbered'))
    .where('page_row', '<=', first + 1)
    .orderBy([{ column: 'customer_id' }, { column: 'page_row' }]);
  for (const row of rows) {
    delete row.page_row;
    const node = em.map(source.entity as never, row as never) as T;
    const customerId = Number(row.customer_id);
    byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), node]);
  }
  return byCustomer;
}

/** Counts of orders or events per customer (and event name), one grouped statement per batch. */
function activityCountLoader(em: EntityManager, table: 'orders' | 'events') {
  return new DataLoader<string, number>(async (keys) => {
    const parsed = keys.map((key) => JSON.parse(key) as [number, string | null]);
    const counts = new Map<string, number>();
    const byName = new Map<string | null, number[]>();
    for (const [customerId, name] of parsed) byName.set(name, [...(byName.get(name) ?? []), customerId]);
    for (const [name, customerIds] of byName) {
      const query = em
        .getKnex()(table)
        .select('customer_id')
        .count({ n: '*' })
        .whereIn('customer_id', customerIds)
        .groupBy('customer_id');
      if (name !== null) query.where('name', name);
      for (const row of (await query) as Array<{ customer_id: number | string; n: number | string }>) {
        counts.set(JSON.stringify([Number(row.customer_id), name]), Number(row.n));
      }
    }
    return keys.map((key) => counts.get(key) ?? 0);
  });
}

export const customerByIdLoader = defineLoader(
  (em) =>
    new DataLoader<number, Customer | null>(async (ids) => {
      const found = await em.find(Customer, { id: { $in: [...ids] } });
      const byId = new Map(found.map((customer) => [customer.id, customer]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
);

export const metricsByCustomerIdLoader = defineLoader(
  (em) =>
    new DataLoader<number, CustomerMetrics | null>(async (ids) => {
      const found = await em.find(CustomerMetrics, { customer: { $in: [...ids] } });
      const byId = new Map(found.map((metrics) => [metrics.customer.id, metrics]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
);

export const ordersPageLoader = defineLoader((em) =>
  activityPageLoader<Order>(em, ORDERS, activityCountLoader(em, 'orders')),
);

export const eventsPageLoader = defineLoader((em) =>
  activityPageLoader<Event>(em, EVENTS, activityCountLoader(em, 'events')),
);
