import type { Knex } from '@mikro-orm/knex';
import { recordEvents, recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { refreshMetrics, refreshTouchedMetrics } from '../src/value/metrics.service';
import { refreshDue } from '../src/value/refresh-scheduler';
import { createTestDatabase, ON_POSTGRES, type TestDatabase } from './support/database';

/**
 * The incremental refresh (README, "Value refresh") against its definition:
 * after any sequence of ingestion batches each followed by an incremental
 * refresh, every customer's row of customer_metrics is the row a full
 * refresh at that row's asOf writes when it holds the fit and the RFM
 * boundaries of the latest full refresh, and no row of a customer ingestion
 * did not touch is written at all.
 *
 * A small base, written by a seeded generator through the ingestion services.
 * Amounts are multiples of 0.25, so that sums are exact in any order and rows
 * can be compared for equality, column by column.
 */
const DAY = 86_400_000;
const FULL_AS_OF = new Date('2026-06-01T00:00:00Z');
const CHANNELS = ['EMAIL', 'SMS', 'WEB', 'APP', 'STORE'];
const EVENT_NAMES = ['page_view', 'message_opened', 'message_sent', 'support_call'];

let database: TestDatabase;
let knex: Knex;

/** A small deterministic generator (mulberry32): the same base on every run and store. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(20261202);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
let nextOrder = 0;
let nextEvent = 0;

function order(customer: string, latest: Date, spanDays: number) {
  nextOrder += 1;
  return {
    externalId: `o${nextOrder}`,
    customerExternalId: customer,
    orderedAt: new Date(latest.getTime() - Math.floor(random() * spanDays * DAY)),
    amount: Math.floor(random() * 800) * 0.25,
    channel: pick(CHANNELS),
  };
}

function event(customer: string, latest: Date, spanDays: number) {
  nextEvent += 1;
  return {
    externalId: `e${nextEvent}`,
    customerExternalId: customer,
    name: pick(EVENT_NAMES),
    channel: pick(CHANNELS),
    occurredAt: new Date(latest.getTime() - Math.floor(random() * spanDays * DAY)),
  };
}

const CUSTOMERS = Array.from({ length: 160 }, (_, i) => `c${i + 1}`);

/** customer_metrics by customer, every column but computed_at as text (numbers as the store returns them, made numbers). */
async function metricsRows(): Promise<Map<number, Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = await knex('customer_metrics').select('*');
  return new Map(
    rows.map((row) => {
      const { computed_at: _computedAt, ...rest } = row;
      const normalised = Object.fromEntries(
        Object.entries(rest).map(([key, value]) => [
          key,
          typeof value === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value) ? Number(value) : value,
        ]),
      );
      return [Number(row.customer_id), normalised];
    }),
  );
}

async function computedAtOf(): Promise<Map<number, number>> {
  const rows: Array<{ customer_id: number; computed_at: number | string }> = await knex(
    'customer_metrics',
  ).select('customer_id', 'computed_at');
  return new Map(rows.map((row) => [Number(row.customer_id), Number(row.computed_at)]));
}

/** PostgreSQL's row versions: a row written again, even with the same values, gets a new one. */
async function rowVersions(): Promise<Map<number, string>> {
  const result = await knex.raw('select customer_id, xmin::text as version from customer_metrics');
  const rows = result.rows as Array<{ customer_id: number; version: string }>;
  return new Map(rows.map((row) => [Number(row.customer_id), row.version]));
}

async function idsOf(externalIds: Iterable<string>): Promise<Set<number>> {
  const rows: Array<{ id: number }> = await knex('customers')
    .whereIn('external_id', [...externalIds])
    .select('id');
  return new Set(rows.map((row) => Number(row.id)));
}

/** One ingestion batch: orders and events for some existing customers, two new customers (one with an order). */
async function ingestBatch(batch: number, latest: Date): Promise<Set<string>> {
  const touched = new Set<string>();
  const newcomers = [`new${batch}a`, `new${batch}b`];
  expect(
    (
      await upsertCustomers(
        knex,
        newcomers.map((externalId) => ({ externalId })),
      )
    ).rejected,
  ).toEqual([]);
  newcomers.forEach((customer) => touched.add(customer));
  const orders = [order(newcomers[0], latest, 20)];
  for (let i = 0; i < 25; i++) {
    const customer = pick(CUSTOMERS);
    touched.add(customer);
    orders.push(order(customer, latest, 3));
    if (random() < 0.3) orders.push(order(customer, latest, 300));
  }
  expect((await recordOrders(knex, orders, 'EUR')).rejected).toEqual([]);
  const events = [];
  for (let i = 0; i < 15; i++) {
    const customer = pick(CUSTOMERS);
    touched.add(customer);
    events.push(event(customer, latest, 30));
  }
  expect((await recordEvents(knex, events)).rejected).toEqual([]);
  return touched;
}

beforeAll(async () => {
  database = await createTestDatabase();
  knex = database.db.fork().getKnex();
  expect(
    (
      await upsertCustomers(
        knex,
        CUSTOMERS.map((externalId) => ({ externalId })),
      )
    ).rejected,
  ).toEqual([]);
  const orders = [];
  const events = [];
  for (const customer of CUSTOMERS) {
    // About one customer in eight without orders; some with one, most with several.
    const count = Math.floor(random() * 8);
    for (let i = 0; i < count; i++) orders.push(order(customer, FULL_AS_OF, 700));
    for (let i = 0; i < Math.floor(random() * 6); i++) events.push(event(customer, FULL_AS_OF, 200));
  }
  expect((await recordOrders(knex, orders, 'EUR')).rejected).toEqual([]);
  expect((await recordEvents(knex, events)).rejected).toEqual([]);
  await refreshMetrics(knex, FULL_AS_OF, FULL_AS_OF);
});
afterAll(async () => database?.drop());

