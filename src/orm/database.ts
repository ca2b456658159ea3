import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/knex';
import { redact, type DatabaseTarget, type ReadReplica } from '../common/config';
import { ormOptions, type OrmOptions } from './orm-config';
import { statementLimit, type StatementLimit } from '../db/statement-timeout';
import { withInstanceLock } from '../db/instance-lock';
import { ReplicaRouting } from '../db/replica-routing';

export class DatabaseError extends Error {}

export interface Database {
  orm: MikroORM;
  target: DatabaseTarget;
  /** Migrations applied by this start, oldest first. */
  appliedMigrations: string[];
  /** A fresh EntityManager (knex flavoured) for one unit of work, on the connection that writes. */
  fork(): EntityManager;
  /**
   * A fresh EntityManager for work that only reads (a GraphQL query): on a
   * SQLite file, it runs on read connections of its own, so it never queues
   * behind a write (an ingestion batch, a mutation) holding the writer
   * connection. Writing through it fails (SQLite's query_only). Elsewhere the
   * same as fork(): PostgreSQL's pool already serves readers and writers side
   * by side, and an in-memory SQLite base exists on its one connection only.
   */
  forkReader(): EntityManager;
  /** The read replica (DATABASE_READ_URL), when there is one. */
  replica: OpenReplica | null;
  close(): Promise<void>;
}

/** A PostgreSQL hot standby that GraphQL queries read from while it is fresh enough. */
export interface OpenReplica {
  target: ReadReplica['target'];
  /** Whether a read may go there now (staleness bound, read-your-writes). */
  routing: ReplicaRouting;
  /** A fresh EntityManager on the replica's pool: only for reads, only when routing says so. */
  fork(): EntityManager;
}

/**
 * Opens the store named by the target, applies pending migrations and returns
 * it. Any failure becomes a DatabaseError with a one-line reason.
 */
export async function openDatabase(target: DatabaseTarget, options: OrmOptions = {}): Promise<Database> {
  const where =
    target.dialect === 'sqlite' ? `SQLite file ${target.path}` : `PostgreSQL ${redact(target.url)}`;
  if (target.dialect === 'sqlite' && target.path !== ':memory:') {
    try {
      mkdirSync(dirname(target.path), { recursive: true });
    } catch (error) {
      throw new DatabaseError(`cannot create the folder of ${where}: ${firstLine(error)}`);
    }
  }
  const timeout = options.statementTimeoutMs ?? null;
  const limit = timeout ? statementLimit(target.dialect, timeout) : undefined;
  let appliedMigrations: string[];
  let orm: MikroORM;
  if (timeout && target.dialect === 'postgresql') {
    // Migrations may run long (indexes on large tables): they get a pool of their own, without the statement limit.
    const migrating = await initOrm(target, where);
    appliedMigrations = await migrate(migrating, where);
    await migrating.close(true);
    orm = await initOrm(target, where, limit?.pool);
  } else {
    orm = await initOrm(target, where, limit?.pool);
    appliedMigrations = await migrate(orm, where);
    // SQLite's watchdog starts after the migrations, for the same reason.
    limit?.activate((orm.em as EntityManager).getKnex());
  }
  let reader = orm;
  if (target.dialect === 'sqlite' && !isInMemory(target.path)) {
    try {
      reader = await initOrm(target, where, readConnectionPool(limit?.pool), 'reader');
    } catch (error) {
      await orm.close(true).catch(() => undefined);
      throw error;
    }
    limit?.activate((reader.em as EntityManager).getKnex());
  }
  let replica: { orm: MikroORM; open: OpenReplica } | null = null;
  if (options.readReplica) {
    try {
      replica = await openReplica(target, options.readReplica, orm, limit?.pool, options.onReplicaChange);
    } catch (error) {
      if (reader !== orm) await reader.close(true).catch(() => undefined);
      await orm.close(true).catch(() => undefined);
      throw error;
    }
  }
  if (options.onQuery) {
    // Entity queries and direct query-builder queries all pass through knex.
    const onQuery = options.onQuery;
    for (const each of new Set([orm, reader, ...(replica ? [replica.orm] : [])]))
      (each.em as EntityManager).getKnex().on('query', (query: { sql: string }) => onQuery(query.sql));
  }
  return {
    orm,
    target,
    appliedMigrations,
    fork: () => orm.em.fork() as EntityManager,
    forkReader: () => reader.em.fork() as EntityManager,
    replica: replica?.open ?? null,
    close: async () => {
      if (replica) {
        await replica.open.routing.stop();
        await replica.orm.close(true);
      }
      if (reader !== orm) await reader.close(true);
      await orm.close(true);
    },
  };
}

