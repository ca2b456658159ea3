/**
 * The incremental value refresh on an existing base, against a full refresh
 * in the same run:
 * 1. a full refresh (refreshMetrics as of now): its time, and the fit and
 *    RFM boundaries the incremental refreshes then hold;
 * 2. batches of orders (5,000 by default, each for a different customer
 *    drawn across the base, dated an hour before now) through the ingestion
 *    service (recordOrders), each followed by the incremental refresh
 *    (refreshTouchedMetrics as of now): the time of each, and the time from
 *    the batch's start until its customers are fresh; checked: exactly the
 *    batch's customers were rewritten, with their new orders counted.
 * Prints the figures and the ratios full refresh / incremental refresh and
 * full refresh / (ingestion + incremental refresh). It writes (the refreshes,
 * the bench's orders): run it on a copy of a base.
 *   npm run build && node dist/bench/incremental.js --database sqlite:/tmp/big.sqlite [--batch 5000] [--batches 3]
 */
import 'reflect-metadata';
import type { Knex } from '@mikro-orm/knex';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { rowsOf } from '../src/db/raw-rows';
import { recordOrders } from '../src/ingest/activity-ingest';
import { refreshMetrics, refreshTouchedMetrics } from '../src/value/metrics.service';
import { median, option, timed } from './measure';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const db = await openDatabase(parseDatabaseUrl(option('database', 'sqlite:/tmp/segments-bench.sqlite')));
  const batch = Number(option('batch', '5000'));
  const batches = Number(option('batches', '3'));
  const knex = db.fork().getKnex();
  const customers: Array<{ id: number | string; external_id: string }> = await knex
    .raw('select id, external_id from customers order by id')
    .then(rowsOf);
  console.log(
    `incremental refresh bench on ${customers.length.toLocaleString('en')} customers (${db.target.dialect}), batches of ${batch.toLocaleString('en')} orders`,
  );

  const phases: string[] = [];
  const full = await timed(() =>
    refreshMetrics(knex, new Date(), new Date(), {
      onPhase: (phase, ms) => phases.push(`${phase} ${seconds(ms)}`),
    }),
  );
  console.log(`  full refresh ${seconds(full.ms)} (${phases.join(', ')})`);

  const run = Date.now();
  const incrementals: number[] = [];
  const untilFresh: number[] = [];
  for (let n = 0; n < batches; n++) {
    // Customers spread over the whole base, each once per batch.
    const stride = Math.max(1, Math.floor(customers.length / batch));
    const chosen = Array.from(
      { length: Math.min(batch, customers.length) },
      (_, i) => customers[(i * stride + n * 7919) % customers.length],
    );
    const orderedAt = new Date(Date.now() - 3_600_000);
    const orders = chosen.map((customer, i) => ({
      externalId: `bench-incremental-${run}-${n}-${i}`,
      customerExternalId: customer.external_id,
      orderedAt,
      amount: 10 + (i % 90),
    }));
    const counts = await orderCounts(
      knex,
      chosen.map((customer) => Number(customer.id)),
    );
    const ingestion = await timed(() => recordOrders(knex, orders, 'EUR'));
    if (ingestion.value.accepted !== orders.length)
      throw new Error(
        `batch ${n}: ${ingestion.value.accepted} of ${orders.length} orders accepted (${JSON.stringify(ingestion.value.rejected[0])})`,
      );
    const stamp = new Date();
    const steps: string[] = [];
    const refresh = await timed(() =>
      refreshTouchedMetrics(knex, stamp, stamp, {
        onPhase: (phase, ms) => steps.push(`${phase} ${seconds(ms)}`),
      }),
    );
    const fresh = ingestion.ms + refresh.ms;
    incrementals.push(refresh.ms);
    untilFresh.push(fresh);

    // Checked: the rows written are the batch's customers', each with its new order counted.
    const [{ written }] = await knex
      .raw('select count(*) as written from customer_metrics where computed_at = ?', [stamp.getTime()])
      .then(rowsOf);
    const after = await orderCounts(
      knex,
      chosen.map((customer) => Number(customer.id)),
    );
    const counted = chosen.filter(
      (customer) => after.get(Number(customer.id)) === (counts.get(Number(customer.id)) ?? 0) + 1,
    );
    if (
      Number(written) !== chosen.length ||
      counted.length !== chosen.length ||
      refresh.value !== chosen.length
    )
      throw new Error(
        `batch ${n}: ${refresh.value} claimed, ${written} rows written, ${counted.length} with the new order, for ${chosen.length} customers`,
      );
    console.log(
      `  batch ${n + 1}: ingestion ${seconds(ingestion.ms)}, incremental refresh of ${chosen.length.toLocaleString('en')} customers ${seconds(refresh.ms)};` +
        ` fresh ${seconds(fresh)} after the batch was sent; ${Number(written).toLocaleString('en')} rows written`,
    );
    console.log(`    phases: ${steps.join(', ')}`);
  }
  const incremental = median(incrementals);
  const fresh = median(untilFresh);
  console.log(
    `  median: incremental refresh ${seconds(incremental)}, fresh after ${seconds(fresh)};` +
      ` full refresh / incremental refresh ${(full.ms / incremental).toFixed(1)}×,` +
      ` full refresh / (ingestion + incremental refresh) ${(full.ms / fresh).toFixed(1)}×`,
  );
  await db.close();
}

/** The stored order counts of some customers. */
async function orderCounts(knex: Knex, ids: number[]): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows: Array<{ customer_id: number | string; order_count: number | string }> = await knex(
      'customer_metrics',
    )
      .whereIn('customer_id', ids.slice(i, i + 1000))
      .select('customer_id', 'order_count');
    for (const row of rows) counts.set(Number(row.customer_id), Number(row.order_count));
  }
  return counts;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
