/**
 * refreshMetrics on an existing base, in the same run:
 * 1. against the plain SQL aggregate of the same inputs (per-customer count,
 *    revenue, first and last order, written with INSERT…SELECT to a scratch
 *    table): both times and their ratio, and the process's peak memory;
 * 2. the service while a refresh runs: the refresh is asked for through
 *    GraphQL, and meanwhile one client reads single customers with their value
 *    (customer(externalId:)) and another records batches of orders. Prints the
 *    read latencies (p50/p99/max) before and during the refresh, and each
 *    ingestion batch's latency and whether it was accepted.
 * It writes (the refresh, the bench's orders): run it on a copy of a base.
 *   npm run build && node dist/bench/refresh.js --database sqlite:/tmp/big.sqlite --as-of 2026-11-01 [--batch 1000]
 */
import 'reflect-metadata';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase, type Database } from '../src/orm/database';
import { rowsOf } from '../src/db/raw-rows';
import { refreshMetrics } from '../src/value/metrics.service';
import { percentile } from './service-process';
import { option } from './measure';
import { startUnlimitedService } from './unlimited-service';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const millis = (ms: number) => `${ms.toFixed(0)} ms`;

/** The plain per-customer aggregate of the orders, written with INSERT…SELECT; its time in ms. */
async function plainAggregate(db: Database, asOf: Date): Promise<number> {
  const started = Date.now();
  await db
    .fork()
    .getKnex()
    .transaction(async (trx) => {
      await trx.raw(
        'create temporary table plain_aggregate (customer_id integer, n integer, revenue double precision, first_at bigint, last_at bigint)',
      );
      await trx.raw(
        'insert into plain_aggregate select customer_id, count(*), sum(amount), min(ordered_at), max(ordered_at) from orders where ordered_at <= ? group by customer_id',
        [asOf.getTime()],
      );
      await trx.raw('drop table plain_aggregate');
    });
  return Date.now() - started;
}

const READ = `query ($id: String) { customer(externalId: $id) { externalId value { rfmSegment lifetimeRevenue predictedLifetimeValue computedAt } } }`;
const RECORD_ORDERS = `mutation ($o: [OrderInput!]!) { recordOrders(orders: $o) { accepted duplicates rejected { index message } } }`;
const REFRESH = `mutation ($asOf: DateTime) { refreshMetrics(asOf: $asOf) { customers computedAt } }`;

interface Timed {
  ms: number;
  ok: boolean;
}

function latencies(samples: Timed[]): string {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const failed = samples.filter((s) => !s.ok).length;
  return (
    `${samples.length} (${failed} failed), p50 ${millis(percentile(sorted, 50))}, p99 ${millis(percentile(sorted, 99))},` +
    ` max ${millis(sorted[sorted.length - 1] ?? NaN)}`
  );
}

