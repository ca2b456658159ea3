import type { Knex } from '@mikro-orm/knex';
import { chunks } from '../db/batch';

/** Customers per marking statement: one bound id each, far below every store's parameter limit. */
const MARKS_PER_STATEMENT = 2_000;

/**
 * Marks customers whose value the stored metrics no longer show (new orders
 * or events, a new customer without a row), in the ingestion's transaction,
 * for the incremental refresh (src/value/metrics.service.ts). A mark the
 * refresh is working on (claimed) is written over as unclaimed: on
 * PostgreSQL the update waits for the refresh's transaction, then finds the
 * mark gone and inserts a new one, so what this batch recorded is refreshed
 * again even if the refresh read the orders before it committed.
 */
export async function markMetricsDirty(trx: Knex.Transaction, customerIds: Iterable<number>): Promise<void> {
  const ids = [...new Set(customerIds)].sort((a, b) => a - b);
  for (const part of chunks(ids, MARKS_PER_STATEMENT)) {
    // One multi-row VALUES (knex would write SQLite's as a compound SELECT, limited to 500 terms).
    await trx.raw(
      `insert into metrics_dirty (customer_id, claimed) values ${part.map(() => '(?, ?)').join(', ')}
       on conflict (customer_id) do update set claimed = excluded.claimed`,
      part.flatMap((id) => [id, false]),
    );
  }
}
