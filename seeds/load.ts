import type { Database } from '../src/orm/database';
import { recordEvents, recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import type { IngestResult } from '../src/ingest/ingest-result';
import { INGEST_LIMITS } from '../src/ingest/ingest.validation';
import type { Knex } from '@mikro-orm/knex';
import { generateCustomer, type GeneratedCustomer, type GeneratorOptions } from './generator';

export interface LoadOptions extends GeneratorOptions {
  customers: number;
  /** Called after each batch with a line to show. */
  onProgress?: (line: string) => void;
}

export interface LoadSummary {
  customers: number;
  orders: number;
  events: number;
  seconds: number;
}

/** Customers generated and stored per round; their orders and events follow in ≤ 5,000-item batches. */
const CUSTOMERS_PER_ROUND = 2000;

function mustAccept(what: string, result: IngestResult): void {
  if (result.rejected.length > 0) {
    const first = result.rejected[0];
    throw new Error(
      `generated ${what} rejected (${result.rejected.length}): #${first.index} ${first.field ?? ''} ${first.message}`,
    );
  }
}

/** Stores generated customers with their orders and events; any rejection is a generator bug and fails loudly. */
export async function storeGenerated(
  knex: Knex,
  generated: GeneratedCustomer[],
): Promise<{ orders: number; events: number }> {
  mustAccept(
    'customers',
    await upsertCustomers(
      knex,
      generated.map((g) => g.customer),
    ),
  );
  const orders = generated.flatMap((g) => g.orders);
  const events = generated.flatMap((g) => g.events);
  for (let i = 0; i < orders.length; i += INGEST_LIMITS.batch) {
    mustAccept('orders', await recordOrders(knex, orders.slice(i, i + INGEST_LIMITS.batch), 'EUR'));
  }
  for (let i = 0; i < events.length; i += INGEST_LIMITS.batch) {
    mustAccept('events', await recordEvents(knex, events.slice(i, i + INGEST_LIMITS.batch)));
  }
  return { orders: orders.length, events: events.length };
}

/**
 * Generates a synthetic base and stores it through the ingestion services, so
 * generated data obeys exactly the rules integrators' data does.
 */
export async function loadSyntheticBase(db: Database, options: LoadOptions): Promise<LoadSummary> {
  const knex = db.fork().getKnex();
  const started = Date.now();
  let orders = 0;
  let events = 0;
  let lastReport = 0;
  for (let from = 0; from < options.customers; from += CUSTOMERS_PER_ROUND) {
    const to = Math.min(options.customers, from + CUSTOMERS_PER_ROUND);
    const generated = [];
    for (let index = from; index < to; index++) generated.push(generateCustomer(index, options));
    const stored = await storeGenerated(knex, generated);
    orders += stored.orders;
    events += stored.events;
    const now = Date.now();
    if (options.onProgress && (now - lastReport > 2000 || to === options.customers)) {
      lastReport = now;
      const seconds = (now - started) / 1000;
      options.onProgress(
        `customers ${to.toLocaleString('en')}/${options.customers.toLocaleString('en')} (${Math.round((100 * to) / options.customers)}%)` +
          ` · orders ${orders.toLocaleString('en')} · events ${events.toLocaleString('en')} · ${seconds.toFixed(1)} s`,
      );
    }
  }
  return { customers: options.customers, orders, events, seconds: (Date.now() - started) / 1000 };
}
