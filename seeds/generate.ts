/**
 * Writes a synthetic base into the database named by DATABASE_URL:
 *   npm run seed -- --customers 100000 --seed 7 [--until 2026-11-01] [--prefix C]
 * Deterministic for (customers, seed, until, prefix). Progress goes to stderr.
 */
import 'reflect-metadata';
import { loadSettings } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { parseIsoInstant } from '../src/common/dates';
import { startOfTodayUtc } from './demo';
import { loadSyntheticBase } from './load';

function parseArgs(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error(`unexpected argument "${argv[i]}"`);
    args[match[1]] = match[2] ?? argv[++i] ?? '';
  }
  return args;
}

function wholeNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a whole number (got "${raw}")`);
  return value;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const unknown = Object.keys(args).filter((key) => !['customers', 'seed', 'until', 'prefix'].includes(key));
  if (unknown.length)
    throw new Error(
      `unknown option --${unknown[0]} (use --customers N --seed S [--until DATE] [--prefix P])`,
    );
  const customers = wholeNumber('customers', args.customers, 5000);
  const seed = wholeNumber('seed', args.seed, 42);
  const until = args.until === undefined ? startOfTodayUtc() : parseIsoInstant(args.until);
  if (!until) throw new Error(`--until must be a date such as 2026-11-01 (got "${args.until}")`);

  const settings = loadSettings();
  const db = await openDatabase(settings.database);
  try {
    console.error(
      `generating ${customers.toLocaleString('en')} customers (seed ${seed}, history until ${until.toISOString().slice(0, 10)})`,
    );
    const summary = await loadSyntheticBase(db, {
      customers,
      seed,
      until,
      prefix: args.prefix,
      onProgress: (line) => console.error(`  ${line}`),
    });
    console.error(
      `done: ${summary.customers.toLocaleString('en')} customers, ${summary.orders.toLocaleString('en')} orders, ` +
        `${summary.events.toLocaleString('en')} events in ${summary.seconds.toFixed(1)} s`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(`seed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
