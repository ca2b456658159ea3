/**
 * refreshMetrics on an existing base against the plain SQL aggregate of the
 * same inputs (per-customer count, revenue, first and last order, written to
 * a scratch table), in the same run:
 *   npm run build && node dist/bench/refresh.js --database sqlite:/tmp/big.sqlite --as-of 2026-11-01
 * Prints both times, their ratio, the process's peak memory and the slowest
 * statements of the refresh (the rest of its time is the model fits in the process).
 */
import 'reflect-metadata';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { refreshMetrics } from '../src/value/metrics.service';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

async function main(): Promise<void> {
  const db = await openDatabase(parseDatabaseUrl(option('database', 'sqlite:/tmp/segments-bench.sqlite')));
  const asOf = new Date(option('as-of', '2026-11-01T00:00:00Z'));
  const knex = db.fork().getKnex();
  const [{ n }] = await knex('customers').count({ n: '*' });
  const started = Date.now();
  await knex.transaction(async (trx) => {
    await trx.raw(
      'create temporary table plain_aggregate (customer_id integer, n integer, revenue double precision, first_at bigint, last_at bigint)',
    );
    await trx.raw(
      'insert into plain_aggregate select customer_id, count(*), sum(amount), min(ordered_at), max(ordered_at) from orders where ordered_at <= ? group by customer_id',
      [asOf.getTime()],
    );
    await trx.raw('drop table plain_aggregate');
  });
  const plain = Date.now() - started;
  // Statement timings from knex's query events (uid pairs a query with its response).
  const startedAt = new Map<string, number>();
  const statements: Array<{ sql: string; ms: number }> = [];
  knex.on('query', (query: { __knexQueryUid: string }) => startedAt.set(query.__knexQueryUid, Date.now()));
  knex.on('query-response', (_response: unknown, query: { __knexQueryUid: string; sql: string }) => {
    statements.push({
      sql: query.sql.replace(/\s+/g, ' ').slice(0, 90),
      ms: Date.now() - (startedAt.get(query.__knexQueryUid) ?? Date.now()),
    });
  });
  const before = Date.now();
  const fit = await refreshMetrics(knex, asOf);
  const refresh = Date.now() - before;
  const inDatabase = statements.reduce((sum, statement) => sum + statement.ms, 0);
  console.log(
    `refreshMetrics on ${Number(n).toLocaleString('en')} customers: ${(refresh / 1000).toFixed(1)} s; plain aggregate ${(plain / 1000).toFixed(1)} s; ratio ${(refresh / plain).toFixed(1)}×;` +
      ` peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; BG/NBD r=${fit.bgnbd?.r.toFixed(3)} alpha=${fit.bgnbd?.alpha.toFixed(3)} a=${fit.bgnbd?.a.toFixed(3)} b=${fit.bgnbd?.b.toFixed(3)}`,
  );
  console.log(
    `  ${statements.length} statements, ${(inDatabase / 1000).toFixed(1)} s in the database; the slowest:`,
  );
  for (const statement of [...statements].sort((x, y) => y.ms - x.ms).slice(0, 5))
    console.log(`  ${(statement.ms / 1000).toFixed(2)} s  ${statement.sql}`);
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
