/**
 * What the load and soak benches share: a fresh base loaded through the
 * ingestion services, an API key with every scope, the built service started
 * as its own process on loopback, and the check that acknowledged items are
 * stored.
 */
import { rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { createApiKey } from '../src/auth/api-keys.service';
import { ALL_SCOPES } from '../src/common/scopes';
import { PROJECT_ROOT } from '../src/common/paths';
import { loadSyntheticBase } from '../seeds/load';

export { option } from './measure';

/** Recreates the database, loads a synthetic base into it and returns a key with every scope. */
export async function prepareBase(
  databaseUrl: string,
  customers: number,
  seed: number,
  until: Date,
): Promise<string> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm']) rmSync(target.path + suffix, { force: true });
  } else {
    const { Client } = await import('pg');
    const url = new URL(target.url);
    const name = url.pathname.slice(1);
    url.pathname = '/postgres';
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
  }
  const db = await openDatabase(target);
  const loaded = await loadSyntheticBase(db, { customers, seed, until });
  const { key } = await createApiKey(db.fork().getKnex(), 'bench', [...ALL_SCOPES]);
  await db.close();
  console.log(
    `base: ${loaded.customers} customers, ${loaded.orders} orders, ${loaded.events} events (${loaded.seconds.toFixed(1)} s to load)`,
  );
  return key;
}

export interface ServiceProcess {
  url: string;
  /** The service's process id (its memory is read from /proc/PID/status). */
  pid: number;
  /** What the service wrote to stderr: errors it logged, nothing in a healthy run. */
  errors(): string;
  stop(): Promise<number | null>;
}

/** Starts dist/src/main.js with API keys required and the given settings on top; resolves once it listens. */
export function startService(databaseUrl: string, settings: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      AUTH: 'keys',
      DEMO_DATA: 'off',
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done((exited = code))));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on http:\/\/[^\s/]+:(\d+)\/graphql/.exec(output);
      if (match) {
        resolve({
          url: `http://127.0.0.1:${match[1]}/graphql`,
          pid: child.pid!,
          errors: () => errors,
          stop: () => {
            if (exited === undefined) child.kill('SIGTERM');
            return exit;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
      onData(chunk);
      process.stderr.write(`service: ${chunk}`);
    });
    void exit.then((code) => reject(new Error(`the service exited (${code}) before listening:\n${output}`)));
  });
}

/** How many of the acknowledged external ids each table holds. */
export async function countStored(
  databaseUrl: string,
  acknowledged: Record<'customers' | 'orders' | 'events', string[]>,
) {
  const db = await openDatabase(parseDatabaseUrl(databaseUrl));
  const knex = db.fork().getKnex();
  const found: Record<string, number> = {};
  try {
    for (const [table, ids] of Object.entries(acknowledged)) {
      found[table] = 0;
      for (let i = 0; i < ids.length; i += 500) {
        const [{ n }] = await knex(table)
          .whereIn('external_id', ids.slice(i, i + 500))
          .count({ n: '*' });
        found[table] += Number(n);
      }
    }
  } finally {
    await db.close();
  }
  return found;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
