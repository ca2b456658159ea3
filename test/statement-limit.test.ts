import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/common/scopes';
import { DEFAULT_LIMITS } from '../src/common/config';
import { isStatementTimeout } from '../src/db/statement-timeout';
import { createTestDatabase } from './support/database';
import { startTestServer, type TestServer } from './support/server';

/**
 * The statement limit holds over time: only a statement that has itself run
 * past the limit is stopped. Transactions, idle gaps longer than the limit and
 * interrupted statements leave nothing behind that stops the next ones.
 */

// Far above what the work under the limit takes even on a loaded machine (it is a few milliseconds
// unloaded), far below what the slow statement takes.
const LIMIT_MS = 1000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts to n in SQL: about 10 ms of work for n = 100,000 on either database, far under the limit. */
const counting = (n: number) =>
  `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${n}) select count(*) as c from n`;
/** Seconds of work, far past the limit. */
const SLOW_SQL = counting(50_000_000);

const countOf = (rows: unknown) => Number(JSON.stringify(rows).match(/"c":"?(\d+)/)?.[1]);

test('after transactions and an idle gap past the limit, statements under the limit answer; one past it is still stopped', async () => {
  const database = await createTestDatabase({ statementTimeoutMs: LIMIT_MS });
  try {
    const knex = database.db.fork().getKnex();
    // Each transaction sends BEGIN and COMMIT (or ROLLBACK) through the driver as statements of their own.
    await knex.transaction(async (trx) => {
      await trx.raw('create table probe (n integer)');
      await trx.raw('insert into probe (n) values (1)');
    });
    await knex
      .transaction(async (trx) => {
        await trx.raw('insert into probe (n) values (2)');
        throw new Error('rolled back on purpose');
      })
      .catch(() => undefined);
    await pause(LIMIT_MS * 3);
    for (let round = 0; round < 5; round++) expect(countOf(await knex.raw(counting(100_000)))).toBe(100_000);

    const stopped = await knex.raw(SLOW_SQL).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isStatementTimeout(stopped)).toBe(true);
    // An interrupted statement leaves nothing behind either: after another gap, work under the limit answers.
    await pause(LIMIT_MS * 3);
    for (let round = 0; round < 5; round++) expect(countOf(await knex.raw(counting(100_000)))).toBe(100_000);
    await knex.transaction(async (trx) => trx.raw('insert into probe (n) values (3)'));
    expect(countOf(await knex.raw('select count(*) as c from probe'))).toBe(2);
  } finally {
    await database.drop();
  }
});

describe('through the service', () => {
  let server: TestServer;
  let key: string;
  beforeAll(async () => {
    server = await startTestServer(
      { statementTimeoutMs: LIMIT_MS },
      { auth: 'keys', limits: { ...DEFAULT_LIMITS, statementTimeoutMs: LIMIT_MS } },
    );
    key = (await createApiKey(server.db.fork().getKnex(), 'soak', [Scope.READ, Scope.INGEST])).key;
  });
  afterAll(async () => server.stop());

  const ask = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  };

  test('a write, a wait past the limit, then segments, ingestion and the key look-up all answer', async () => {
    const customers = Array.from({ length: 300 }, (_, i) => ({
      externalId: `c${i}`,
      country: i % 2 ? 'FR' : 'BE',
    }));
    const upserted = await ask(
      'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }',
      { c: customers },
    );
    expect(upserted.body.errors).toBeUndefined();
    for (let gap = 0; gap < 3; gap++) {
      await pause(LIMIT_MS * 2);
      const events = customers.map((customer, i) => ({
        externalId: `e${gap}-${i}`,
        customerExternalId: customer.externalId,
        name: 'page_viewed',
        channel: 'WEB',
        occurredAt: '2026-05-01T10:00:00Z',
      }));
      const recorded = await ask('mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted } }', {
        e: events,
      });
      expect(recorded).toEqual({ status: 200, body: { data: { recordEvents: { accepted: 300 } } } });
      await pause(LIMIT_MS * 2);
      const segment = await ask(
        '{ evaluateSegment(filter: { behaviour: { event: { count: { gte: 3 } } } }) { size } }',
      );
      expect(segment).toEqual({
        status: 200,
        body: { data: { evaluateSegment: { size: gap >= 2 ? 300 : 0 } } },
      });
    }
    expect(server.logged).toEqual([]);
  });
});
