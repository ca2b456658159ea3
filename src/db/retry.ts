import type { Knex } from '@mikro-orm/knex';

/**
 * PostgreSQL errors that mean "a concurrent transaction got there first", not
 * "this work is wrong": a unique violation (two batches inserting the same new
 * key: the loser waited for the winner's commit), a deadlock, a serialization
 * failure. Run again from the start, the work sees the winner's rows and
 * decides afresh (a replay becomes a duplicate, a patch applies on top).
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['23505', '40P01', '40001']);

export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Backoff before retry n (from 1) is up to n × this many milliseconds, jittered so that racers part. */
  backoffMs?: number;
}

/**
 * Runs `work` in a transaction, again in a fresh one (up to `attempts` in all)
 * when it fails on a transient conflict. `work` must start from nothing each
 * time: everything it decided in a rolled-back attempt is void.
 */
export async function transactionWithRetry<T>(
  knex: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
  { attempts = 5, backoffMs = 20 }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await knex.transaction(work);
    } catch (error) {
      if (attempt >= attempts || !isTransientConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt * backoffMs));
    }
  }
}
