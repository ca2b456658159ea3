import type { Database } from '../src/orm/database';
import { countCustomers } from '../src/customers/customer.service';
import { loadSyntheticBase } from './load';
import { refreshMetrics } from '../src/value/metrics.service';

export const DEMO_CUSTOMERS = 5000;
export const DEMO_SEED = 42;

/** Midnight UTC today: demo histories end today, so "the last 30 days" has data. */
export function startOfTodayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Loads the demo base when the database holds no customer; an existing base is never touched. */
export async function loadDemoDataIfEmpty(db: Database, log: (line: string) => void): Promise<boolean> {
  if ((await countCustomers(db.fork())) > 0) return false;
  log(
    `empty database: loading the demo base (${DEMO_CUSTOMERS.toLocaleString('en')} customers, seed ${DEMO_SEED}); DEMO_DATA=off starts empty`,
  );
  const summary = await loadSyntheticBase(db, {
    customers: DEMO_CUSTOMERS,
    seed: DEMO_SEED,
    until: startOfTodayUtc(),
    onProgress: (line) => log(`  ${line}`),
  });
  log(
    `demo base loaded: ${summary.orders.toLocaleString('en')} orders, ${summary.events.toLocaleString('en')} events in ${summary.seconds.toFixed(1)} s`,
  );
  const started = Date.now();
  await refreshMetrics(db.fork().getKnex(), new Date());
  log(`customer value computed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
