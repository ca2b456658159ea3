import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseDatabaseUrl, toolSettings, type DatabaseTarget, type Settings } from '../../src/common/config';
import { openDatabase, type Database } from '../../src/orm/database';
import type { OrmOptions } from '../../src/orm/orm-config';

/**
 * Tests run on SQLite unless TEST_DATABASE_URL names a PostgreSQL server
 * (postgres://user@host:port/db): then every test file gets a database of its
 * own, created from that one's server and dropped afterwards.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? '';
export const ON_POSTGRES = TEST_DATABASE_URL.startsWith('postgres');

export interface TestDatabase {
  db: Database;
  target: DatabaseTarget;
  settings: Settings;
  /** Closes and deletes the database. */
  drop(): Promise<void>;
}

let counter = 0;

/** Which store a test database lives in: the run's own unless a test asks for one (a cross-store test asks for both). */
export type TestStore = 'sqlite' | 'postgresql';
const RUN_STORE: TestStore = ON_POSTGRES ? 'postgresql' : 'sqlite';

export async function createTestTarget(
  store: TestStore = RUN_STORE,
): Promise<{ target: DatabaseTarget; url: string; remove(): Promise<void> }> {
  counter += 1;
  if (store === 'postgresql' && !ON_POSTGRES)
    throw new Error('a PostgreSQL test database needs TEST_DATABASE_URL');
  if (store === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'segments-test-'));
    const path = join(folder, 'test.sqlite');
    return {
      target: { dialect: 'sqlite', path },
      url: `sqlite:${path}`,
      remove: async () => rmSync(folder, { recursive: true, force: true }),
    };
  }
  const name = `segments_t${process.pid}_${counter}_${Date.now() % 100000}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    target: parseDatabaseUrl(url.toString()),
    url: url.toString(),
    remove: async () => {
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export async function createTestDatabase(
  options: OrmOptions = {},
  store: TestStore = RUN_STORE,
): Promise<TestDatabase> {
  const { target, remove } = await createTestTarget(store);
  const db = await openDatabase(target, options);
  return {
    db,
    target,
    settings: toolSettings(target),
    drop: async () => {
      await db.close();
      await remove();
    },
  };
}
