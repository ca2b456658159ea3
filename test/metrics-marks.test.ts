import type { Knex } from '@mikro-orm/knex';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { markMetricsDirty } from '../src/ingest/metrics-dirty';
import { claimMarks, unmarkClaimed } from '../src/value/metrics-marks';
import { createTestDatabase, ON_POSTGRES, type TestDatabase } from './support/database';

/**
 * The refresh's claim on the marks ingestion writes (metrics_dirty): what it
 * claimed goes when it publishes, a mark written again meanwhile stays, and
 * on PostgreSQL the refresh and an ingestion batch taking the same marks
 * never deadlock, whatever order the rows lie in on disk.
 */
let store: TestDatabase;
let knex: Knex;
let ada: number;
let bob: number;
let cy: number;

beforeAll(async () => {
  store = await createTestDatabase();
  knex = store.db.fork().getKnex();
  await upsertCustomers(knex, [{ externalId: 'ada' }, { externalId: 'bob' }, { externalId: 'cy' }]);
  const ids = new Map<string, number>(
    (await knex('customers').select('external_id', 'id')).map((row: { external_id: string; id: number }) => [
      row.external_id,
      Number(row.id),
    ]),
  );
  [ada, bob, cy] = ['ada', 'bob', 'cy'].map((name) => ids.get(name)!);
});
afterAll(async () => store.drop());

/** The marks as (customer, claimed), in customer order. */
async function marks(): Promise<Array<[number, boolean]>> {
  const rows = await knex('metrics_dirty').select('customer_id', 'claimed').orderBy('customer_id');
  return rows.map((row: { customer_id: number; claimed: unknown }) => [
    Number(row.customer_id),
    Boolean(row.claimed),
  ]);
}

/** Leaves exactly these marks, written one statement each in this order (so lying on disk in it), all claimed. */
async function claimedMarksInOrder(customers: number[]): Promise<void> {
  await knex('metrics_dirty').delete();
  for (const customer of customers) await knex.transaction((trx) => markMetricsDirty(trx, [customer]));
  expect(await knex.transaction((trx) => claimMarks(trx))).toBe(customers.length);
}

test('the claimed marks go as the refresh publishes; one written again since the claim stays, unclaimed', async () => {
  await claimedMarksInOrder([ada, bob, cy]);
  await knex.transaction((trx) => markMetricsDirty(trx, [bob]));
  await knex.transaction((trx) => unmarkClaimed(trx));
  expect(await marks()).toEqual([[bob, false]]);
});

test('a claim made while a mark is new claims it with the others', async () => {
  await claimedMarksInOrder([cy]);
  await knex.transaction((trx) => markMetricsDirty(trx, [ada]));
  expect(await knex.transaction((trx) => claimMarks(trx))).toBe(2);
  expect(await marks()).toEqual([
    [ada, true],
    [cy, true],
  ]);
});

// PostgreSQL's row locks; SQLite has one writer at a time and no such cycle.
if (ON_POSTGRES)
  test('PostgreSQL: unmarking while an ingestion batch holds one mark and then takes another does not deadlock', async () => {
    // On disk: cy's mark, then ada's. A delete that took them in that order
    // would hold cy's and wait for ada's, which the batch holds; the batch,
    // marking cy next, would wait for the delete: a cycle PostgreSQL breaks by failing one.
    await claimedMarksInOrder([cy, ada]);
    const batch = await knex.transaction();
    await markMetricsDirty(batch, [ada]);
    const refresh = await knex.transaction();
    const unmarking = unmarkClaimed(refresh).then(() => refresh.commit());
    await waitUntilBlocked();
    try {
      await markMetricsDirty(batch, [cy]);
      await batch.commit();
    } catch (error) {
      // The deadlock's victim: let the refresh through before failing.
      await batch.rollback();
      await unmarking;
      throw error;
    }
    await unmarking;
    // Both marks were written again by the batch before the refresh could
    // take them: the refresh leaves them, unclaimed, for the next one.
    expect(await marks()).toEqual([
      [ada, false],
      [cy, false],
    ]);
  });

/** Resolves once some connection of this database waits for a row lock (the refresh, behind the batch). */
async function waitUntilBlocked(): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const waiting = await knex.raw(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    );
    if (waiting.rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the refresh never waited for the batch');
}
