/**
 * The analysis on an existing base, each against a hand-written baseline measured in the same run:
 *   npm run build && node dist/bench/analysis.js --database sqlite:/tmp/big.sqlite --as-of 2026-11-01
 * 1. marketMap by each dimension alone (rows only), then AGE_BAND × COUNTRY,
 *    RFM_SEGMENT × COUNTRY and RFM_SEGMENT × PREFERRED_CHANNEL, each vs. one
 *    hand-written grouped statement of the same counts and sums (stored columns
 *    read as columns, bands as CASE on cutoffs, personas as CASE on their filters
 *    written by hand). The customers of every key the map shows must be the
 *    hand-written grouping's.
 * 2. personaSuggestions(k = 5) on the whole base vs. counting it.
 * The baselines sum revenue from one grouped pass over the orders joined by customer.
 * Run after a refresh (the bases may have no customer_metrics rows). The PERSONA map needs the
 * bench's three personas: they are saved when the base has none (so it writes: run it on a copy).
 * Each map and its baseline run twice (see compared). Prints times, ratios and the process's peak memory after each step.
 * benchMarketMaps is also one part of bench/scale.ts.
 */
import 'reflect-metadata';
import type { EntityManager, Knex } from '@mikro-orm/knex';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase, type Database } from '../src/orm/database';
import { rowsOf } from '../src/db/raw-rows';
import { Dimension, DIMENSIONS } from '../src/analysis/dimensions';
import { marketMap, type MarketMapData } from '../src/analysis/market-map.service';
import { createPersona } from '../src/personas/persona.service';
import { suggestPersonas } from '../src/personas/suggestions/suggestions.service';
import { ageCutoff } from '../src/filter/window';
import { option, seconds, timed as stopwatch, type Figure } from './measure';

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

const DAY = 86_400_000;

/**
 * The personas of the PERSONA map, in assignment order, each with the
 * hand-written predicate of its filter (over customer `c`, bound to asOf in ms).
 */
const BENCH_PERSONAS = [
  { name: 'bench: French', filter: { identity: { country: { eq: 'FR' } } }, sql: () => "c.country = 'FR'" },
  {
    name: 'bench: software and finance',
    filter: { identity: { industry: { in: ['software', 'finance'] } } },
    sql: () => "c.industry in ('software', 'finance')",
  },
  {
    name: 'bench: bought this year',
    filter: { behaviour: { purchase: { within: { lastDays: 365 } } } },
    sql: (asOf: number) =>
      `exists (select 1 from orders o where o.customer_id = c.id and o.ordered_at between ${asOf - 365 * DAY} and ${asOf})`,
  },
];

/**
 * The hand-written PERSONA key: the bench's personas, saved first if the base
 * has none; null when the base has personas of its own (their filters are not
 * written by hand here).
 */
async function personaKey(em: EntityManager, asOf: Date): Promise<string | null> {
  const knex = em.getKnex();
  const saved: Array<{ id: number | string; name: string }> = await knex('personas')
    .orderBy(['priority', 'created_at', 'id'])
    .select('id', 'name');
  if (saved.length === 0) {
    for (const [i, persona] of BENCH_PERSONAS.entries())
      await createPersona(em.fork(), { name: persona.name, filter: persona.filter, priority: i + 1 });
    return personaKey(em, asOf);
  }
  if (saved.map((row) => row.name).join() !== BENCH_PERSONAS.map((persona) => persona.name).join())
    return null;
  const branches = BENCH_PERSONAS.map(
    (persona, i) => `when ${persona.sql(asOf.getTime())} then ${Number(saved[i].id)}`,
  );
  return `case ${branches.join(' ')} end`;
}

/** The hand-written key of each dimension over `c` and its metrics row `m`. */
function handKeys(asOf: Date, persona: string | null): Record<Dimension, string | null> {
  const ages = [17, 24, 34, 44, 54, 64];
  const labels = ['under 18', '18–24', '25–34', '35–44', '45–54', '55–64'];
  const sizes = [9, 49, 249, 999];
  const sizeLabels = ['1–9', '10–49', '50–249', '250–999'];
  return {
    [Dimension.COUNTRY]: 'c.country',
    [Dimension.REGION]: 'c.region',
    [Dimension.GENDER]: 'c.gender',
    [Dimension.AGE_BAND]: `case when c.birth_date is null then null ${ages.map((age, i) => `when c.birth_date >= ${ageCutoff(asOf, age + 1)} then '${labels[i]}'`).join(' ')} else '65+' end`,
    [Dimension.INDUSTRY]: 'c.industry',
    [Dimension.COMPANY_SIZE_BAND]: `case when c.company_size is null then null ${sizes.map((size, i) => `when c.company_size <= ${size} then '${sizeLabels[i]}'`).join(' ')} else '1000+' end`,
    [Dimension.JOB_FUNCTION]: 'c.job_function',
    [Dimension.LIFECYCLE_STAGE]: 'c.lifecycle_stage',
    [Dimension.ACQUISITION_SOURCE]: 'c.acquisition_source',
    [Dimension.RFM_SEGMENT]: 'm.rfm_segment',
    [Dimension.PREFERRED_CHANNEL]: 'm.preferred_channel',
    [Dimension.PERSONA]: persona,
  };
}

