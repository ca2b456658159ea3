import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { redact, type DatabaseTarget } from '../config';
import { ormOptions, type OrmOptions } from './orm-config';

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
  const where = target.dialect === 'sqlite' ? `SQLite file ${target.path}` : `PostgreSQL ${redact(target.url)}`;
  if (target.dialect === 'sqlite' && target.path !== ':memory:') {
    try {
      mkdirSync(dirname(target.path), { recursive: true });
    } catch (error) {
      throw new DatabaseError(`cannot create the folder of ${where}: ${firstLine(error)}`);
    }
  }
  let orm: MikroORM;
  try {
    orm = await MikroORM.init({ ...ormOptions(target), connect: false });
  } catch (error) {
    throw new DatabaseError(`cannot set up ${where}: ${firstLine(error)}`);
  }
  const check = await orm.checkConnection();
  if (!check.ok) {
    await orm.close(true).catch(() => undefined);
    throw new DatabaseError(`cannot reach ${where}: ${firstLine(check.error ?? check.reason)}`);
  }
  if (options.onQuery) {
    // Entity queries and direct query-builder queries all pass through knex.
    const onQuery = options.onQuery;
    (orm.em as EntityManager).getKnex().on('query', (query: { sql: string }) => onQuery(query.sql));
  }
  let appliedMigrations: string[];
  try {
    if (target.dialect === 'sqlite') await tuneSqlite(orm);
    appliedMigrations = (await orm.getMigrator().up()).map((migration) => migration.name);
  } catch (error) {
    await orm.close(true).catch(() => undefined);
    throw new DatabaseError(`cannot migrate ${where}: ${firstLine(error)}`);
  }
  return {
    orm,
    target,
    appliedMigrations,
    fork: () => orm.em.fork() as EntityManager,
    close: () => orm.close(true),
  };
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
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error ?? 'unknown error');
  return redactInText(text.split('\n')[0].trim());
}

function redactInText(text: string): string {
  return text.replace(/(postgres(ql)?:\/\/[^:/@\s]+:)[^@\s]*@/g, '$1***@');
}
