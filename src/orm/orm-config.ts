import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import type { Options } from '@mikro-orm/core';
import type { DatabaseTarget, ReadReplica } from '../common/config';
import { ENTITIES } from '../entities';
import { postgresqlMigrations } from '../migrations/postgresql';
import { sqliteMigrations } from '../migrations/sqlite';

export const MIGRATIONS_TABLE = 'schema_migrations';

/** Where each dialect's versioned migrations live (used when creating a new one). */
export const MIGRATION_FOLDERS = {
  sqlite: 'src/migrations/sqlite',
  postgresql: 'src/migrations/postgresql',
} as const;

export interface OrmOptions {
  /** Called with every SQL statement sent to the database (statement-count tests, debugging). */
  onQuery?: (sql: string) => void;
  /** Stop any statement running longer (see statement-timeout.ts); none by default (tools, migrations). */
  statementTimeoutMs?: number | null;
  /** A hot standby that GraphQL queries read from while it is fresh enough (db/replica-routing.ts). */
  readReplica?: ReadReplica | null;
  /** Told when the read replica becomes unusable (with why) or usable again. */
  onReplicaChange?: (usable: boolean, reason: string | null) => void;
}

/**
 * MikroORM options for one store. Both dialects share the entities; each has
 * its own committed migrations because their DDL differs.
 */
export function ormOptions(target: DatabaseTarget): Options {
  const common: Options = {
    entities: ENTITIES,
    extensions: [Migrator, SeedManager],
    // Identity is never shared between requests: each request forks its own EntityManager.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
    colors: false,
  };
  if (target.dialect === 'sqlite') {
    return {
      ...common,
      driver: SqliteDriver,
      dbName: target.path,
      migrations: {
        tableName: MIGRATIONS_TABLE,
        path: MIGRATION_FOLDERS.sqlite,
        migrationsList: sqliteMigrations,
        transactional: true,
        allOrNothing: true,
        snapshot: false,
        silent: true,
        emit: 'ts',
      },
    };
  }
  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: target.url,
    // Readers and writers share the pool. A refresh holds one connection (two when an explicit
    // refresh and the scheduled one overlap: the second waits on the first's advisory lock), an
    // ingestion batch one per client sending, a heavy field one; the rest serve queries. Ten
    // leaves most of the pool to readers during a refresh with ingestion, and stays far below
    // PostgreSQL's default of 100 connections when a few instances share one server.
    pool: { min: 0, max: 10 },
    migrations: {
      tableName: MIGRATIONS_TABLE,
      path: MIGRATION_FOLDERS.postgresql,
      migrationsList: postgresqlMigrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
      emit: 'ts',
    },
  };
}
