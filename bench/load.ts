/**
 * Load test, bounded and on loopback only: the built service runs as its own
 * process (API keys required, as in production), and concurrent clients mix
 * customer pages, evaluateSegment on crossed filters and ingestion batches
 * for a fixed time. It prints throughput, latency percentiles and errors per
 * kind of request, then checks that every order and event the service
 * acknowledged is in the database. Exit code 1 on any error or lost item.
 *
 * With `--instances 2` (PostgreSQL), that many service processes share the database and the
 * clients send their requests to them in turn, as a load balancer would; then it checks what
 * several instances must get right together: the ingestion burst, spread over all of them,
 * causes one automatic metrics refresh, not one per instance; and a key limited to N requests
 * a minute gets N in all across the instances, not N on each.
 *   npm run build && node dist/bench/load.js [--database sqlite:/tmp/load.sqlite | postgres://…]
 *     [--seconds 30] [--clients 16] [--customers 5000] [--batch 100] [--instances 1]
 */
import 'reflect-metadata';
import { parseDatabaseUrl } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/common/scopes';
import {
  countStored,
  option,
  percentile,
  prepareBase,
  startService,
  type ServiceProcess,
} from './service-process';

const DATABASE_URL = option('database', 'sqlite:/tmp/segments-load.sqlite');
const SECONDS = Number(option('seconds', '30'));
const CLIENTS = Number(option('clients', '16'));
const CUSTOMERS = Number(option('customers', '5000'));
const BATCH = Number(option('batch', '100'));
const INSTANCES = Number(option('instances', '1'));
const UNTIL = new Date('2026-11-01T00:00:00Z');
/** The quiet time of the automatic refresh when several instances run (the check of one refresh per burst). */
const REFRESH_DELAY_MS = 2000;
const CURSOR_SECRET = 'load-test-cursor-secret-shared-by-every-instance';
/** The limit of the rate-limit check across instances, requests a minute. */
const CHECKED_LIMIT = 20;

type Kind = 'customers page' | 'evaluateSegment' | 'recordOrders' | 'recordEvents';

const PAGE = `query ($after: String) { customers(first: 20, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
  totalCount pageInfo { endCursor } edges { node { externalId email country lifecycleStage value { rfmSegment lifetimeRevenue } orders(first: 3) { edges { node { amount } } } } } } }`;
const EVALUATE = `query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size shareOfBase sample(first: 5) { externalId } } }`;
const RECORD_ORDERS = `mutation ($o: [OrderInput!]!) { recordOrders(orders: $o) { accepted duplicates rejected { index message } } }`;
const RECORD_EVENTS = `mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted duplicates rejected { index message } } }`;

/** Crossed filters: identity × value × behaviour. */
const FILTERS = [
  {
    and: [
      { identity: { country: { in: ['FR', 'BE'] } } },
      { behaviour: { purchase: { within: { lastDays: 365 }, count: { gte: 2 } } } },
    ],
  },
  {
    and: [
      { identity: { age: { gte: 25, lt: 45 } } },
      { value: { rfmSegment: ['CHAMPIONS', 'LOYAL', 'POTENTIAL_LOYALIST'] } },
      { not: { behaviour: { event: { channel: ['EMAIL'], within: { lastDays: 30 } } } } },
    ],
  },
  {
    or: [
      { identity: { interests: { hasAny: ['wine', 'travel'] } } },
      { behaviour: { purchase: { totalAmount: { gte: 500 } } } },
    ],
  },
  {
    and: [
      { identity: { lifecycleStage: ['LEAD', 'PROSPECT'], companySize: { gte: 50 } } },
      { behaviour: { event: { name: 'form_submitted', within: { lastDays: 90 } } } },
    ],
  },
];

interface Sample {
  kind: Kind;
  ms: number;
  ok: boolean;
}

