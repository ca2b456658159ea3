/**
 * Benchmarks, quoted as ratios against a baseline measured in the same run.
 *   npm run bench -- [--customers 100000] [--database sqlite:/tmp/bench.sqlite]
 * 1. Loading a synthetic base through the ingestion services vs. plain
 *    multi-row INSERTs of the same rows (what the validation, idempotency
 *    checks and index tables cost).
 * 2. A page of 50 customers with their 3 latest orders and events through
 *    GraphQL (DataLoaders) vs. hand-written SQL answering the same question,
 *    with the number of statements of each.
 * 3. Five crossed segments through evaluateSegment vs. hand-written SQL (bench/filters.ts).
 * 4. On an existing base, member pages for broad and selective filters under
 *    each indexed ordering vs. hand-written SQL (bench/member-pages.ts).
 * With --existing, an existing base is used as it is (no loading, no ingestion figures):
 *   npm run bench -- --existing --database sqlite:/tmp/big.sqlite --as-of 2026-11-01
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { parseDatabaseUrl, toolSettings } from '../src/common/config';
import { openDatabase, type Database } from '../src/orm/database';
import { createApp } from '../src/server/app';
import { loadSyntheticBase } from '../seeds/load';
import { benchFilters } from './filters';
import { openCursor } from '../src/common/pagination';
import { benchMemberPages } from './member-pages';
import { median, option, timed } from './measure';

async function ingestion(db: Database, baselineDb: Database, customers: number): Promise<void> {
  const until = new Date(Date.UTC(2026, 10, 1));
  const service = await timed(() => loadSyntheticBase(db, { customers, seed: 1, until }));
  // Baseline: the same customers, orders and events copied with plain INSERTs, no checks.
  const knex = db.fork().getKnex();
  const target = baselineDb.fork().getKnex();
  const copy = await timed(async () => {
    for (const table of ['customers', 'orders', 'events']) {
      let lastId = 0;
      for (;;) {
        const rows = await knex(table).where('id', '>', lastId).orderBy('id').limit(500);
        if (rows.length === 0) break;
        lastId = Number(rows[rows.length - 1].id);
        await target(table).insert(rows);
      }
    }
  });
  const s = service.value;
  console.log(
    `ingestion: ${s.customers.toLocaleString('en')} customers, ${s.orders.toLocaleString('en')} orders, ${s.events.toLocaleString('en')} events` +
      ` in ${(service.ms / 1000).toFixed(1)} s (${Math.round((s.customers + s.orders + s.events) / (service.ms / 1000)).toLocaleString('en')} items/s);` +
      ` plain INSERT copy ${(copy.ms / 1000).toFixed(1)} s; ratio ${(service.ms / copy.ms).toFixed(2)}×`,
  );
}

const PAGE = `query($after: String) { customers(first: 50, after: $after) { edges { node { externalId
  orders(first: 3) { edges { node { amount orderedAt } } }
  events(first: 3) { edges { node { name occurredAt } } } } } pageInfo { endCursor } } }`;

async function customerPage(db: Database): Promise<void> {
  let statements = 0;
  const counted = await openDatabase(db.target, { onQuery: () => (statements += 1) });
  const app = await createApp(counted, toolSettings(db.target), console);
  const port = await app.listen(0, '127.0.0.1');
  const post = async (after: string | null) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: PAGE, variables: { after } }),
    });
    return (await response.json()) as any;
  };
  // A cursor in the middle of the base.
  const middle = (await post(null)).data.customers.pageInfo.endCursor as string;
  const knex = db.fork().getKnex();
  const handWritten = async () => {
    const page = await knex.raw(
      'select id, external_id from customers where (created_at, id) > (?, ?) order by created_at, id limit 50',
      // The sort value and id the cursor holds (after its ordering): the bench shares the service's key.
      JSON.parse(openCursor(middle)!).slice(1),
    );
    const rows = Array.isArray(page) ? page : page.rows;
    const ids = rows.map((row: any) => Number(row.id));
    const marks = ids.map(() => '?').join(',');
    await knex.raw(
      `select * from (select o.amount, o.ordered_at, o.customer_id, row_number() over (partition by o.customer_id order by o.ordered_at desc, o.id desc) n from orders o where o.customer_id in (${marks})) t where n <= 3`,
      ids,
    );
    await knex.raw(
      `select * from (select e.name, e.occurred_at, e.customer_id, row_number() over (partition by e.customer_id order by e.occurred_at desc, e.id desc) n from events e where e.customer_id in (${marks})) t where n <= 3`,
      ids,
    );
  };
  const graphqlTimes: number[] = [];
  const sqlTimes: number[] = [];
  let graphqlStatements = 0;
  for (let round = 0; round < 30; round++) {
    statements = 0;
    graphqlTimes.push((await timed(() => post(middle))).ms);
    graphqlStatements = statements;
    sqlTimes.push((await timed(handWritten)).ms);
  }
  console.log(
    `customer page (50 customers, 3 orders and 3 events each, mid-base cursor): GraphQL over HTTP median ${median(graphqlTimes).toFixed(1)} ms in ${graphqlStatements} statements;` +
      ` hand-written SQL median ${median(sqlTimes).toFixed(1)} ms in 3 statements; ratio ${(median(graphqlTimes) / median(sqlTimes)).toFixed(2)}×`,
  );
  await app.stop();
  await counted.close();
}

async function main(): Promise<void> {
  const customers = Number(option('customers', '100000'));
  const url = option('database', 'sqlite:/tmp/segments-bench.sqlite');
  const target = parseDatabaseUrl(url);
  const asOf = new Date(option('as-of', '2026-11-01T00:00:00Z'));
  if (process.argv.includes('--existing')) {
    const existing = await openDatabase(target);
    console.log(`bench on the existing base at ${url}, as of ${asOf.toISOString()}`);
    await customerPage(existing);
    await benchFilters(existing, asOf);
    await benchMemberPages(existing);
    await existing.close();
    return;
  }
  if (target.dialect === 'sqlite')
    for (const suffix of ['', '-wal', '-shm', '.copy', '.copy-wal', '.copy-shm'])
      rmSync(target.path + suffix, { force: true });
  const db = await openDatabase(target);
  const baselineTarget =
    target.dialect === 'sqlite' ? { dialect: 'sqlite' as const, path: `${target.path}.copy` } : target;
  if (target.dialect !== 'sqlite')
    throw new Error('the ingestion baseline needs a second database: use sqlite: here');
  const baseline = await openDatabase(baselineTarget);
  console.log(`bench on ${url}, ${customers.toLocaleString('en')} customers`);
  await ingestion(db, baseline, customers);
  await customerPage(db);
  await benchFilters(db, asOf);
  await baseline.close();
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
