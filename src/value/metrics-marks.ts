import type { Knex } from '@mikro-orm/knex';
import { dialectName } from '../db/dialect-name';

/*
 * The incremental refresh's side of metrics_dirty (ingestion's side:
 * src/ingest/metrics-dirty.ts). A refresh claims the marks present when it
 * starts and deletes just those as it publishes; a mark ingestion writes
 * meanwhile is unclaimed and stays for the next refresh.
 */

/**
 * Claims every mark, in its transaction. PostgreSQL: the marks are locked in
 * customer order, the order ingestion marks in, so the two never wait for
 * each other in a cycle; the lock and the write are one statement, so that a
 * mark committed between two statements is not written unlocked.
 */
export async function claimMarks(trx: Knex.Transaction): Promise<number> {
  return Number(await lockedInOrder(trx).update({ claimed: true }));
}

/**
 * Deletes the claimed marks, locked as claimMarks locks them. A bare delete
 * takes the rows in the table's physical order: a full refresh, whose claim
 * committed long before, met an ingestion batch that held one of its marks
 * and waited for another the refresh held, and PostgreSQL failed it as a
 * deadlock.
 */
export async function unmarkClaimed(trx: Knex): Promise<void> {
  await lockedInOrder(trx, { claimed: true }).delete();
}

/**
 * The marks (those matching where), to be written. PostgreSQL: chosen by a
 * subquery that locks them in customer order (SQLite's single writer needs
 * no row locks). A mark ingestion rewrites while the subquery waits for its
 * lock is read as rewritten: unclaimed, it drops out of unmarkClaimed's set.
 */
function lockedInOrder(trx: Knex, where: { claimed?: boolean } = {}): Knex.QueryBuilder {
  if (dialectName(trx) !== 'postgresql') return trx('metrics_dirty').where(where);
  const locked = trx('metrics_dirty').select('customer_id').where(where).orderBy('customer_id').forUpdate();
  return trx('metrics_dirty').whereIn('customer_id', locked);
}