/**
 * Connects to the read replica and starts watching its lag. A replica that cannot be
 * reached now is no reason not to start (reads go to the primary until it answers), but
 * one that answers and is no standby of this primary is a mistake in the settings: the
 * positions compared to bound its lag would mean nothing.
 */
async function openReplica(
  primaryTarget: DatabaseTarget,
  settings: ReadReplica,
  primary: MikroORM,
  pool: object | undefined,
  onChange: OrmOptions['onReplicaChange'],
): Promise<{ orm: MikroORM; open: OpenReplica }> {
  if (primaryTarget.dialect !== 'postgresql')
    throw new DatabaseError('a read replica needs a PostgreSQL primary (DATABASE_URL)');
  const where = `the read replica PostgreSQL ${redact(settings.target.url)}`;
  const orm = await unconnectedOrm(settings.target, where, pool);
  const primaryKnex = (primary.em as EntityManager).getKnex();
  const replicaKnex = (orm.em as EntityManager).getKnex();
  const mismatch = await standbyMismatch(primaryKnex, replicaKnex).catch(() => null);
  if (mismatch) {
    await orm.close(true).catch(() => undefined);
    throw new DatabaseError(`${where} ${mismatch}`);
  }
  const routing = new ReplicaRouting(primaryKnex, replicaKnex, settings.maxLagMs, { onChange });
  await routing.probe();
  routing.start();
  return { orm, open: { target: settings.target, routing, fork: () => orm.em.fork() as EntityManager } };
}

/**
 * Why the replica is not a hot standby of the primary, or null when it is. Rejects
 * (unreachable) are the caller's to judge. The system identifier is the cluster's
 * birth certificate, copied by pg_basebackup: equal on a primary and its standbys.
 */
async function standbyMismatch(primary: Knex, replica: Knex): Promise<string | null> {
  const identity =
    'select pg_is_in_recovery() as recovering, (select system_identifier::text from pg_control_system()) as cluster';
  const [ours, theirs] = await Promise.all([primary.raw(identity), replica.raw(identity)]);
  if (!theirs.rows[0].recovering)
    return "is not a hot standby (pg_is_in_recovery() is false): it must be a standby of DATABASE_URL's server";
  if (ours.rows[0].cluster !== theirs.rows[0].cluster)
    return "is a standby of another PostgreSQL cluster than DATABASE_URL's (system identifiers differ)";
  return null;
}

/**
 * Read connections a SQLite file store keeps beside its writer. One long
 * read (a market map over the whole base) must not hold up the short ones
 * (a customer look-up), so there are a few; each answers from the last
 * committed state (write-ahead logging), blocking no writer and blocked by none.
 */
export const SQLITE_READ_CONNECTIONS = 4;

function isInMemory(path: string): boolean {
  return path === ':memory:' || path.startsWith('file::memory:');
}

/**
 * The pool of a SQLite store's read connections: each new connection gets the
 * service's settings (the writer's are set once on its single connection by
 * tuneSqlite), query_only so that a write sent by mistake fails instead of
 * competing with the writer, then the statement limit's hook when there is one.
 */
function readConnectionPool(limit?: StatementLimit['pool']): object {
  const settings = [
    'pragma busy_timeout = 5000',
    // 16 MiB each: the writer keeps the large cache the refreshes want, and a long export on
    // one read connection cannot grow the process by more than this (the OS caches the file too).
    'pragma cache_size = -16384',
    'pragma query_only = on',
  ].join('; ');
  return {
    min: 1,
    max: SQLITE_READ_CONNECTIONS,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the driver's own connection object (sqlite3 Database)
    afterCreate(connection: any, done: (error: Error | null, connection: unknown) => void) {
      connection.exec(settings, (error: Error | null) => {
        if (error || !limit) return done(error, connection);
        limit.afterCreate(connection, done);
      });
    },
  };
}

