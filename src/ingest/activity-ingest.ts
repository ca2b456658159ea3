import type { Knex } from '@mikro-orm/knex';
import { insertRows, jsonText, jsonValue, selectWhereIn } from '../db/batch';
import type { FlatValue } from '../db/customer-row';
import { transactionWithRetry } from '../db/retry';
import { markMetricsDirty } from './metrics-dirty';
import { Channel } from '../common/enums';
import { BatchTally, type IngestResult } from './ingest-result';
import {
  INGEST_LIMITS,
  ItemProblem,
  canonical,
  flatObject,
  requireEnum,
  requireInstant,
  requireText,
  tagList,
} from './ingest.validation';

/**
 * Orders and events are append-only facts, idempotent by externalId: a replay
 * of a stored item is a duplicate, the same externalId with other content is
 * rejected (it would silently rewrite history), and an item for a customer
 * that does not exist is rejected, never dropped.
 */
interface ActivityKind<T extends { externalId: string; customerExternalId: string }> {
  table: 'orders' | 'events';
  /** Checks one raw item. */
  validate(item: Record<string, unknown>, defaultCurrency: string): T;
  /** The stored row of an item (without customer_id and recorded_at). */
  toRow(item: T): Record<string, unknown>;
  /** Columns compared to tell a replay from a conflicting item. */
  compared: string[];
  /** Writes index rows that depend on the new rows' ids. */
  afterInsert?(trx: Knex.Transaction, inserted: Array<{ id: number; item: T }>): Promise<void>;
}

export interface OrderRecord {
  externalId: string;
  customerExternalId: string;
  orderedAt: Date;
  amount: number;
  currency: string;
  channel: Channel;
  categories: string[];
}

export interface EventRecord {
  externalId: string;
  customerExternalId: string;
  name: string;
  channel: Channel;
  occurredAt: Date;
  properties: Record<string, FlatValue>;
}

function keys(item: Record<string, unknown>) {
  return {
    externalId: requireText(item.externalId, 'externalId', INGEST_LIMITS.externalId),
    customerExternalId: requireText(item.customerExternalId, 'customerExternalId', INGEST_LIMITS.externalId),
  };
}

function channelOf(value: unknown): Channel {
  return value === undefined || value === null ? Channel.OTHER : requireEnum(value, Channel, 'channel');
}

const ORDER_KIND: ActivityKind<OrderRecord> = {
  table: 'orders',
  validate(item, defaultCurrency) {
    const amount = item.amount;
    if (typeof amount !== 'number' || !Number.isFinite(amount))
      throw new ItemProblem('amount', 'amount must be a finite number');
    if (amount < 0) throw new ItemProblem('amount', 'amount must not be negative');
    if (amount > INGEST_LIMITS.amount)
      throw new ItemProblem(
        'amount',
        `amount must be at most ${INGEST_LIMITS.amount.toLocaleString('en-US')}`,
      );
    let currency = defaultCurrency;
    if (item.currency !== undefined && item.currency !== null) {
      if (typeof item.currency !== 'string' || !/^[A-Za-z]{3}$/.test(item.currency)) {
        throw new ItemProblem('currency', 'currency must be an ISO 4217 code such as EUR');
      }
      currency = item.currency.toUpperCase();
    }
    return {
      ...keys(item),
      orderedAt: requireInstant(item.orderedAt, 'orderedAt'),
      amount,
      currency,
      channel: channelOf(item.channel),
      categories:
        item.categories === undefined || item.categories === null
          ? []
          : tagList(item.categories, 'categories', INGEST_LIMITS.categories),
    };
  },
  toRow: (order) => ({
    external_id: order.externalId,
    ordered_at: order.orderedAt.getTime(),
    amount: order.amount,
    currency: order.currency,
    channel: order.channel,
    categories: jsonText(order.categories),
  }),
  compared: ['ordered_at', 'amount', 'currency', 'channel', 'categories'],
  async afterInsert(trx, inserted) {
    const rows = inserted.flatMap(({ id, item }) =>
      item.categories.map((category) => ({ order_id: id, category })),
    );
    await insertRows(trx, 'order_categories', rows);
  },
};

const EVENT_KIND: ActivityKind<EventRecord> = {
  table: 'events',
  validate(item) {
    return {
      ...keys(item),
      name: requireText(item.name, 'name', INGEST_LIMITS.eventName),
      channel: channelOf(item.channel),
      occurredAt: requireInstant(item.occurredAt, 'occurredAt'),
      properties:
        item.properties === undefined || item.properties === null
          ? {}
          : flatObject(item.properties, 'properties'),
    };
  },
  toRow: (event) => ({
    external_id: event.externalId,
    name: event.name,
    channel: event.channel,
    occurred_at: event.occurredAt.getTime(),
    properties: jsonText(event.properties),
  }),
  compared: ['name', 'channel', 'occurred_at', 'properties'],
};

