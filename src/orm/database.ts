import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import type { EntityManager, Knex } from '@mikro-orm/knex';
import { redact, type DatabaseTarget } from '../common/config';
import { ormOptions, type OrmOptions } from './orm-config';
import { statementLimit } from '../db/statement-timeout';
import { withInstanceLock } from '../db/instance-lock';

export class DatabaseError extends Error {}

export interface Database {
  orm: MikroORM;
  target: DatabaseTarget;
  /** Migrations applied by this start, oldest first. */
  appliedMigrations: string[];
  /** A fresh EntityManager (knex flavoured) for one unit of work. */
  fork(): EntityManager;
  close(): Promise<void>;
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
  if (options.onQuery) {
    // Entity queries and direct query-builder queries all pass through knex.
    const onQuery = options.onQuery;
    (orm.em as EntityManager).getKnex().on('query', (query: { sql: string }) => onQuery(query.sql));
  }
  return {
    orm,
    target,
    appliedMigrations,
    fork: () => orm.em.fork() as EntityManager,
    close: () => orm.close(true),
  };
}

/** A connected MikroORM for the target, with pool hooks when given. */
async function initOrm(target: DatabaseTarget, where: string, pool?: object): Promise<MikroORM> {
  let orm: MikroORM;
  try {
    const base = ormOptions(target);
    orm = await MikroORM.init({
      ...base,
      ...(pool ? { pool: { ...base.pool, ...pool } } : {}),
      connect: false,
    });
  } catch (error) {
    throw new DatabaseError(`cannot set up ${where}: ${firstLine(error)}`);
  }
  const check = await orm.checkConnection();
  if (!check.ok) {
    await orm.close(true).catch(() => undefined);
    throw new DatabaseError(`cannot reach ${where}: ${firstLine(check.error ?? check.reason)}`);
  }
  try {
    if (target.dialect === 'sqlite') await tuneSqlite(orm);
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
 * The sqlite3 driver keeps a single pooled connection, so this applies to all queries.
 */
async function tuneSqlite(orm: MikroORM): Promise<void> {
  const connection = orm.em.getConnection();
  await connection.execute('pragma journal_mode = wal');
  await connection.execute('pragma busy_timeout = 5000');
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
 * single connection already serialises everything; this covers the others.
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