/** A MikroORM for the target, its pool hooks merged in, not yet connected; a DatabaseError names where it failed. */
async function unconnectedOrm(target: DatabaseTarget, where: string, pool?: object): Promise<MikroORM> {
  try {
    const base = ormOptions(target);
    return await MikroORM.init({
      ...base,
      ...(pool ? { pool: { ...base.pool, ...pool } } : {}),
      connect: false,
    });
  } catch (error) {
    throw new DatabaseError(`cannot set up ${where}: ${firstLine(error)}`);
  }
}

/** A connected MikroORM for the target, with pool hooks when given; a SQLite writer gets the service's settings. */
async function initOrm(
  target: DatabaseTarget,
  where: string,
  pool?: object,
  role: 'writer' | 'reader' = 'writer',
): Promise<MikroORM> {
  const orm = await unconnectedOrm(target, where, pool);
  const check = await orm.checkConnection();
  if (!check.ok) {
    await orm.close(true).catch(() => undefined);
    throw new DatabaseError(`cannot reach ${where}: ${firstLine(check.error ?? check.reason)}`);
  }
  try {
    if (target.dialect === 'sqlite' && role === 'writer') await tuneSqlite(orm);
  } catch (error) {
    await orm.close(true).catch(() => undefined);
    throw new DatabaseError(`cannot set up ${where}: ${firstLine(error)}`);
  }
  return orm;
}

/** Applies pending migrations; the names applied, oldest first. */
async function migrate(orm: MikroORM, where: string): Promise<string[]> {
  try {
    // Instances starting together over one PostgreSQL: one migrates, the others wait, then find nothing pending.
    const knex = (orm.em as EntityManager).getKnex();
    return (await withInstanceLock(knex, 'migrations', () => orm.getMigrator().up())).map((m) => m.name);
  } catch (error) {
    await orm.close(true).catch(() => undefined);
    throw new DatabaseError(`cannot migrate ${where}: ${firstLine(error)}`);
  }
}

/**
 * SQLite runs as a server store: write-ahead logging so readers never block
 * the writer, a busy timeout instead of "database is locked", foreign keys on,
 * a page cache sized for a server.
 * The writer is knex's single pooled sqlite3 connection, so this applies to all
 * its queries; the read connections get theirs from readConnectionPool.
 */
async function tuneSqlite(orm: MikroORM): Promise<void> {
  const connection = orm.em.getConnection();
  await connection.execute('pragma journal_mode = wal');
  // The refresh publishes through a connection of its own (db/batch-work.ts) in chunks that
  // each hold the write lock a moment; on a loaded machine a chunk can outlast 5 s, and an
  // ingestion batch refused for it (SQLITE_BUSY) would be work the caller has to send again.
  await connection.execute('pragma busy_timeout = 30000');
  await connection.execute('pragma foreign_keys = on');
  await connection.execute('pragma synchronous = normal');
  // 64 MiB of page cache instead of the 2 MiB default: set-based refreshes and
  // grouped analyses re-read the orders and metrics tables many times over.
  await connection.execute('pragma cache_size = -65536');
  beginTransactionsImmediately((orm.em as EntityManager).getKnex());
}

/**
 * SQLite's default BEGIN takes the write lock only at the first write: if
 * another connection (a second process on the same file, the keys CLI, a
 * seeding script) commits in between, the upgrade fails at once with "database
 * is locked", whatever the busy timeout. BEGIN IMMEDIATE takes the write lock
 * at the start and waits up to the busy timeout for it. Inside the service the
 * single writer connection already serialises writes; this covers the others.
 * knex calls begin() asynchronously after creating a transaction, so setting
 * it on the new instance is enough.
 */
function beginTransactionsImmediately(knex: Knex): void {
  const client = knex.client as {
    transaction: (...args: unknown[]) => {
      begin: unknown;
      query: (connection: unknown, sql: string) => Promise<unknown>;
    };
  };
  const create = client.transaction;
  client.transaction = function (this: unknown, ...args: unknown[]) {
    const trx = create.apply(this, args);
    trx.begin = (connection: unknown) => trx.query(connection, 'BEGIN IMMEDIATE;');
    return trx;
  };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error ?? 'unknown error');
  return redactInText(text.split('\n')[0].trim());
}

function redactInText(text: string): string {
  return text.replace(/(postgres(ql)?:\/\/[^:/@\s]+:)[^@\s]*@/g, '$1***@');
}
