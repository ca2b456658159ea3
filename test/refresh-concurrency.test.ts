import { Client } from 'pg';
import sqlite3 from 'sqlite3';
import type { DatabaseTarget } from '../src/common/config';
import { recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { startTestServer, type TestServer } from './support/server';

/**
 * A refresh in progress holds up no reader. Another writer holds what the
 * refresh needs to publish (SQLite's write lock; on PostgreSQL a lock on
 * customer_metrics that readers do not conflict with), so the refresh cannot
 * commit; meanwhile a read through the service must be answered, with the
 * previous refresh's figures. Let through, the refresh publishes the new ones.
 */
const FIRST = new Date('2026-05-01T00:00:00Z');
const SECOND = new Date('2026-06-01T00:00:00Z');
const REFRESH = 'mutation($asOf: DateTime) { refreshMetrics(asOf: $asOf) { customers asOf } }';
const READ =
  'query($id: String) { customer(externalId: $id) { value { orderCount lifetimeRevenue lastOrderAt computedAt } } }';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const knex = server.db.fork().getKnex();
  await upsertCustomers(knex, [{ externalId: 'ada' }, { externalId: 'bob' }, { externalId: 'cy' }]);
  const orders = [
    { externalId: 'o1', customerExternalId: 'ada', orderedAt: new Date('2026-04-10T09:00:00Z'), amount: 10 },
    { externalId: 'o2', customerExternalId: 'ada', orderedAt: new Date('2026-05-20T09:00:00Z'), amount: 30 },
    { externalId: 'o3', customerExternalId: 'bob', orderedAt: new Date('2026-03-02T09:00:00Z'), amount: 5 },
    { externalId: 'o4', customerExternalId: 'bob', orderedAt: new Date('2026-04-02T09:00:00Z'), amount: 7 },
  ];
  expect((await recordOrders(knex, orders, 'EUR')).rejected).toEqual([]);
  const first = await server.post(REFRESH, { asOf: FIRST.toISOString() });
  expect(first.body.errors).toBeUndefined();
});
afterAll(async () => server.stop());

/** Holds, from a connection of the test's own, a lock a refresh must wait for to publish but readers need not. */
async function holdPublishing(target: DatabaseTarget): Promise<() => Promise<void>> {
  if (target.dialect === 'postgresql') {
    const client = new Client({ connectionString: target.url });
    await client.connect();
    await client.query('begin');
    await client.query('lock table customer_metrics in share row exclusive mode');
    return async () => {
      await client.query('rollback');
      await client.end();
    };
  }
  const connection = new sqlite3.Database(target.path);
  const exec = (sql: string) =>
    new Promise<void>((resolve, reject) =>
      connection.exec(sql, (error) => (error ? reject(error) : resolve())),
    );
  await exec('pragma busy_timeout = 5000; begin immediate');
  return async () => {
    await exec('rollback');
    await new Promise<void>((resolve, reject) =>
      connection.close((error) => (error ? reject(error) : resolve())),
    );
  };
}

test('a read during a refresh is answered before the refresh commits, with the previous refresh figures', async () => {
  const release = await holdPublishing(server.target);
  let settled = false;
  const refresh = server.post(REFRESH, { asOf: SECOND.toISOString() }).finally(() => (settled = true));
  try {
    // Give the refresh time to get going: it computes, then waits to publish.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = await server.post(READ, { id: 'ada' });
    expect(settled).toBe(false);
    expect(during.body.errors).toBeUndefined();
    expect(during.body.data.customer.value).toMatchObject({
      orderCount: 1,
      lifetimeRevenue: 10,
      lastOrderAt: '2026-04-10T09:00:00.000Z',
    });
    const bob = await server.post(READ, { id: 'bob' });
    expect(bob.body.data.customer.value).toMatchObject({ orderCount: 2, lifetimeRevenue: 12 });
    expect(settled).toBe(false);
  } finally {
    await release();
  }
  const refreshed = await refresh;
  expect(refreshed.body.errors).toBeUndefined();
  expect(refreshed.body.data.refreshMetrics).toEqual({ customers: 2, asOf: SECOND.toISOString() });
  const after = await server.post(READ, { id: 'ada' });
  expect(after.body.data.customer.value).toMatchObject({
    orderCount: 2,
    lifetimeRevenue: 40,
    lastOrderAt: '2026-05-20T09:00:00.000Z',
  });
});

test('refreshes one after another leave one customer_metrics table with its indexes, whatever their names', async () => {
  for (const asOf of [FIRST, SECOND, FIRST]) {
    const answer = await server.post(REFRESH, { asOf: asOf.toISOString() });
    expect(answer.body.errors).toBeUndefined();
  }
  const knex = server.db.fork().getKnex();
  const rows = await knex('customer_metrics')
    .orderBy('customer_id')
    .select('order_count', 'lifetime_revenue');
  expect(rows.map((row) => [Number(row.order_count), Number(row.lifetime_revenue)])).toEqual([
    [1, 10],
    [2, 12],
    [0, 0],
  ]);
  if (server.target.dialect === 'sqlite') {
    const tables = await knex.raw(
      "select name from sqlite_master where type = 'table' and name like 'customer_metrics%'",
    );
    expect(tables.map((row: { name: string }) => row.name)).toEqual(['customer_metrics']);
    const indexes = await knex.raw(
      "select count(*) as n from sqlite_master where type = 'index' and tbl_name = 'customer_metrics' and sql is not null",
    );
    expect(Number(indexes[0].n)).toBe(4);
  }
});

test('two refreshes at once both succeed, and the later publication is the one kept', async () => {
  const answers = await Promise.all(
    [FIRST, SECOND].map((asOf) => server.post(REFRESH, { asOf: asOf.toISOString() })),
  );
  for (const answer of answers) expect(answer.body.errors).toBeUndefined();
  const knex = server.db.fork().getKnex();
  const rows = await knex('customer_metrics').select('as_of');
  expect(rows).toHaveLength(3);
  // Every row comes from one and the same refresh, whichever published last.
  const latest = await knex('value_models').orderBy('id', 'desc').first('as_of');
  expect(new Set(rows.map((row) => Number(row.as_of)))).toEqual(new Set([Number(latest.as_of)]));
});