test('a refresh holding the fit, on the base it was fitted on, writes the rows of the full refresh (the boundaries give the rank scores)', async () => {
  const full = await metricsRows();
  expect(full.size).toBe(CUSTOMERS.length);
  // A base that exercises every score and both models.
  for (const column of ['recency_score', 'frequency_score', 'monetary_score'])
    expect(new Set([...full.values()].map((row) => row[column]))).toEqual(new Set([null, 1, 2, 3, 4, 5]));
  expect([...full.values()].some((row) => Number(row.predicted_lifetime_value) > 0)).toBe(true);

  await refreshMetrics(knex, FULL_AS_OF, new Date(FULL_AS_OF.getTime() + 1000), { holdFit: true });
  expect(await metricsRows()).toEqual(full);
  expect(new Set((await computedAtOf()).values())).toEqual(new Set([FULL_AS_OF.getTime() + 1000]));
});

test('an incremental sequence ends with the rows of a full refresh holding the fit, and rewrites only the touched customers', async () => {
  await refreshMetrics(knex, FULL_AS_OF, FULL_AS_OF);
  const before = await metricsRows();
  const versionsBefore = ON_POSTGRES ? await rowVersions() : null;
  const touchedEver = new Set<number>();
  const refreshedAt: number[] = [];
  for (const [batch, hours] of [
    [1, 2],
    [2, 5],
    [3, 9],
  ]) {
    const at = new Date(FULL_AS_OF.getTime() + hours * 3_600_000);
    const touched = await idsOf(await ingestBatch(batch, at));
    touched.forEach((id) => touchedEver.add(id));
    const stamp = at.getTime() + 1;
    refreshedAt.push(stamp);
    expect(await refreshTouchedMetrics(knex, at, new Date(stamp))).toBe(touched.size);
    // Written now: exactly the customers this batch touched.
    const written = [...(await computedAtOf()).entries()].filter(([, computedAt]) => computedAt === stamp);
    expect(new Set(written.map(([id]) => id))).toEqual(touched);
    expect(Number((await knex('metrics_dirty').count({ n: '*' }).first())!.n)).toBe(0);
  }

  const incremental = await metricsRows();
  const computedAt = await computedAtOf();
  // The customers nobody touched: the very rows of the full refresh, not written again.
  for (const [id, row] of before) if (!touchedEver.has(id)) expect(incremental.get(id)).toEqual(row);
  for (const [id, at] of computedAt) if (!touchedEver.has(id)) expect(at).toBe(FULL_AS_OF.getTime());
  if (versionsBefore) {
    const versionsAfter = await rowVersions();
    for (const [id, version] of versionsBefore)
      if (!touchedEver.has(id)) expect(versionsAfter.get(id)).toBe(version);
  }
  // Every customer has a row, the new ones included.
  expect(incremental.size).toBe(CUSTOMERS.length + 6);

  // Each row is the row of a full refresh holding the fit, at the row's asOf.
  const asOfs = new Set([...incremental.values()].map((row) => Number(row.as_of)));
  expect(asOfs.size).toBe(4);
  for (const asOf of asOfs) {
    await refreshMetrics(knex, new Date(asOf), new Date(asOf), { holdFit: true });
    const reference = await metricsRows();
    const rowsAtAsOf = [...incremental.entries()].filter(([, row]) => Number(row.as_of) === asOf);
    expect(rowsAtAsOf.length).toBeGreaterThan(0);
    for (const [id, row] of rowsAtAsOf) expect({ id, ...row }).toEqual({ id, ...reference.get(id) });
  }
});

test('the incremental rows agree with a full refresh at their asOf on everything that does not depend on the whole base', async () => {
  await refreshMetrics(knex, FULL_AS_OF, FULL_AS_OF);
  const at = new Date(FULL_AS_OF.getTime() + 12 * 3_600_000);
  const touched = await idsOf(await ingestBatch(4, at));
  await refreshTouchedMetrics(knex, at, at);
  const incremental = await metricsRows();
  await refreshMetrics(knex, at, at);
  const full = await metricsRows();
  const ownColumns = [
    'order_count',
    'lifetime_revenue',
    'average_order_value',
    'first_order_at',
    'last_order_at',
    'days_since_last_order',
    'repeat_occasions',
    'first_occasion_day',
    'last_occasion_day',
    'repeat_occasion_value',
    'preferred_channel',
    'as_of',
  ];
  const own = (row: Record<string, unknown> | undefined) =>
    Object.fromEntries(ownColumns.map((column) => [column, row?.[column]]));
  for (const id of touched) expect({ id, ...own(incremental.get(id)) }).toEqual({ id, ...own(full.get(id)) });
});

test('an incremental refresh needs a full one to hold, and the scheduler runs a full one when the day moves on', async () => {
  const other = await createTestDatabase();
  try {
    const db = other.db.fork().getKnex();
    await upsertCustomers(db, [{ externalId: 'solo' }]);
    expect(await refreshTouchedMetrics(db, FULL_AS_OF)).toBeNull();
    const morning = new Date('2026-06-02T08:00:00Z');
    expect(await refreshDue(db, morning)).toBe('full');
    expect(await refreshDue(db, new Date('2026-06-02T20:00:00Z'))).toBe('incremental');
    expect(await refreshDue(db, new Date('2026-06-03T00:00:00Z'))).toBe('full');
  } finally {
    await other.drop();
  }
});
