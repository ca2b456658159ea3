import type { Knex } from '@mikro-orm/knex';
import { dialectName } from './dialect-name';

/**
 * Work that must happen on one instance at a time when several run over one PostgreSQL
 * (migrations at start, the metrics refresh after ingestion), kept apart by PostgreSQL's
 * advisory locks. A lock is a session's: it is held by one pooled connection set aside for
 * the work's duration (no transaction is open on it), and released when the work ends or,
 * should the instance die, when PostgreSQL sees its connection close, so a crashed holder
 * never blocks the others.
 *
 * SQLite is one process by nature (the service holds the file): the work simply runs.
 */

/** Every lock of this service has this first key, so they do not collide with other users of the database. */
const LOCK_SPACE = 0x5e6d;

type Connection = { __knex__disposed?: unknown };

/** Runs `work` with the named lock held, waiting for it as long as another instance holds it. */
export async function withInstanceLock<T>(knex: Knex, name: string, work: () => Promise<T>): Promise<T> {
  const outcome = await locked(knex, name, 'pg_advisory_lock', work);
  if (!outcome.ran) throw new Error(`the lock ${name} was not granted`);
  return outcome.value;
}

/**
 * Runs `work` unless another instance is running work under the same name: then returns at
 * once, `ran: false`, and the caller decides when to try again.
 */
export function withSingleFlight<T>(
  knex: Knex,
  name: string,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  return locked(knex, name, 'pg_try_advisory_lock', work);
}

async function locked<T>(
  knex: Knex,
  name: string,
  lockFunction: 'pg_advisory_lock' | 'pg_try_advisory_lock',
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (dialectName(knex) !== 'postgresql') return { ran: true, value: await work() };
  const client = knex.client as {
    acquireConnection(): Promise<Connection>;
    releaseConnection(connection: Connection): Promise<void>;
  };
  const connection = await client.acquireConnection();
  try {
    const result = await knex
      .raw(`select ${lockFunction}(?, hashtext(?)) as granted`, [LOCK_SPACE, name])
      .connection(connection);
    // pg_advisory_lock returns void (null): it returned because it was granted.
    if (lockFunction === 'pg_try_advisory_lock' && result.rows[0].granted !== true) return { ran: false };
    try {
      return { ran: true, value: await work() };
    } finally {
      try {
        await knex
          .raw('select pg_advisory_unlock(?, hashtext(?))', [LOCK_SPACE, name])
          .connection(connection);
      } catch (error) {
        // A connection that may still hold the lock must not go back to the pool: closing it releases the lock.
        connection.__knex__disposed = error;
      }
    }
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * A request for work that any instance may do (a row of `work_markers`): `wantedAt` is when it
 * was last asked for, `version` counts the requests. Work that read version v covers every
 * request up to v, and clears the marker only if no request came after.
 */
export interface WorkWanted {
  wantedAt: number | null;
  version: number;
}

/** Asks for the named work (after ingestion: a metrics refresh), at `now` on this instance's clock. */
export async function markWanted(knex: Knex, name: string, now: number): Promise<void> {
  await knex('work_markers')
    .insert({ name, wanted_at: now, version: 1 })
    .onConflict('name')
    .merge({ wanted_at: now, version: knex.raw('work_markers.version + 1') });
}

export async function readWanted(knex: Knex, name: string): Promise<WorkWanted> {
  const row = await knex('work_markers').where({ name }).first('wanted_at', 'version');
  return {
    wantedAt: row?.wanted_at == null ? null : Number(row.wanted_at),
    version: row ? Number(row.version) : 0,
  };
}

/** Marks the requests up to `version` done; a request that came since keeps the marker. */
export async function clearWanted(knex: Knex, name: string, version: number): Promise<void> {
  await knex('work_markers').where({ name, version }).update({ wanted_at: null });
}

/** What `runWantedWork` did: ran it, found it done (or never asked for), or was told to come back. */
export type WantedOutcome =
  | { outcome: 'ran' }
  | { outcome: 'not-wanted' }
  /** Asked for less than the quiet time ago (by any instance), or running elsewhere: try again in `retryInMs`. */
  | { outcome: 'later'; retryInMs: number };

/**
 * Debounced, single-flight work across instances. Each instance marks the work wanted when
 * it is asked for (`markWanted`) and sets its own timer for the quiet time; when a timer
 * runs out, this runs the work on one instance for every request made on any of them:
 * - another instance is running it: come back after the quiet time (the runner may have
 *   read the marker before this instance's request, which then keeps the marker);
 * - the marker is clear: someone else's run covered this instance's request;
 * - the last request, on any instance, is younger than the quiet time: come back when it
 *   has aged (a burst spread over instances waits for its own end, as on one instance);
 * - otherwise run it, and clear the marker if no request came while it ran.
 */
export async function runWantedWork(
  knex: Knex,
  name: string,
  quietMs: number,
  work: () => Promise<void>,
  now: () => number = Date.now,
): Promise<WantedOutcome> {
  const flight = await withSingleFlight(knex, name, async (): Promise<WantedOutcome> => {
    const wanted = await readWanted(knex, name);
    if (wanted.wantedAt === null) return { outcome: 'not-wanted' };
    const age = now() - wanted.wantedAt;
    if (age < quietMs) return { outcome: 'later', retryInMs: quietMs - age };
    await work();
    await clearWanted(knex, name, wanted.version);
    return { outcome: 'ran' };
  });
  return flight.ran ? flight.value : { outcome: 'later', retryInMs: quietMs };
}