async function main(): Promise<void> {
  const key = await prepareBase(DATABASE_URL, CUSTOMERS, 11, UNTIL);
  const several = INSTANCES > 1;
  // The load is one key hammering the service on purpose; the rate limit would be the only thing measured.
  // Several instances keep a limit (out of this load's reach) so that the shared buckets are exercised
  // under it, and the automatic refresh, whose single flight across instances is checked afterwards.
  const services = await Promise.all(
    Array.from({ length: INSTANCES }, () =>
      startService(DATABASE_URL, {
        RATE_LIMIT_PER_MINUTE: several ? '10000000' : 'off',
        METRICS_REFRESH_DELAY_MS: several ? String(REFRESH_DELAY_MS) : 'off',
        // One secret seals the cursors of all instances: a page one returned continues on another.
        CURSOR_SECRET: CURSOR_SECRET,
      }),
    ),
  );
  let turn = 0;
  const nextUrl = () => services[turn++ % services.length].url;
  const samples: Sample[] = [];
  const errors = new Map<string, number>();
  const acknowledged = { orders: [] as string[], events: [] as string[] };
  const deadline = Date.now() + SECONDS * 1000;
  let lastIngestion = Date.now();

  const call = async (kind: Kind, query: string, variables: Record<string, unknown>) => {
    const started = process.hrtime.bigint();
    let ok = false;
    let body: any;
    try {
      const response = await fetch(nextUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      body = await response.json();
      ok = response.status === 200 && !body.errors;
      if (!ok) {
        const reason =
          `${kind}: ${response.status} ${body.errors?.[0]?.extensions?.code ?? ''} ${body.errors?.[0]?.message ?? ''}`.slice(
            0,
            200,
          );
        errors.set(reason, (errors.get(reason) ?? 0) + 1);
      }
    } catch (error) {
      const reason = `${kind}: ${error instanceof Error ? error.message : String(error)}`;
      errors.set(reason, (errors.get(reason) ?? 0) + 1);
    }
    samples.push({ kind, ms: Number(process.hrtime.bigint() - started) / 1e6, ok });
    if (kind === 'recordOrders' || kind === 'recordEvents') lastIngestion = Date.now();
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
          orderedAt: new Date(
            UNTIL.getTime() - ((sequence * 3600_000 + i * 60_000) % (90 * 86_400_000)),
          ).toISOString(),
          amount: 10 + ((sequence * 31 + i) % 300),
          currency: 'EUR',
          channel: 'WEB',
        }));
        const data: any = await call('recordOrders', RECORD_ORDERS, { o: orders });
        if (data && data.recordOrders.accepted === orders.length) acknowledged.orders.push(...ids);
        else if (data)
          errors.set(
            'recordOrders: items not accepted',
            (errors.get('recordOrders: items not accepted') ?? 0) + 1,
          );
      } else {
        const ids = Array.from({ length: BATCH }, (_, i) => `load-e-${index}-${sequence}-${i}`);
        const events = ids.map((externalId, i) => ({
          externalId,
          customerExternalId: `C${String(1 + ((index * 15485863 + sequence * 7 + i) % CUSTOMERS)).padStart(7, '0')}`,
          name: 'page_viewed',
          channel: 'WEB',
          occurredAt: new Date(
            UNTIL.getTime() - ((sequence * 60_000 + i * 1000) % (30 * 86_400_000)),
          ).toISOString(),
          properties: { path: `/p/${i}` },
        }));
        const data: any = await call('recordEvents', RECORD_EVENTS, { e: events });
        if (data && data.recordEvents.accepted === events.length) acknowledged.events.push(...ids);
        else if (data)
          errors.set(
            'recordEvents: items not accepted',
            (errors.get('recordEvents: items not accepted') ?? 0) + 1,
          );
      }
    }
  };

  const started = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)));
  const elapsed = (Date.now() - started) / 1000;
  const refreshes = several ? await refreshesAfterTheBurst(lastIngestion) : null;
  for (const service of services) await service.stop();
  const limited = several ? await rateLimitAcrossInstances() : null;

  const target = parseDatabaseUrl(DATABASE_URL);
  console.log(
    `load: ${target.dialect}, ${INSTANCES} instance${several ? 's (requests in turn)' : ''}, ${CLIENTS} clients for ${elapsed.toFixed(1)} s, batches of ${BATCH}, base of ${CUSTOMERS} customers`,
  );
  console.log(
    `requests: ${samples.length} (${(samples.length / elapsed).toFixed(1)}/s), errors: ${samples.filter((s) => !s.ok).length}`,
  );
  for (const kind of ['customers page', 'evaluateSegment', 'recordOrders', 'recordEvents'] as Kind[]) {
    const times = samples
      .filter((s) => s.kind === kind)
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    console.log(
      `  ${kind.padEnd(16)} ${String(times.length).padStart(6)} requests  p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms  max ${times[times.length - 1]?.toFixed(1)} ms`,
    );
  }
  for (const [reason, count] of errors) console.log(`  error ×${count}: ${reason}`);

  // Every acknowledged item must be in the database.
  const found = await countStored(DATABASE_URL, {
    customers: [],
    orders: acknowledged.orders,
    events: acknowledged.events,
  });
  let lost = 0;
  for (const table of ['orders', 'events'] as const) {
    const ids = acknowledged[table];
    lost += ids.length - found[table];
    console.log(
      `  ${table}: ${ids.length} acknowledged, ${found[table]} found, ${ids.length - found[table]} lost`,
    );
  }
  let failed = errors.size > 0 || lost > 0 || samples.length === 0;
  console.log(failed ? 'load: FAILED (errors or lost items)' : 'load: zero errors, zero lost items');
  if (refreshes !== null) {
    console.log(
      `  automatic metrics refreshes after the ingestion burst on ${INSTANCES} instances: ${refreshes}`,
    );
    if (refreshes !== 1) {
      console.log('load: FAILED (the burst must cause exactly one refresh)');
      failed = true;
    }
  }
  if (limited) {
    console.log(
      `  rate limit of ${CHECKED_LIMIT}/min across ${INSTANCES} instances: ${limited.allowed} of ${limited.sent} requests let through in ${limited.seconds.toFixed(1)} s (at most ${limited.ceiling} allowed)`,
    );
    if (limited.allowed < CHECKED_LIMIT || limited.allowed > limited.ceiling) {
      console.log('load: FAILED (one limit per key across instances)');
      failed = true;
    }
  }
  process.exit(failed ? 1 : 0);
}

