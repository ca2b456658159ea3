import type { Knex } from '@mikro-orm/knex';
import { dialectName } from './dialect-name';

/**
 * One pathological query must not stall everyone: a statement running past
 * the limit is stopped. PostgreSQL does it itself (`statement_timeout`, set on
 * every pooled connection); SQLite has no such setting, so a watchdog times
 * each statement from knex's query events and interrupts the connection
 * (sqlite3's interrupt(): the statement fails with SQLITE_INTERRUPT).
 * Long batch work (a metrics refresh) opts out with allowLongStatements.
 */

/** Clients (by their shared config object, the same for their transactions) inside a batch that opted out, with how many. */
const longRunning = new WeakMap<object, number>();

interface Interruptible {
  interrupt(): void;
}

/** Pool hooks for one store: PostgreSQL connections get the timeout; SQLite ones are remembered for the watchdog. */
export function statementTimeoutPool(dialect: 'sqlite' | 'postgresql', timeoutMs: number, connections: Interruptible[]) {
  return {
    afterCreate(connection: any, done: (error: Error | null, connection: unknown) => void) {
      if (dialect === 'postgresql') {
        connection.query(`set statement_timeout = ${Math.trunc(timeoutMs)}`, (error: Error | null) => done(error, connection));
        return;
      }
      connections.push(connection);
      done(null, connection);
    },
  };
}

/** How often a statement past the limit is interrupted again until it stops. */
const REINTERRUPT_MS = 5;

/** The SQLite watchdog over a knex client's statements. */
export function watchSqliteStatements(knex: Knex, timeoutMs: number, connections: Interruptible[]): void {
  const timers = new Map<string, NodeJS.Timeout>();
  const config = knex.client.config;
  knex.on('query', (query: { __knexQueryUid: string }) => {
    const uid = query.__knexQueryUid;
    // interrupt() only reaches a statement that is stepping: one still being
    // prepared ignores it. So once past the limit, interrupt again every few
    // milliseconds until the statement has failed or answered.
    const interrupt = () => {
      if (!timers.has(uid)) return;
      if ((longRunning.get(config) ?? 0) > 0) {
        timers.delete(uid);
        return;
      }
      // The pool holds one connection: the statement running on it is this one.
      for (const connection of connections) {
        try {
          connection.interrupt();
        } catch {
          // A connection being closed (shutdown) has nothing left to interrupt.
          timers.delete(uid);
          return;
        }
      }
      const again = setTimeout(interrupt, REINTERRUPT_MS);
      again.unref();
      timers.set(uid, again);
    };
    const timer = setTimeout(interrupt, timeoutMs);
    timer.unref();
    timers.set(uid, timer);
  });
  const settle = (_: unknown, query: { __knexQueryUid: string }) => {
    clearTimeout(timers.get(query.__knexQueryUid));
    timers.delete(query.__knexQueryUid);
  };
  knex.on('query-response', settle);
  knex.on('query-error', settle);
}

/**
 * Lifts the limit for the statements of one transaction (batch work such as
 * a metrics refresh on a large base); call the returned function when it ends.
 */
export async function allowLongStatements(trx: Knex.Transaction): Promise<() => void> {
  if (dialectName(trx) === 'postgresql') {
    await trx.raw('set local statement_timeout = 0');
    return () => undefined;
  }
  const config = trx.client.config;
  longRunning.set(config, (longRunning.get(config) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    longRunning.set(config, (longRunning.get(config) ?? 1) - 1);
  };
}

/** Whether an error is a statement stopped by the limit (SQLite interrupted, PostgreSQL query_canceled). */
export function isStatementTimeout(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: any = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    if (current.code === 'SQLITE_INTERRUPT' || current.code === '57014' || /SQLITE_INTERRUPT|canceling statement due to statement timeout/.test(String(current.message ?? ''))) return true;
    current = current.cause ?? current.originalError ?? current.previous;
  }
  return false;
}
