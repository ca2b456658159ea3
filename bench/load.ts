/**
 * Load test, bounded and on loopback only: the built service runs as its own
 * process (API keys required, as in production), and concurrent clients mix
 * customer pages, evaluateSegment on crossed filters and ingestion batches
 * for a fixed time. It prints throughput, latency percentiles and errors per
 * kind of request, then checks that every order and event the service
 * acknowledged is in the database. Exit code 1 on any error or lost item.
 *   npm run build && node dist/bench/load.js [--database sqlite:/tmp/load.sqlite | postgres://…]
 *     [--seconds 30] [--clients 16] [--customers 5000] [--batch 100]
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseDatabaseUrl } from '../src/config';
import { openDatabase } from '../src/db/database';
import { createApiKey } from '../src/auth/api-keys.service';
import { ALL_SCOPES } from '../src/auth/scopes';
import { PROJECT_ROOT } from '../src/common/paths';
import { loadSyntheticBase } from '../seeds/load';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const DATABASE_URL = option('database', 'sqlite:/tmp/segments-load.sqlite');
const SECONDS = Number(option('seconds', '30'));
const CLIENTS = Number(option('clients', '16'));
const CUSTOMERS = Number(option('customers', '5000'));
const BATCH = Number(option('batch', '100'));
const UNTIL = new Date('2026-11-01T00:00:00Z');

type Kind = 'customers page' | 'evaluateSegment' | 'recordOrders' | 'recordEvents';

const PAGE = `query ($after: String) { customers(first: 20, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
  totalCount pageInfo { endCursor } edges { node { externalId email country lifecycleStage value { rfmSegment lifetimeRevenue } orders(first: 3) { edges { node { amount } } } } } } }`;
const EVALUATE = `query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size shareOfBase sample(first: 5) { externalId } } }`;
const RECORD_ORDERS = `mutation ($o: [OrderInput!]!) { recordOrders(orders: $o) { accepted duplicates rejected { index message } } }`;
const RECORD_EVENTS = `mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted duplicates rejected { index message } } }`;

/** Crossed filters: identity × value × behaviour. */
const FILTERS = [
  { and: [{ identity: { country: { in: ['FR', 'BE'] } } }, { behaviour: { purchase: { within: { lastDays: 365 }, count: { gte: 2 } } } }] },
  { and: [{ identity: { age: { gte: 25, lt: 45 } } }, { value: { rfmSegment: ['CHAMPIONS', 'LOYAL', 'POTENTIAL_LOYALIST'] } }, { not: { behaviour: { event: { channel: ['EMAIL'], within: { lastDays: 30 } } } } }] },
  { or: [{ identity: { interests: { hasAny: ['wine', 'travel'] } } }, { behaviour: { purchase: { totalAmount: { gte: 500 } } } }] },
  { and: [{ identity: { lifecycleStage: ['LEAD', 'PROSPECT'], companySize: { gte: 50 } } }, { behaviour: { event: { name: 'form_submitted', within: { lastDays: 90 } } } }] },
];

interface Sample {
  kind: Kind;
  ms: number;
  ok: boolean;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function prepare(): Promise<string> {
  const target = parseDatabaseUrl(DATABASE_URL);
  if (target.dialect === 'sqlite') rmSync(target.path, { force: true });
  else {
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
  const loaded = await loadSyntheticBase(db, { customers: CUSTOMERS, seed: 11, until: UNTIL });
  const { key } = await createApiKey(db.fork().getKnex(), 'load test', [...ALL_SCOPES]);
  await db.close();
  console.log(`base: ${loaded.customers} customers, ${loaded.orders} orders, ${loaded.events} events (${loaded.seconds.toFixed(1)} s to load)`);
  return key;
}

function startService(key: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL,
      PORT: '0',
      HOST: '127.0.0.1',
      AUTH: 'keys',
      DEMO_DATA: 'off',
      // The load is one key hammering the service on purpose; the rate limit would be the only thing measured.
      RATE_LIMIT_PER_MINUTE: 'off',
      METRICS_REFRESH_DELAY_MS: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on http:\/\/[^\s/]+:(\d+)\/graphql/.exec(output);
      if (match) {
        resolve({
          port: Number(match[1]),
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      onData(chunk);
      process.stderr.write(`service: ${chunk}`);
    });
    child.once('exit', (code) => reject(new Error(`the service exited (${code}) before listening:\n${output}`)));
  });
}

async function main(): Promise<void> {
  const key = await prepare();
  const service = await startService(key);
  const url = `http://127.0.0.1:${service.port}/graphql`;
  const samples: Sample[] = [];
  const errors = new Map<string, number>();
  const acknowledged = { orders: [] as string[], events: [] as string[] };
  const deadline = Date.now() + SECONDS * 1000;

  const call = async (kind: Kind, query: string, variables: Record<string, unknown>) => {
    const started = process.hrtime.bigint();
    let ok = false;
    let body: any;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      body = await response.json();
      ok = response.status === 200 && !body.errors;
      if (!ok) {
        const reason = `${kind}: ${response.status} ${body.errors?.[0]?.extensions?.code ?? ''} ${body.errors?.[0]?.message ?? ''}`.slice(0, 200);
        errors.set(reason, (errors.get(reason) ?? 0) + 1);
      }
    } catch (error) {
      const reason = `${kind}: ${error instanceof Error ? error.message : String(error)}`;
      errors.set(reason, (errors.get(reason) ?? 0) + 1);
    }
    samples.push({ kind, ms: Number(process.hrtime.bigint() - started) / 1e6, ok });
    return ok ? body.data : null;
  };