/** Dimensions whose key is computed per customer (bands, persona filters) rather than read from a stored column. */
const COMPUTED_KEYS = new Set<Dimension>([
  Dimension.AGE_BAND,
  Dimension.COMPANY_SIZE_BAND,
  Dimension.PERSONA,
]);

/** Every key the map shows has the customers the hand-written grouping counts; the totals agree. */
function checkAgainst(map: MarketMapData, rows: Dimension, columns: Dimension | null, groups: any[]): void {
  const keyOf = (value: unknown, dimension: Dimension) =>
    value === null || value === undefined ? DIMENSIONS[dimension].missing : String(value);
  const expected = new Map<string, number>();
  let total = 0;
  for (const group of groups) {
    const key = JSON.stringify([keyOf(group.k1, rows), columns ? keyOf(group.k2, columns) : 'all']);
    expected.set(key, (expected.get(key) ?? 0) + Number(group.n));
    total += Number(group.n);
  }
  if (total !== map.total)
    throw new Error(`marketMap ${rows} × ${columns}: total ${map.total}, hand-written SQL ${total}`);
  for (const cell of map.cells) {
    const key = JSON.stringify([cell.row, cell.column]);
    // A key the map folds into "other" has no group of its own to compare with.
    if (expected.has(key) && expected.get(key) !== cell.customers)
      throw new Error(
        `marketMap ${rows} × ${columns}, cell ${key}: ${cell.customers} customers, hand-written SQL ${expected.get(key)}`,
      );
  }
}

/** Market maps by each dimension alone and three crossed ones, each against its hand-written grouping. */
export async function benchMarketMaps(db: Database, asOf: Date): Promise<Figure[]> {
  const em = db.fork();
  const knex: Knex = em.getKnex();
  // Each customer's revenue up to asOf, the faster way for a whole base: one grouped pass over the orders, joined.
  const revenue = 'coalesce(r.amount, 0)';
  const revenueJoin =
    'left join (select customer_id, sum(amount) as amount from orders where ordered_at <= ? group by customer_id) r on r.customer_id = c.id';
  const metricsJoin = 'left join customer_metrics m on m.customer_id = c.id';
  const keys = handKeys(asOf, await personaKey(em, asOf));
  const maps: Array<[Dimension, Dimension | null]> = [
    ...Object.values(Dimension).map((dimension): [Dimension, null] => [dimension, null]),
    [Dimension.AGE_BAND, Dimension.COUNTRY],
    [Dimension.RFM_SEGMENT, Dimension.COUNTRY],
    [Dimension.RFM_SEGMENT, Dimension.PREFERRED_CHANNEL],
  ];
  const figures: Figure[] = [];
  for (const [rows, columns] of maps) {
    const name = columns ? `${rows} × ${columns}` : rows;
    const rowKey = keys[rows];
    const columnKey = columns ? keys[columns] : 'null';
    if (rowKey === null || columnKey === null) {
      console.log(`marketMap ${name}: left out (the base has personas of its own)`);
      continue;
    }
    const readsMetrics = /\bm\./.test(`${rowKey} ${columnKey}`);
    const [hand, service] = await compared(
      async () =>
        rowsOf(
          await knex.raw(
            `select ${rowKey} as k1, ${columnKey} as k2, count(*) as n, sum(${revenue}) as revenue from customers c ${readsMetrics ? metricsJoin : ''} ${revenueJoin} group by 1, 2`,
            [asOf.getTime()],
          ),
        ),
      () => marketMap(db.fork(), rows, columns, null, asOf),
    );
    checkAgainst(service.value, rows, columns, hand.value);
    console.log(
      `marketMap ${name}: ${service.s.toFixed(2)} s (${service.value.cells.length} cells, total ${service.value.total}); hand-written SQL ${hand.s.toFixed(2)} s (${hand.value.length} groups); ratio ${(service.s / hand.s).toFixed(2)}×; peak ${peak()}`,
    );
    figures.push({
      measure: `\`marketMap\` ${name} vs hand-written grouped SQL`,
      service: seconds(service.s * 1000),
      baseline: seconds(hand.s * 1000),
      ratio: service.s / hand.s,
      goal: COMPUTED_KEYS.has(rows) || (columns && COMPUTED_KEYS.has(columns)) ? '< 3 s' : '≤ 1.5×, < 3 s',
    });
  }
  return figures;
}

async function main(): Promise<void> {
  const db = await openDatabase(parseDatabaseUrl(option('database', 'sqlite:/tmp/segments-bench.sqlite')));
  const asOf = new Date(option('as-of', '2026-11-01T00:00:00Z'));
  const em = db.fork();
  const knex = em.getKnex();
  const [{ n }] = await knex('customers').count({ n: '*' });
  console.log(
    `analysis on ${Number(n).toLocaleString('en')} customers (${db.target.dialect}), as of ${asOf.toISOString()}`,
  );
  await benchMarketMaps(db, asOf);

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

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
