/**
 * Soak test, bounded and on loopback only: the built service runs as its own
 * process (API keys, as in production) for minutes, alternating bursts of
 * mixed work — customer pages under every ordering, crossed segments at
 * random times of day, explanations, market maps, ingestion of new and
 * replayed batches, metrics refreshes, with the automatic refresh after
 * ingestion on — with idle gaps longer than the statement limit, after which
 * the first questions must answer as before. Faults that only show over time
 * (timers that outlive what they watch, state left by an interrupted
 * statement, a refresh that fires in a gap) surface here and not in tests of
 * seconds. It prints what it did; exit code 1 on any error, any line the
 * service wrote to stderr, or any acknowledged item missing from the store.
 *   npm run build && node dist/bench/soak.js [--database sqlite:/tmp/soak.sqlite | postgres://…]
 *     [--minutes 10] [--statement-timeout-ms 30000] [--gap-seconds 1.5 × limit] [--burst-seconds 30]
 *     [--clients 4] [--customers 3000] [--refresh-delay-ms 10000] [--seed 5]
 */
import 'reflect-metadata';
import { parseDatabaseUrl } from '../src/common/config';
import { Random } from '../seeds/random';
import { countStored, option, percentile, prepareBase, startService } from './service-process';

const DATABASE_URL = option('database', 'sqlite:/tmp/segments-soak.sqlite');
const MINUTES = Number(option('minutes', '10'));
const STATEMENT_TIMEOUT_MS = Number(option('statement-timeout-ms', '30000'));
const GAP_SECONDS = Number(option('gap-seconds', String((STATEMENT_TIMEOUT_MS * 1.5) / 1000)));
const BURST_SECONDS = Number(option('burst-seconds', '30'));
const CLIENTS = Number(option('clients', '4'));
const CUSTOMERS = Number(option('customers', '3000'));
const REFRESH_DELAY_MS = option('refresh-delay-ms', '10000');
const SEED = Number(option('seed', '5'));
const UNTIL = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

type Kind =
  | 'customers page'
  | 'evaluateSegment'
  | 'explain'
  | 'marketMap'
  | 'upsertCustomers'
  | 'recordOrders'
  | 'recordEvents'
  | 'replayed batch'
  | 'refreshMetrics'
  | 'after a gap';
const KINDS: Kind[] = [
  'customers page',
  'evaluateSegment',
  'explain',
  'marketMap',
  'upsertCustomers',
  'recordOrders',
  'recordEvents',
  'replayed batch',
  'refreshMetrics',
  'after a gap',
];

const PAGE = `query ($after: String, $order: CustomerOrder) { customers(first: 25, after: $after, orderBy: $order) {
  totalCount pageInfo { endCursor hasNextPage } edges { node { externalId email country value { rfmSegment daysSinceLastOrder lifetimeRevenue } orders(first: 2) { edges { node { amount orderedAt } } } } } } }`;
const EVALUATE = `query ($f: SegmentFilter!, $asOf: DateTime) { evaluateSegment(filter: $f, asOf: $asOf) { size shareOfBase sample(first: 5) { externalId } } }`;
const EXPLAIN = `query ($id: String!, $f: SegmentFilter!, $asOf: DateTime) { customer(externalId: $id) { externalId explain(filter: $f, asOf: $asOf) { matched } } }`;
const MARKET_MAP = `query ($rows: Dimension!, $columns: Dimension, $asOf: DateTime) { marketMap(rows: $rows, columns: $columns, asOf: $asOf) { total cells { customers revenue } } }`;
const UPSERT = `mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted duplicates rejected { index field message } } }`;
const RECORD_ORDERS = `mutation ($o: [OrderInput!]!) { recordOrders(orders: $o) { accepted duplicates rejected { index field message } } }`;
const RECORD_EVENTS = `mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted duplicates rejected { index field message } } }`;
const REFRESH = `mutation ($asOf: DateTime) { refreshMetrics(asOf: $asOf) { customers } }`;

/** Crossed filters: identity × value × behaviour, with day windows that move with asOf. */
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
  { and: [{ value: { daysSinceLastOrder: { lte: 120 } } }, { behaviour: { event: { count: { gte: 3 } } } }] },
  {
    not: {
      or: [
        { value: { recencyScore: { gte: 4 } } },
        { behaviour: { event: { name: 'message_sent', within: { lastDays: 7 } } } },
      ],
    },
  },
];
const ORDERINGS = [
  null,
  { field: 'CREATED_AT', direction: 'DESC' },
  { field: 'NAME', direction: 'ASC' },
  { field: 'LIFETIME_REVENUE', direction: 'DESC' },
  { field: 'LAST_ORDER_AT', direction: 'ASC' },
];
const MAPS = [
  { rows: 'RFM_SEGMENT', columns: 'COUNTRY' },
  { rows: 'AGE_BAND', columns: 'LIFECYCLE_STAGE' },
  { rows: 'PREFERRED_CHANNEL', columns: null },
];

interface Sample {
  kind: Kind;
  ms: number;
  ok: boolean;
}

