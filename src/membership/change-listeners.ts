import type { Knex } from '@mikro-orm/knex';

/** The changes one evaluation of a tracked segment wrote: ids `firstChangeId`..`lastChangeId` of `segment_changes`. */
export interface RecordedChanges {
  segmentId: number;
  firstChangeId: number;
  lastChangeId: number;
}

/**
 * Told of the changes an evaluation wrote, inside the transaction that wrote
 * them: whatever the listener writes with `trx` commits or rolls back with the
 * changes, so nothing is lost across a crash. Called only when at least one
 * change was written. A listener that throws rolls the evaluation back (it is
 * retried by the next round). The tracker gets its listeners from the
 * composition root (server/), so membership/ knows no consumer.
 */
export type MembershipChangeListener = (trx: Knex.Transaction, recorded: RecordedChanges) => Promise<void>;