/** A comparable fingerprint of the compared columns, whichever database returned them. */
function fingerprint(row: Record<string, unknown>, columns: string[], customerId: number): string {
  return JSON.stringify([
    customerId,
    ...columns.map((column) => {
      const value = row[column];
      if (column === 'categories' || column === 'properties') return canonical(jsonValue(value));
      if (column.endsWith('_at') || column === 'amount') return Number(value);
      return value;
    }),
  ]);
}

async function recordActivity<T extends { externalId: string; customerExternalId: string }>(
  knex: Knex,
  kind: ActivityKind<T>,
  items: ReadonlyArray<Record<string, unknown>>,
  defaultCurrency: string,
  now: Date,
): Promise<IngestResult> {
  const checked = new BatchTally();
  const valid: Array<{ index: number; item: T }> = [];
  items.forEach((raw, index) => {
    const item = checked.check(index, raw?.externalId, () => kind.validate(raw ?? {}, defaultCurrency));
    if (item) valid.push({ index, item });
  });
  if (valid.length === 0) return checked.result();

  // Two batches recording the same new item at once (PostgreSQL): the second
  // insert fails on the unique externalId once the first commits (or, sharing
  // several in other orders, one of them is chosen as a deadlock victim), and
  // the batch runs again, finding the items stored: duplicates, not an error.
  // Items are inserted in the order sent, so ids follow it.
  return transactionWithRetry(knex, async (trx) => {
    const tally = checked.fork();
    const customers = await selectWhereIn<{ id: number | string; external_id: string }>(
      trx,
      'customers',
      ['id', 'external_id'],
      'external_id',
      valid.map(({ item }) => item.customerExternalId),
    );
    const customerIdOf = new Map(customers.map((row) => [row.external_id, Number(row.id)]));
    const stored = await selectWhereIn<Record<string, unknown>>(
      trx,
      kind.table,
      ['external_id', 'customer_id', ...kind.compared],
      'external_id',
      valid.map(({ item }) => item.externalId),
    );
    // The fingerprint of a stored row, or of an earlier fresh item of this batch
    // with the same externalId: computed only when an externalId comes again.
    const known = new Map<string, () => string>(
      stored.map((row) => [
        row.external_id as string,
        () => fingerprint(row, kind.compared, Number(row.customer_id)),
      ]),
    );

    const fresh: Array<{ item: T; row: Record<string, unknown> }> = [];
    for (const { index, item } of valid) {
      const customerId = customerIdOf.get(item.customerExternalId);
      if (customerId === undefined) {
        tally.reject(
          index,
          item.externalId,
          'customerExternalId',
          `no customer has externalId "${item.customerExternalId}"`,
        );
        continue;
      }
      const row = { ...kind.toRow(item), customer_id: customerId, recorded_at: now.getTime() };
      const previous = known.get(item.externalId);
      if (previous === undefined) {
        known.set(item.externalId, () => fingerprint(row, kind.compared, customerId));
        fresh.push({ item, row });
        tally.accepted += 1;
      } else if (previous() === fingerprint(row, kind.compared, customerId)) {
        tally.duplicates += 1;
      } else {
        tally.reject(
          index,
          item.externalId,
          'externalId',
          `externalId "${item.externalId}" is already recorded with other content`,
        );
      }
    }
    if (fresh.length === 0) return tally.result();
    await markMetricsDirty(
      trx,
      fresh.map(({ row }) => row.customer_id as number),
    );
    await insertRows(
      trx,
      kind.table,
      fresh.map(({ row }) => row),
    );
    if (kind.afterInsert) {
      const ids = await selectWhereIn<{ id: number | string; external_id: string }>(
        trx,
        kind.table,
        ['id', 'external_id'],
        'external_id',
        fresh.map(({ item }) => item.externalId),
      );
      const idOf = new Map(ids.map((row) => [row.external_id, Number(row.id)]));
      await kind.afterInsert(
        trx,
        fresh.map(({ item }) => ({ id: idOf.get(item.externalId)!, item })),
      );
    }
    return tally.result();
  });
}

export function recordOrders(
  knex: Knex,
  items: ReadonlyArray<Record<string, unknown>>,
  defaultCurrency: string,
  now = new Date(),
) {
  return recordActivity(knex, ORDER_KIND, items, defaultCurrency, now);
}

export function recordEvents(knex: Knex, items: ReadonlyArray<Record<string, unknown>>, now = new Date()) {
  return recordActivity(knex, EVENT_KIND, items, '', now);
}
