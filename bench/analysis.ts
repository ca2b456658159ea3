/**
 * The analysis on an existing base, each against a hand-written baseline measured in the same run:
 *   npm run build && node dist/bench/analysis.js --database sqlite:/tmp/big.sqlite --as-of 2026-11-01
 * 1. marketMap(AGE_BAND × COUNTRY) with revenue vs. one hand-written grouped
 *    statement of the same counts and sums (CASE on birth-date cutoffs).
 * 2. marketMap(RFM_SEGMENT × COUNTRY), both stored columns, vs. the hand-written
 *    grouping of customers left-joined to customer_metrics with the same revenue.
 * 3. marketMap(RFM_SEGMENT × PREFERRED_CHANNEL), both kept in customer_metrics by the
 *    refresh, vs. the same hand-written grouping by the two columns.
 * 4. personaSuggestions(k = 5) on the whole base vs. counting it.
 * The baselines sum revenue from one grouped pass over the orders joined by customer.
 * Run after a refresh (the bases may have no customer_metrics rows).
 * Each map and its baseline run twice (see compared). Prints times, ratios and the process's peak memory after each step.
 */
import 'reflect-metadata';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { rowsOf } from '../src/db/raw-rows';
import { Dimension } from '../src/analysis/dimensions';
import { marketMap } from '../src/analysis/market-map.service';
import { suggestPersonas } from '../src/personas/suggestions/suggestions.service';
import { ageCutoff } from '../src/filter/window';
import { option, timed as stopwatch } from './measure';

/** The stopwatch of bench/measure.ts in seconds: these figures are seconds long. */
async function timed<T>(fn: () => Promise<T>): Promise<{ s: number; value: T }> {
  const { ms, value } = await stopwatch(fn);
  return { s: ms / 1000, value };
}

/**
 * A statement and its hand-written baseline, each timed twice in the order
 * baseline, service, service, baseline, keeping each one's faster run: neither
 * gains from running second on a cache the other warmed, and a busy machine
 * weighs less on the ratio.
 */
async function compared<H, M>(
  hand: () => Promise<H>,
  service: () => Promise<M>,
): Promise<[{ s: number; value: H }, { s: number; value: M }]> {
  const hand1 = await timed(hand);
  const service1 = await timed(service);
  const service2 = await timed(service);
  const hand2 = await timed(hand);
  return [hand1.s <= hand2.s ? hand1 : hand2, service1.s <= service2.s ? service1 : service2];
}

const peak = () => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const db = await openDatabase(parseDatabaseUrl(option('database', 'sqlite:/tmp/segments-bench.sqlite')));
  const asOf = new Date(option('as-of', '2026-11-01T00:00:00Z'));
  const em = db.fork();
  const knex = em.getKnex();
  const [{ n }] = await knex('customers').count({ n: '*' });
  console.log(
    `analysis on ${Number(n).toLocaleString('en')} customers (${db.target.dialect}), as of ${asOf.toISOString()}`,
  );
  // Each customer's revenue up to asOf, the faster way for a whole base: one grouped pass over the orders, joined.
  const revenue = 'coalesce(r.amount, 0)';
  const revenueJoin =
    'left join (select customer_id, sum(amount) as amount from orders where ordered_at <= ? group by customer_id) r on r.customer_id = c.id';

  const ages = [17, 24, 34, 44, 54, 64];
  const band = `case when c.birth_date is null then 'unknown' ${ages.map((age) => `when c.birth_date >= ${ageCutoff(asOf, age + 1)} then '≤${age}'`).join(' ')} else '65+' end`;
  // Each map against the hand-written grouping by the same keys, over the same revenue join.
  const metricsJoin = 'left join customer_metrics m on m.customer_id = c.id';
  const maps = [
    { rows: Dimension.AGE_BAND, columns: Dimension.COUNTRY, keys: `${band} as band, c.country`, join: '' },
    {
      rows: Dimension.RFM_SEGMENT,
      columns: Dimension.COUNTRY,
      keys: 'm.rfm_segment, c.country',
      join: metricsJoin,
    },
    {
      rows: Dimension.RFM_SEGMENT,
      columns: Dimension.PREFERRED_CHANNEL,
      keys: 'm.rfm_segment, m.preferred_channel',
      join: metricsJoin,
    },
  ];
  for (const map of maps) {
    const [hand, service] = await compared(
      async () =>
        rowsOf(
          await knex.raw(
            `select ${map.keys}, count(*) as n, sum(${revenue}) as revenue from customers c ${map.join} ${revenueJoin} group by 1, 2`,
            [asOf.getTime()],
          ),
        ),
      () => marketMap(em, map.rows, map.columns, null, asOf),
    );
    console.log(
      `marketMap ${map.rows} × ${map.columns}: ${service.s.toFixed(2)} s (${service.value.cells.length} cells, total ${service.value.total}); hand-written SQL ${hand.s.toFixed(2)} s (${hand.value.length} groups); ratio ${(service.s / hand.s).toFixed(2)}×; peak ${peak()}`,
    );
  }

  const count = await timed(async () => knex('customers').count({ n: '*' }));
  const suggestions = await timed(() => suggestPersonas(em, 5, null, asOf));
  console.log(
    `personaSuggestions k = 5: ${suggestions.s.toFixed(2)} s; counting the base ${count.s.toFixed(3)} s; peak ${peak()}`,
  );
  for (const suggestion of suggestions.value) {
    console.log(
      `  ${suggestion.label} — ${suggestion.size.toLocaleString('en')} (${(suggestion.share * 100).toFixed(1)}%), precision ${suggestion.precision.toFixed(2)}, recall ${suggestion.recall.toFixed(2)}`,
    );
  }
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