  const client = async (index: number) => {
    let sequence = 0;
    let cursor: string | null = null;
    // A deterministic mix per client: 40% pages, 30% segments, 30% ingestion.
    while (Date.now() < deadline) {
      sequence += 1;
      const roll = (index * 7 + sequence * 13) % 10;
      if (roll < 4) {
        const data: any = await call('customers page', PAGE, { after: cursor });
        cursor = data?.customers.pageInfo.endCursor ?? null;
      } else if (roll < 7) {
        await call('evaluateSegment', EVALUATE, { f: FILTERS[sequence % FILTERS.length] });
      } else if (roll < 9) {
        const ids = Array.from({ length: BATCH }, (_, i) => `load-o-${index}-${sequence}-${i}`);
        const orders = ids.map((externalId, i) => ({
          externalId,
          customerExternalId: `C${String(1 + ((index * 7919 + sequence * 104729 + i) % CUSTOMERS)).padStart(7, '0')}`,
          orderedAt: new Date(UNTIL.getTime() - ((sequence * 3600_000 + i * 60_000) % (90 * 86_400_000))).toISOString(),
          amount: 10 + ((sequence * 31 + i) % 300),
          currency: 'EUR',
          channel: 'WEB',
        }));
        const data: any = await call('recordOrders', RECORD_ORDERS, { o: orders });
        if (data && data.recordOrders.accepted === orders.length) acknowledged.orders.push(...ids);
        else if (data) errors.set('recordOrders: items not accepted', (errors.get('recordOrders: items not accepted') ?? 0) + 1);
      } else {
        const ids = Array.from({ length: BATCH }, (_, i) => `load-e-${index}-${sequence}-${i}`);
        const events = ids.map((externalId, i) => ({
          externalId,
          customerExternalId: `C${String(1 + ((index * 15485863 + sequence * 7 + i) % CUSTOMERS)).padStart(7, '0')}`,
          name: 'page_viewed',
          channel: 'WEB',
          occurredAt: new Date(UNTIL.getTime() - ((sequence * 60_000 + i * 1000) % (30 * 86_400_000))).toISOString(),
          properties: { path: `/p/${i}` },
        }));
        const data: any = await call('recordEvents', RECORD_EVENTS, { e: events });
        if (data && data.recordEvents.accepted === events.length) acknowledged.events.push(...ids);
        else if (data) errors.set('recordEvents: items not accepted', (errors.get('recordEvents: items not accepted') ?? 0) + 1);
      }
    }
  };

  const started = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)));
  const elapsed = (Date.now() - started) / 1000;
  await service.stop();

  const target = parseDatabaseUrl(DATABASE_URL);
  console.log(`load: ${target.dialect}, ${CLIENTS} clients for ${elapsed.toFixed(1)} s, batches of ${BATCH}, base of ${CUSTOMERS} customers`);
  console.log(`requests: ${samples.length} (${(samples.length / elapsed).toFixed(1)}/s), errors: ${samples.filter((s) => !s.ok).length}`);
  for (const kind of ['customers page', 'evaluateSegment', 'recordOrders', 'recordEvents'] as Kind[]) {
    const times = samples.filter((s) => s.kind === kind).map((s) => s.ms).sort((a, b) => a - b);
    console.log(
      `  ${kind.padEnd(16)} ${String(times.length).padStart(6)} requests  p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms  max ${times[times.length - 1]?.toFixed(1)} ms`,
    );
  }
  for (const [reason, count] of errors) console.log(`  error ×${count}: ${reason}`);

  // Every acknowledged item must be in the database.
  const db = await openDatabase(target);
  const knex = db.fork().getKnex();
  let lost = 0;
  for (const [table, ids] of [['orders', acknowledged.orders], ['events', acknowledged.events]] as const) {
    let found = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const [{ n }] = await knex(table).whereIn('external_id', ids.slice(i, i + 500)).count({ n: '*' });
      found += Number(n);
    }
    lost += ids.length - found;
    console.log(`  ${table}: ${ids.length} acknowledged, ${found} found, ${ids.length - found} lost`);
  }
  await db.close();
  const failed = errors.size > 0 || lost > 0 || samples.length === 0;
  console.log(failed ? 'load: FAILED (errors or lost items)' : 'load: zero errors, zero lost items');
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