/** An instant in the last `days` days before UNTIL at a random time of day, to the millisecond. */
const instant = (random: Random, days: number) => new Date(UNTIL.getTime() - random.int(0, days * DAY));
const baseCustomer = (random: Random) => `C${String(random.int(1, CUSTOMERS)).padStart(7, '0')}`;

async function main(): Promise<void> {
  const target = parseDatabaseUrl(DATABASE_URL);
  const key = await prepareBase(DATABASE_URL, CUSTOMERS, SEED, UNTIL);
  const service = await startService(DATABASE_URL, {
    STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    METRICS_REFRESH_DELAY_MS: REFRESH_DELAY_MS,
    // Four clients well under 1,200 requests per minute each: the limit stays on, as in production.
    RATE_LIMIT_PER_MINUTE: String(1200 * CLIENTS),
  });
  const samples: Sample[] = [];
  const errors = new Map<string, number>();
  const acknowledged = { customers: [] as string[], orders: [] as string[], events: [] as string[] };
  const replayable: Array<{
    query: string;
    variables: Record<string, unknown>;
    field: string;
    items: number;
  }> = [];
  const fail = (reason: string) => errors.set(reason, (errors.get(reason) ?? 0) + 1);

  const call = async (kind: Kind, query: string, variables: Record<string, unknown> = {}) => {
    const started = process.hrtime.bigint();
    let ok = false;
    let body: any;
    try {
      const response = await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      body = await response.json();
      ok = response.status === 200 && !body.errors;
      if (!ok)
        fail(
          `${kind}: ${response.status} ${body.errors?.[0]?.extensions?.code ?? ''} ${body.errors?.[0]?.message ?? ''}`.slice(
            0,
            240,
          ),
        );
    } catch (error) {
      fail(`${kind}: ${error instanceof Error ? error.message : String(error)}`);
    }
    samples.push({ kind, ms: Number(process.hrtime.bigint() - started) / 1e6, ok });
    return ok ? body.data : null;
  };

  /** An ingestion batch whose items must all be accepted; the ids are then expected in the store. */
  const ingest = async (
    kind: Kind,
    query: string,
    field: string,
    items: Array<{ externalId: string }>,
    into: string[],
  ) => {
    const variables = { [query === UPSERT ? 'c' : query === RECORD_ORDERS ? 'o' : 'e']: items };
    const data = await call(kind, query, variables);
    if (!data) return;
    const result = data[field];
    if (result.accepted !== items.length)
      fail(
        `${kind}: ${result.accepted} of ${items.length} accepted (${result.rejected[0]?.message ?? 'duplicates'})`,
      );
    else into.push(...items.map((item) => item.externalId));
    replayable.push({ query, variables, field, items: items.length });
  };

  let burstNumber = 0;
  const client = async (index: number, until: number) => {
    const random = Random.forItem(SEED, burstNumber * 100 + index);
    let cursor: string | null = null;
    let ordering = ORDERINGS[index % ORDERINGS.length];
    let sequence = 0;
    while (Date.now() < until) {
      sequence += 1;
      const roll = random.next();
      const asOf = random.chance(0.5) ? instant(random, 60).toISOString() : null;
      const id = `soak-${burstNumber}-${index}-${sequence}`;
      if (roll < 0.25) {
        const data: any = await call('customers page', PAGE, { after: cursor, order: ordering });
        cursor = data?.customers.pageInfo.hasNextPage ? data.customers.pageInfo.endCursor : null;
        if (!cursor) ordering = random.pick(ORDERINGS);
      } else if (roll < 0.45) {
        await call('evaluateSegment', EVALUATE, { f: random.pick(FILTERS), asOf });
      } else if (roll < 0.55) {
        await call('explain', EXPLAIN, { id: baseCustomer(random), f: random.pick(FILTERS), asOf });
      } else if (roll < 0.6) {
        await call('marketMap', MARKET_MAP, { ...random.pick(MAPS), asOf });
      } else if (roll < 0.68) {
        const customers = Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? {
                externalId: `${id}-c${i}`,
                country: random.pick(['FR', 'BE', 'DE']),
                lifecycleStage: 'LEAD',
                interests: ['wine'],
              }
            : { externalId: baseCustomer(random), city: `City ${id}-${i}` },
        );
        // Patches of base customers are acknowledged too, but only new ids are counted as stored.
        const data = await call('upsertCustomers', UPSERT, { c: customers });
        if (data && data.upsertCustomers.rejected.length)
          fail(`upsertCustomers: rejected ${data.upsertCustomers.rejected[0].message}`);
        if (data)
          acknowledged.customers.push(...customers.filter((_, i) => i % 2 === 0).map((c) => c.externalId));
      } else if (roll < 0.8) {
        const orders = Array.from({ length: 100 }, (_, i) => ({
          externalId: `${id}-o${i}`,
          customerExternalId: baseCustomer(random),
          orderedAt: instant(random, 400).toISOString(),
          amount: Math.round(random.next() * 50_000) / 100,
          currency: 'EUR',
          channel: random.pick(['WEB', 'STORE', 'APP']),
          categories: [random.pick(['books', 'wine', 'garden'])],
        }));
        await ingest('recordOrders', RECORD_ORDERS, 'recordOrders', orders, acknowledged.orders);
      } else if (roll < 0.92) {
        const events = Array.from({ length: 100 }, (_, i) => ({
          externalId: `${id}-e${i}`,
          customerExternalId: baseCustomer(random),
          name: random.pick(['page_viewed', 'email_opened', 'form_submitted', 'message_sent']),
          channel: random.pick(['WEB', 'EMAIL', 'SMS']),
          occurredAt: instant(random, 120).toISOString(),
          properties: { step: i, source: 'soak' },
        }));
        await ingest('recordEvents', RECORD_EVENTS, 'recordEvents', events, acknowledged.events);
      } else if (replayable.length) {
        // A client that did not hear the answer sends the batch again: every item is a duplicate.
        const batch = random.pick(replayable);
        const data = await call('replayed batch', batch.query, batch.variables);
        if (data && data[batch.field].duplicates !== batch.items)
          fail(`replayed batch: ${data[batch.field].duplicates} of ${batch.items} counted as duplicates`);
      }
    }
  };

  const started = Date.now();
  const deadline = started + MINUTES * 60_000;
  let gaps = 0;
  let refreshes = 0;
  while (Date.now() < deadline) {
    burstNumber += 1;
    const burstEnd = Math.min(deadline, Date.now() + BURST_SECONDS * 1000);
    const random = Random.forItem(SEED, burstNumber);
    // One explicit refresh per burst, at a time of day off midnight, beside the automatic ones after ingestion.
    const refresh = (async () => {
      await new Promise((resolve) => setTimeout(resolve, (BURST_SECONDS * 1000) / 3));
      const data = await call('refreshMetrics', REFRESH, {
        asOf: random.chance(0.5) ? instant(random, 30).toISOString() : null,
      });
      if (data) refreshes += 1;
    })();
    await Promise.all([...Array.from({ length: CLIENTS }, (_, index) => client(index, burstEnd)), refresh]);
    if (Date.now() >= deadline) break;
    // Idle: nothing is sent for longer than the statement limit (the automatic refresh may fire meanwhile).
    await new Promise((resolve) => setTimeout(resolve, GAP_SECONDS * 1000));
    gaps += 1;
    const health = await fetch(service.url.replace('/graphql', '/healthz')).then(
      (response) => response.status,
      () => 0,
    );
    if (health !== 200) fail(`healthz after a gap: ${health}`);
    await call('after a gap', EVALUATE, { f: FILTERS[4], asOf: null });
    await call('after a gap', RECORD_EVENTS, {
      e: [
        {
          externalId: `gap-${gaps}`,
          customerExternalId: baseCustomer(random),
          name: 'page_viewed',
          channel: 'WEB',
          occurredAt: instant(random, 5).toISOString(),
        },
      ],
    }).then((data) => data && acknowledged.events.push(`gap-${gaps}`));
  }
  const elapsed = (Date.now() - started) / 1000;
  const exitCode = await service.stop();
  const stderrLines = service
    .errors()
    .split('\n')
    .filter((line) => line.trim()).length;

  console.log(
    `soak: ${target.dialect}, ${CLIENTS} clients for ${(elapsed / 60).toFixed(1)} min: ${burstNumber} bursts of ${BURST_SECONDS} s, ${gaps} idle gaps of ${GAP_SECONDS} s, statement limit ${STATEMENT_TIMEOUT_MS} ms, automatic refresh ${REFRESH_DELAY_MS} ms after ingestion, base of ${CUSTOMERS} customers`,
  );
  console.log(
    `requests: ${samples.length}, errors: ${samples.filter((s) => !s.ok).length}, explicit refreshes: ${refreshes}, service exit code: ${exitCode}`,
  );
  for (const kind of KINDS) {
    const times = samples
      .filter((s) => s.kind === kind)
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    if (!times.length) continue;
    console.log(
      `  ${kind.padEnd(16)} ${String(times.length).padStart(6)}  p50 ${percentile(times, 50).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms  max ${times[times.length - 1].toFixed(1)} ms`,
    );
  }
  for (const [reason, count] of errors) console.log(`  error ×${count}: ${reason}`);

  const found = await countStored(DATABASE_URL, acknowledged);
  let lost = 0;
  for (const table of ['customers', 'orders', 'events'] as const) {
    const ids = acknowledged[table];
    lost += ids.length - found[table];
    console.log(
      `  ${table}: ${ids.length} acknowledged, ${found[table]} found, ${ids.length - found[table]} lost`,
    );
  }
  if (stderrLines) console.log(`  the service wrote ${stderrLines} line(s) to stderr`);
  const failed =
    errors.size > 0 || lost > 0 || stderrLines > 0 || exitCode !== 0 || gaps === 0 || samples.length === 0;
  console.log(failed ? 'soak: FAILED' : 'soak: zero errors, zero lost items');
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