/** The service while a refresh runs: reads and ingestion batches, timed. */
async function underLoad(db: Database, asOf: Date, batch: number): Promise<void> {
  const { app, port } = await startUnlimitedService(db);
  const post = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  };
  const knex = db.fork().getKnex();
  const externalIds: string[] = (
    await knex.raw('select external_id from customers where id % 2000 = 0').then(rowsOf)
  ).map((row: { external_id: string }) => row.external_id);
  const pick = () => externalIds[Math.floor(Math.random() * externalIds.length)];
  const timed = async (query: string, variables: Record<string, unknown>, ok: (data: any) => boolean) => {
    const start = process.hrtime.bigint();
    const answer = await post(query, variables).catch(() => ({ errors: ['no answer'], data: undefined }));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (answer.errors && errorsSeen.size < 5) errorsSeen.add(JSON.stringify(answer.errors).slice(0, 300));
    return { ms, ok: !answer.errors && ok(answer.data), answer };
  };
  const errorsSeen = new Set<string>();
  const readOnce = () => timed(READ, { id: pick() }, (data) => data?.customer?.externalId != null);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const quiet: Timed[] = [];
  for (let i = 0; i < 200; i++) quiet.push(await readOnce());
  console.log(`  reads without a refresh: ${latencies(quiet)}`);

  // Reads with ingestion batches but no refresh (on SQLite both share the service's one connection),
  // then during a refresh: reads alone, and reads with ingestion batches.
  const scenarios = [
    { refresh: false, withIngestion: true },
    { refresh: true, withIngestion: false },
    { refresh: true, withIngestion: true },
  ];
  for (const { refresh: refreshes, withIngestion } of scenarios) {
    let refreshing = true;
    const reads: Timed[] = [];
    const batches: Array<Timed & { accepted: number }> = [];
    const run = Date.now();
    const refresh = (
      refreshes
        ? timed(REFRESH, { asOf: asOf.toISOString() }, (data) => data?.refreshMetrics?.customers > 0)
        : pause(15_000).then(() => ({ ms: 15_000, ok: true }))
    ).finally(() => (refreshing = false));
    const reader = (async () => {
      while (refreshing) {
        reads.push(await readOnce());
        await pause(10);
      }
    })();
    const writer = (async () => {
      for (let n = 0; withIngestion && refreshing; n++) {
        const orders = Array.from({ length: batch }, (_, i) => ({
          externalId: `bench-refresh-${run}-${n}-${i}`,
          customerExternalId: pick(),
          orderedAt: new Date(asOf.getTime() - 3_600_000).toISOString(),
          amount: 10 + (i % 90),
        }));
        const result = await timed(
          RECORD_ORDERS,
          { o: orders },
          (data) => data?.recordOrders?.accepted === batch,
        );
        batches.push({ ...result, accepted: result.answer.data?.recordOrders?.accepted ?? 0 });
        await pause(250);
      }
    })();
    const refreshed = await refresh;
    await Promise.all([reader, writer]);
    const what = withIngestion ? `reads and ingestion batches of ${batch} orders` : 'reads only';
    console.log(
      refreshes
        ? `  refreshMetrics through GraphQL, ${what}: ${seconds(refreshed.ms)}${refreshed.ok ? '' : ' (FAILED)'}`
        : `  no refresh, ${what} for ${seconds(refreshed.ms)}`,
    );
    console.log(`    reads: ${latencies(reads)}`);
    if (withIngestion)
      console.log(
        `    ingestion batches: ${latencies(batches)};` +
          ` ${batches.filter((b) => b.accepted === batch).length} of ${batches.length} accepted in full`,
      );
    for (const error of errorsSeen) console.log(`    error: ${error}`);
    errorsSeen.clear();
  }
  await app.stop();
}

async function main(): Promise<void> {
  const db = await openDatabase(parseDatabaseUrl(option('database', 'sqlite:/tmp/segments-bench.sqlite')));
  const asOf = new Date(option('as-of', '2026-11-01T00:00:00Z'));
  const batch = Number(option('batch', '1000'));
  const knex = db.fork().getKnex();
  const [{ n }] = await knex('customers').count({ n: '*' });
  console.log(
    `refresh bench on ${Number(n).toLocaleString('en')} customers (${db.target.dialect}), as of ${asOf.toISOString()}`,
  );
  const plain = await plainAggregate(db, asOf);
  const before = Date.now();
  const phases: string[] = [];
  const fit = await refreshMetrics(knex, asOf, new Date(), {
    onPhase: (phase, ms) => phases.push(`${phase} ${seconds(ms)}`),
  });
  const refresh = Date.now() - before;
  console.log(
    `  refreshMetrics ${seconds(refresh)}; plain aggregate INSERT…SELECT ${seconds(plain)}; ratio ${(refresh / plain).toFixed(1)}×;` +
      ` peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; BG/NBD r=${fit.bgnbd?.r.toFixed(3)} alpha=${fit.bgnbd?.alpha.toFixed(3)} a=${fit.bgnbd?.a.toFixed(3)} b=${fit.bgnbd?.b.toFixed(3)}`,
  );
  console.log(`    phases: ${phases.join(', ')}`);
  if (!process.argv.includes('--no-load')) await underLoad(db, asOf, batch);
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