/** Refreshes as of `since` or later: those that started once the last ingestion batch was acknowledged. */
async function refreshCount(since: number): Promise<number> {
  const db = await openDatabase(parseDatabaseUrl(DATABASE_URL));
  try {
    return Number(
      (await db.fork().getKnex()('value_models').where('as_of', '>=', since).count({ n: '*' }))[0].n,
    );
  } finally {
    await db.close();
  }
}

/**
 * Waits for the burst's refresh (each instance's timer runs out the quiet time after its
 * last batch), then as long again and a refresh more, in case a second one were to come,
 * and says how many ran after the burst. (Refreshes during the load, when an instance's
 * batches were more than the quiet time apart, are not this check's business.)
 */
async function refreshesAfterTheBurst(ended: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  while ((await refreshCount(ended)) === 0 && Date.now() < deadline) await sleep(250);
  const first = Date.now();
  while (Date.now() - first < 2 * REFRESH_DELAY_MS + 2000) await sleep(250);
  return refreshCount(ended);
}

/**
 * Two fresh instances limited to CHECKED_LIMIT requests a minute, and a new key sending
 * twice that, in turn to each: the key must get the limit in all (plus what refills while
 * the requests run), not the limit on each instance.
 */
async function rateLimitAcrossInstances(): Promise<{
  sent: number;
  allowed: number;
  seconds: number;
  ceiling: number;
}> {
  const db = await openDatabase(parseDatabaseUrl(DATABASE_URL));
  const { key } = await createApiKey(db.fork().getKnex(), 'limited', [Scope.READ]);
  await db.close();
  const limited: ServiceProcess[] = await Promise.all(
    Array.from({ length: INSTANCES }, () =>
      startService(DATABASE_URL, {
        RATE_LIMIT_PER_MINUTE: String(CHECKED_LIMIT),
        METRICS_REFRESH_DELAY_MS: 'off',
      }),
    ),
  );
  const sent = CHECKED_LIMIT * INSTANCES;
  let allowed = 0;
  const started = Date.now();
  for (let i = 0; i < sent; i++) {
    const response = await fetch(limited[i % limited.length].url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    await response.arrayBuffer();
    if (response.status === 200) allowed += 1;
  }
  const seconds = (Date.now() - started) / 1000;
  for (const service of limited) await service.stop();
  return { sent, allowed, seconds, ceiling: CHECKED_LIMIT + Math.floor((seconds * CHECKED_LIMIT) / 60) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
