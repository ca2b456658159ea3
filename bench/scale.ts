/**
 * Every measure of a large base in one run, on an existing seeded base of
 * either store, each against its baseline measured in the same run, printed
 * as one markdown table (the README's table comes from here):
 *   npm run bench:scale -- --database URL --as-of 2026-11-01 [--save figures.json]
 *     [--only refresh,segments,pages,maps,ingestion] (the parts to run, all by default)
 * 1. the full metrics refresh vs the plain per-customer aggregate written with
 *    INSERT…SELECT, then single-customer reads (p50/p99/max) alone, with
 *    ingestion batches, during a refresh, and during a refresh with ingestion
 *    batches (bench/refresh.ts);
 * 2. crossed segments through evaluateSegment vs hand-written SQL (bench/filters.ts);
 * 3. member pages for broad and selective filters vs hand-written SQL (bench/member-pages.ts);
 * 4. market maps by every dimension, and three crossed ones, vs hand-written
 *    grouped SQL (bench/analysis.ts);
 * 5. ingestion through GraphQL vs a plain multi-row INSERT (bench/ingest.ts).
 * It writes (a refresh, orders, events, the PERSONA map's personas): run it on a copy of a base.
 * A part that fails is a line of the table saying so; the others still run.
 * Two saved runs (one per store) print as one table with a column group per store:
 *   node dist/bench/scale.js --combine sqlite.json postgresql.json
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase, type Database } from '../src/orm/database';
import { benchRefresh } from './refresh';
import { benchFilters } from './filters';
import { benchMemberPages } from './member-pages';
import { benchMarketMaps } from './analysis';
import { benchIngestion } from './ingest';
import { option, type Figure } from './measure';

/** One run's figures and what they were measured on. */
interface Run {
  store: string;
  date: string;
  base: string;
  /** The machine's load average (1 minute) at the start and the end of the run. */
  load: [number, number];
  figures: Figure[];
}

const ratioText = (ratio: number | null) => (ratio === null ? '' : `${ratio.toFixed(2)}×`);
const cell = (text: string) => text.replace(/\|/g, '\\|');

function table(run: Run): string {
  const lines = [
    `${run.store}, ${run.base}; ${run.date}; load average ${run.load[0].toFixed(1)} at the start, ${run.load[1].toFixed(1)} at the end`,
    '',
    '| measure | service | baseline (same run) | ratio | goal |',
    '|---|---|---|---|---|',
    ...run.figures.map(
      (f) =>
        `| ${cell(f.measure)} | ${cell(f.service)} | ${cell(f.baseline)} | ${ratioText(f.ratio)} | ${cell(f.goal)} |`,
    ),
  ];
  return lines.join('\n');
}

/** Two runs side by side, matched by measure (in the first run's order, then the second's own). */
function combined(first: Run, second: Run): string {
  const measures = [...new Set([...first.figures, ...second.figures].map((f) => f.measure))];
  const find = (run: Run, measure: string) => run.figures.find((f) => f.measure === measure);
  const side = (f: Figure | undefined) =>
    f ? `${cell(f.service)} | ${cell(f.baseline)} | ${ratioText(f.ratio)}` : ' | | ';
  return [
    ...[first, second].map(
      (run) =>
        `${run.store}: ${run.base}; ${run.date}; load average ${run.load[0].toFixed(1)} at the start, ${run.load[1].toFixed(1)} at the end`,
    ),
    '',
    `| measure | ${first.store} | baseline | ratio | ${second.store} | baseline | ratio | goal |`,
    '|---|---|---|---|---|---|---|---|',
    ...measures.map((measure) => {
      const a = find(first, measure);
      const b = find(second, measure);
      return `| ${cell(measure)} | ${side(a)} | ${side(b)} | ${cell((a ?? b)!.goal)} |`;
    }),
  ].join('\n');
}

async function describeBase(db: Database): Promise<string> {
  const knex = db.fork().getKnex();
  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n).toLocaleString('en');
  return `${await count('customers')} customers, ${await count('orders')} orders, ${await count('events')} events`;
}

async function main(): Promise<void> {
  const combine = process.argv.indexOf('--combine');
  if (combine >= 0) {
    const [first, second] = process.argv
      .slice(combine + 1, combine + 3)
      .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Run);
    console.log(combined(first, second));
    return;
  }
  const url = option('database', '');
  if (!url) throw new Error('--database URL is required (a copy of a seeded base: the bench writes)');
  const asOf = new Date(option('as-of', '2026-11-01T00:00:00Z'));
  const db = await openDatabase(parseDatabaseUrl(url));
  const started = loadavg()[0];
  const base = await describeBase(db);
  const store = db.target.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  console.log(`scale bench on ${store}, ${base}, as of ${asOf.toISOString()}`);
  const figures: Figure[] = [];
  const run: Run = { store, date: '', base, load: [started, started], figures };
  const save = option('save', '');
  const parts: Array<[string, () => Promise<Figure[]>]> = [
    ['refresh', () => benchRefresh(db, asOf, { batch: Number(option('batch', '1000')) })],
    ['segments', () => benchFilters(db, asOf, Number(option('rounds', '7')))],
    ['pages', () => benchMemberPages(db, Number(option('page-rounds', '5')))],
    ['maps', () => benchMarketMaps(db, asOf)],
    ['ingestion', () => benchIngestion(db, { batches: Number(option('ingest-batches', '10')) })],
  ];
  const only = option('only', parts.map(([name]) => name).join(',')).split(',');
  for (const [name, part] of parts.filter(([name]) => only.includes(name))) {
    console.log(`— ${name}`);
    try {
      figures.push(...(await part()));
    } catch (error) {
      console.error(error);
      const message = error instanceof Error ? error.message : String(error);
      figures.push({
        measure: `${name}: FAILED`,
        service: message.slice(0, 200),
        baseline: '',
        ratio: null,
        goal: '',
      });
    }
    run.date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
    run.load[1] = loadavg()[0];
    // Saved after each part: a run cut short keeps what it measured.
    if (save) writeFileSync(save, JSON.stringify(run, null, 2));
  }
  await db.close();
  console.log(`\n${table(run)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
