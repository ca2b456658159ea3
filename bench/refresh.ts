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
 * benchRefresh is also one part of bench/scale.ts.
 */
import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase, type Database } from '../src/orm/database';
import { rowsOf } from '../src/db/raw-rows';
import { refreshMetrics } from '../src/value/metrics.service';
import { percentile } from './service-process';
import { millis, option, seconds, type Figure } from './measure';
import { startUnlimitedService } from './unlimited-service';

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
  const failed = samples.filter((s) => !s.ok).length;
  return `${samples.length} (${failed} failed), ${spread(samples)}`;
}

const p99 = (samples: Timed[]) => percentile(sorted(samples), 99);
const sorted = (samples: Timed[]) => samples.map((s) => s.ms).sort((a, b) => a - b);

/** p50, p99 and max of the samples' times. */
function spread(samples: Timed[]): string {
  const times = sorted(samples);
  return `p50 ${millis(percentile(times, 50))}, p99 ${millis(percentile(times, 99))}, max ${millis(times[times.length - 1] ?? NaN)}`;
}

/**
 * A GraphQL request over node:http, which waits as long as the answer takes:
 * fetch gives up on an answer whose headers take more than 300 s, and a
 * refresh of a large base on a loaded machine can take longer.
 */
function postWithoutTimeout(port: number, body: string): Promise<{ data?: any; errors?: unknown[] }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** What one scenario of underLoad saw. */
interface Scenario {
  refresh: boolean;
  withIngestion: boolean;
  /** How long the refresh (or the pause standing for it) took. */
  ms: number;
  ok: boolean;
  reads: Timed[];
  batches: Array<Timed & { accepted: number }>;
}

/** The service while a refresh runs: reads and ingestion batches, timed. */
async function underLoad(
  db: Database,
  asOf: Date,
  batch: number,
): Promise<{ quiet: Timed[]; scenarios: Scenario[] }> {
  const { app, port } = await startUnlimitedService(db);
  const post = (query: string, variables: Record<string, unknown>) =>
    postWithoutTimeout(port, JSON.stringify({ query, variables }));
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

  // Reads with ingestion batches but no refresh (on SQLite reads on their own connections, batches on
  // the writer), then during a refresh: reads alone, and reads with ingestion batches.
  const seen: Scenario[] = [];
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
    seen.push({ refresh: refreshes, withIngestion, ms: refreshed.ms, ok: refreshed.ok, reads, batches });
  }
  await app.stop();
  return { quiet, scenarios: seen };
}

/**
 * The refresh against the plain aggregate, then (unless `load` is false) the
 * service under a refresh: the figures of bench/scale.ts's table.
 */
export async function benchRefresh(
  db: Database,
  asOf: Date,
  { batch = 1000, load = true }: { batch?: number; load?: boolean } = {},
): Promise<Figure[]> {
  const knex = db.fork().getKnex();
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
  const figures: Figure[] = [
    {
      measure: 'full refresh (`refreshMetrics`) vs plain per-customer aggregate (INSERT…SELECT)',
      service: seconds(refresh),
      baseline: seconds(plain),
      ratio: refresh / plain,
      goal: '≤ 3×',
    },
  ];
  if (!load) return figures;
  const { quiet, scenarios } = await underLoad(db, asOf, batch);
  const quietP99 = p99(quiet);
  const readsAlone = `p99 ${millis(quietP99)} (reads alone)`;
  figures.push({
    measure: 'single-customer reads, nothing else running',
    service: spread(quiet),
    baseline: '',
    ratio: null,
    goal: '',
  });
  for (const scenario of scenarios) {
    const during = scenario.refresh
      ? `during a refresh (${seconds(scenario.ms)}${scenario.ok ? '' : ', FAILED'})`
      : 'without a refresh';
    const failed = scenario.reads.filter((read) => !read.ok).length;
    figures.push({
      measure: `reads ${during}${scenario.withIngestion ? `, with ingestion batches of ${batch.toLocaleString('en')} orders` : ''}`,
      service: `${spread(scenario.reads)}${failed ? `, ${failed} failed` : ''}`,
      baseline: readsAlone,
      ratio: p99(scenario.reads) / quietP99,
      goal: scenario.refresh ? 'p99 < 200 ms' : '',
    });
    if (scenario.withIngestion && scenario.refresh) {
      const accepted = scenario.batches.filter((b) => b.accepted === batch).length;
      figures.push({
        measure: `ingestion batches during a refresh (${batch.toLocaleString('en')} orders each)`,
        service: `${accepted}/${scenario.batches.length} accepted, ${spread(scenario.batches)}`,
        baseline: '',
        ratio: null,
        goal: 'all accepted',
      });
    }
  }
  return figures;
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
  await benchRefresh(db, asOf, { batch, load: !process.argv.includes('--no-load') });
  await db.close();
}

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
