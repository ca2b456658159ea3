import type { Knex } from '@mikro-orm/knex';
import { dialectName } from './dialect-name';

/**
 * One pathological query must not stall everyone: a statement running past
 * the limit is stopped. PostgreSQL does it itself (`statement_timeout`, set on
 * every pooled connection). SQLite has no such setting, so each call into the
 * driver is timed from the moment it is sent to the moment its callback
 * answers, and only a call that has itself run past the limit interrupts its
 * own connection (sqlite3's interrupt(): the statement fails with
 * SQLITE_INTERRUPT). Timing the driver call rather than knex's query events
 * matters: transaction statements (BEGIN, COMMIT, ROLLBACK) raise a query
 * event but no response event, so a watchdog keyed on those events never
 * learns that they ended. Long batch work (a metrics refresh) opts out with
 * allowLongStatements.
 */

/** One SQLite store's limit, shared by its connections and its transactions. */
interface SqliteLimit {
  timeoutMs: number;
  /** Off while migrations run: an index on a large table may take long. */
  armed: boolean;
  /** Batches running with the limit lifted. */
  lifted: number;
}

/** Limits by knex client config, an object a client's transactions share with it. */
const sqliteLimits = new WeakMap<object, SqliteLimit>();

/** The part of a sqlite3 Database the watchdog uses. */
interface SqliteConnection {
  interrupt(): void;
  all(...args: unknown[]): unknown;
  run(...args: unknown[]): unknown;
}

/** How often a statement past the limit is interrupted again until it stops. */
const REINTERRUPT_MS = 5;

/**
 * Ending a transaction is bounded work that must not be cut short: an
 * interrupted ROLLBACK would leave the connection inside the transaction.
 */
const ENDS_TRANSACTION = /^\s*(commit|rollback|release|end)\b/i;

export interface StatementLimit {
  /** Pool hooks that put the limit on each new connection. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the driver's own connection object (sqlite3 Database or pg Client)
  pool: { afterCreate(connection: any, done: (error: Error | null, connection: unknown) => void): void };
  /** Starts enforcing the limit (after migrations) on the client that owns the pool. */
  activate(knex: Knex): void;
}

/** The statement limit of one store. */
export function statementLimit(dialect: 'sqlite' | 'postgresql', timeoutMs: number): StatementLimit {
  if (dialect === 'postgresql') {
    return {
      pool: {
        afterCreate(connection, done) {
          connection.query(`set statement_timeout = ${Math.trunc(timeoutMs)}`, (error: Error | null) =>
            done(error, connection),
          );
        },
      },
      activate: () => undefined,
    };
  }
  const limit: SqliteLimit = { timeoutMs, armed: false, lifted: 0 };
  return {
    pool: {
      afterCreate(connection, done) {
        timeStatements(connection, limit);
        done(null, connection);
      },
    },
    activate(knex) {
      sqliteLimits.set(knex.client.config, limit);
      limit.armed = true;
    },
  };
}

/** Wraps the driver calls knex makes (all, run) so that each statement is timed on its own. */
function timeStatements(connection: SqliteConnection, limit: SqliteLimit): void {
  for (const method of ['all', 'run'] as const) {
    const send = connection[method];
    connection[method] = function (this: unknown, ...args: unknown[]) {
      const callback = args[args.length - 1];
      const sql = String(args[0]);
      if (typeof callback !== 'function' || !limit.armed || limit.lifted > 0 || ENDS_TRANSACTION.test(sql))
        return send.apply(this, args);
      const stopWatching = watchStatement(connection, limit.timeoutMs);
      args[args.length - 1] = function (this: unknown, ...results: unknown[]) {
        stopWatching();
        return callback.apply(this, results);
      };
      return send.apply(this, args);
    };
  }
}

/** Interrupts the connection once the statement has run past the limit; the returned function ends the watch. */
function watchStatement(connection: SqliteConnection, timeoutMs: number): () => void {
  let answered = false;
  let timer: NodeJS.Timeout;
  // interrupt() only reaches a statement that is stepping: one still being
  // prepared ignores it. So once past the limit, interrupt again every few
  // milliseconds until this statement has failed or answered.
  const interrupt = () => {
    if (answered) return;
    try {
      connection.interrupt();
    } catch {
      // A connection being closed (shutdown) has nothing left to interrupt.
      return;
    }
    timer = setTimeout(interrupt, REINTERRUPT_MS);
    timer.unref();
  };
  timer = setTimeout(interrupt, timeoutMs);
  timer.unref();
  return () => {
    answered = true;
    clearTimeout(timer);
  };
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
  const limit = sqliteLimits.get(trx.client.config);
  if (!limit) return () => undefined;
  limit.lifted += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    limit.lifted -= 1;
  };
}

/** Whether an error is a statement stopped by the limit (SQLite interrupted, PostgreSQL query_canceled). */
export function isStatementTimeout(error: unknown): boolean {
  const seen = new Set<unknown>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks driver errors of unknown shape through `cause`
  let current: any = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    if (
      current.code === 'SQLITE_INTERRUPT' ||
      current.code === '57014' ||
      /SQLITE_INTERRUPT|canceling statement due to statement timeout/.test(String(current.message ?? ''))
    )
      return true;
    current = current.cause ?? current.originalError ?? current.previous;
  }
  return false;
}
