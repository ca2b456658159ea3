import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_LIMITS } from '../src/common/config';
import { buildAppSchema } from '../src/server/schema';
import { FIELD_COSTS, SCAN } from '../src/server/field-costs';
import { measureOperation } from '../src/server/query-limits';
import { HeavyGate, heavyWorkOf } from '../src/server/heavy-work';
import { createRequestContext } from '../src/server/context';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { LoaderRegistry, type RunHeavy } from '../src/graphql/loaders';
import { execute } from 'graphql';
import { createApiKey } from '../src/auth/api-keys.service';
import { OPEN_DEMO_CALLER, Scope } from '../src/common/scopes';
import { createSegment } from '../src/segments/segment.service';
import { refreshMetrics } from '../src/value/metrics.service';
import { loadSyntheticBase } from '../seeds/load';
import { ON_POSTGRES } from './support/database';
import { startTestServer, type TestServer } from './support/server';

/**
 * Heavy fields are priced by the work they start, and the cost limit refuses
 * what would stall the service before anything runs.
 */

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAppSchema();
});

function costOf(query: string, variables: Record<string, unknown> = {}, savedSegments = 0): number {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  return measureOperation(schema, document, operation, variables, savedSegments).cost;
}

/** `count` copies of a field under distinct aliases. */
function aliased(count: number, field: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
}

const SUGGESTIONS = 'personaSuggestions(k: 12) { label size share traits filter precision recall }';
const MARKET_MAP =
  'marketMap(rows: COUNTRY, columns: LIFECYCLE_STAGE) { total cells { row column customers } }';
const PAGE_WITH_SEGMENTS = (first: number) =>
  `customers(first: ${first}) { edges { node { id segments { id name } } } }`;

describe('the cost table', () => {
  test('every entry names a field of the schema, and the README lists each with its cost', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const limits = readme.slice(readme.indexOf('## Limits'), readme.indexOf('## The API'));
    for (const coordinate of Object.keys(FIELD_COSTS)) {
      const [type, field] = coordinate.split('.');
      const named = schema.getType(type) as { getFields?: () => Record<string, unknown> } | undefined;
      expect({ coordinate, known: Boolean(named?.getFields?.()[field]) }).toEqual({
        coordinate,
        known: true,
      });
      const row = limits
        .split('\n')
        .find((line) => line.startsWith('| `') && line.includes(`\`${coordinate}\``));
      expect({ coordinate, row: row !== undefined }).toEqual({ coordinate, row: true });
      const cost = FIELD_COSTS[coordinate];
      const figure = (
        typeof cost === 'number' ? cost : cost({ args: new Set(['filter']), savedSegments: 1 })
      ).toLocaleString('en');
      expect(row!.split('|')[2]).toContain(figure);
    }
  });

  test('heavy fields weigh the work they start: one per field, the page times its first', () => {
    // Without the table each of these would cost a handful.
    expect(costOf(`{ ${MARKET_MAP} }`)).toBeGreaterThanOrEqual(SCAN);
    expect(costOf(`{ ${SUGGESTIONS} }`)).toBeGreaterThanOrEqual(4 * SCAN);
    expect(costOf('{ customers(first: 10) { edges { node { id } } } }')).toBeLessThan(50);
    expect(costOf('{ customers(first: 10, filter: {}) { edges { node { id } } } }')).toBeGreaterThanOrEqual(
      SCAN,
    );
    // A variable left unset is no filter; a variable set is one.
    const byVariable =
      'query ($f: SegmentFilter) { customers(first: 10, filter: $f) { edges { node { id } } } }';
    expect(costOf(byVariable)).toBeLessThan(50);
    expect(costOf(byVariable, { f: {} })).toBeGreaterThanOrEqual(SCAN);
    // Fragments are priced on the type they are spread on.
    expect(
      costOf('{ segments(first: 5) { edges { node { ...figures } } } } fragment figures on Segment { size }'),
    ).toBeGreaterThanOrEqual(5 * SCAN);
    // Per customer, per saved segment: each is evaluated and may come back with what it selects.
    expect(costOf(`{ ${PAGE_WITH_SEGMENTS(500)} }`, {}, 300)).toBeGreaterThanOrEqual(500 * 300 * 3);
    // edges, node, id; then per saved segment 2, and its id and name.
    expect(costOf(`{ ${PAGE_WITH_SEGMENTS(500)} }`, {}, 3)).toBe(1 + 500 * (3 + 2 * 3 + 3 * 2));
  });

  test('what the issue stalled the service with is refused or bounded under the default limit', () => {
    const limit = DEFAULT_LIMITS.cost;
    expect(costOf(aliased(500, MARKET_MAP))).toBeGreaterThan(limit);
    // Within the document limits (at most 50 fields answering under one name), the cost refuses 50 maps.
    expect(costOf(aliased(50, MARKET_MAP))).toBeGreaterThan(limit);
    expect(costOf(aliased(45, MARKET_MAP))).toBeLessThanOrEqual(limit);
    expect(costOf(aliased(10, SUGGESTIONS))).toBeLessThanOrEqual(limit);
    expect(costOf(aliased(13, SUGGESTIONS))).toBeGreaterThan(limit);
    // With 300 segments saved a page of 40 with its segments is admitted, not one of 500; with 30, one of 300.
    expect(costOf(`{ ${PAGE_WITH_SEGMENTS(40)} }`, {}, 300)).toBeLessThanOrEqual(limit);
    expect(costOf(`{ ${PAGE_WITH_SEGMENTS(500)} }`, {}, 300)).toBeGreaterThan(limit);
    expect(costOf(`{ ${PAGE_WITH_SEGMENTS(300)} }`, {}, 30)).toBeLessThanOrEqual(limit);
    expect(costOf(aliased(60, 'segments(first: 1) { totalCount }'))).toBeLessThanOrEqual(limit);
    expect(costOf('{ segments(first: 500) { edges { node { size } } } }')).toBeGreaterThan(limit);
  });

  test('every example operation of the playground (what the studio asks) is admitted', () => {
    const folder = join(__dirname, '..', 'schema', 'examples');
    const files = readdirSync(folder).filter((name) => name.endsWith('.graphql'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(join(folder, file), 'utf8');
      const document = parse(text);
      // The variables the playground opens the example with.
      const variables = JSON.parse(/^# variables: (.*)$/m.exec(text)?.[1] ?? '{}') as Record<string, unknown>;
      for (const operation of document.definitions) {
        if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
        const { cost } = measureOperation(schema, document, operation, variables);
        expect({ file, admitted: cost <= DEFAULT_LIMITS.cost }).toEqual({ file, admitted: true });
      }
    }
    // A studio tab: a page of 50 customers with what the customer list shows, a segment's figures.
    const studio = `{
      customers(first: 50, filter: { identity: { country: { in: ["FR"] } } }) {
        totalCount
        edges { node { id externalId firstName lastName country persona { name } value { lifetimeRevenue } segments { id name } } }
      }
      segment(id: "1") { name size stats { size } members(first: 20) { edges { node { id } } } }
    }`;
    expect(costOf(studio)).toBeLessThanOrEqual(DEFAULT_LIMITS.cost);
  });
});

describe('over HTTP, with the default limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.stop());

  test('a request past the cost limit is refused with QUERY_TOO_COSTLY before anything runs', async () => {
    // Customer.segments is priced by the segments saved when the request comes.
    expect((await server.post(`{ ${PAGE_WITH_SEGMENTS(500)} }`)).body.errors).toBeUndefined();
    for (let n = 0; n < 100; n++) {
      await createSegment(server.db.fork(), {
        name: `S${n}`,
        filter: { identity: { country: { in: ['FR'] } } },
      } as never);
    }
    expect((await server.post(`{ ${PAGE_WITH_SEGMENTS(100)} }`)).body.errors).toBeUndefined();
    for (const query of [
      aliased(13, SUGGESTIONS),
      aliased(50, MARKET_MAP),
      `{ ${PAGE_WITH_SEGMENTS(500)} }`,
    ]) {
      const answer = await server.post(query);
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'QUERY_TOO_COSTLY', limit: DEFAULT_LIMITS.cost }),
        }),
      ]);
    }
  });
});

describe('the places for heavy work of one key', () => {
  test('at most its places run at once, the others in order of arrival; a wait too long is RATE_LIMITED', async () => {
    const gate = new HeavyGate(2, 200);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const work = (n: number) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push(n);
      running--;
      return n;
    };
    const done = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => gate.run(work(n))));
    expect(done).toEqual([1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
    expect(order.slice(2)).toEqual([3, 4, 5, 6]);
    expect(gate.idle).toBe(true);

    // Two hold the places past the wait: the third is refused, and the gate serves again afterwards.
    const hold = () => new Promise<void>((resolve) => setTimeout(resolve, 400));
    const held = [gate.run(hold), gate.run(hold)];
    await expect(gate.run(async () => 'never')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 2, retryAfter: 1 },
    });
    await Promise.all(held);
    expect(await gate.run(async () => 'again')).toBe('again');
    expect(gate.idle).toBe(true);
  });

  test("heavy fields and Customer.segments pages go through the caller's places; other fields do not", async () => {
    const server = await startTestServer();
    try {
      await upsertCustomers(server.db.fork().getKnex(), [{ externalId: 'X1', country: 'FR' }]);
      await createSegment(server.db.fork(), {
        name: 'FR',
        filter: { identity: { country: { in: ['FR'] } } },
      } as never);
      const gated: string[] = [];
      const counting: RunHeavy = (work) => {
        gated.push('heavy');
        return work();
      };
      const run = async (query: string) => {
        gated.length = 0;
        const base = createRequestContext(
          server.db,
          server.settings,
          {} as never,
          {} as never,
          OPEN_DEMO_CALLER,
        );
        // The request's loaders take the same places as its fields.
        const contextValue = {
          ...base,
          heavy: counting,
          loaders: new LoaderRegistry(base.em, base.now, counting),
        };
        const result = await execute({ schema, document: parse(query), contextValue });
        expect(result.errors).toBeUndefined();
        return gated.length;
      };
      expect(
        await run(
          '{ customers(first: 5) { edges { node { id externalId } } } segments { edges { node { id } } } }',
        ),
      ).toBe(0);
      expect(
        await run('{ a: marketMap(rows: COUNTRY) { total } b: marketMap(rows: GENDER) { total } }'),
      ).toBe(2);
      expect(await run('{ customers(first: 5) { totalCount edges { node { segments { id } } } } }')).toBe(2);
      expect(await run('{ customers(first: 5, filter: {}) { edges { node { id } } } }')).toBe(1);
    } finally {
      await server.stop();
    }
  });

  test("one key's places are shared by all its requests; another key has its own", async () => {
    const server = await startTestServer();
    try {
      const caller = (keyId: number) => ({ keyId, name: `k${keyId}`, scopes: new Set<never>() });
      const first = heavyWorkOf(server.db, caller(1), 1, 5000);
      const sameKey = heavyWorkOf(server.db, caller(1), 1, 5000);
      const otherKey = heavyWorkOf(server.db, caller(2), 1, 5000);
      const events: string[] = [];
      let release!: () => void;
      const holding = first(() =>
        new Promise<void>((resolve) => (release = resolve)).then(() => events.push('first done')),
      );
      const waiting = sameKey(async () => events.push('same key ran'));
      await otherKey(async () => events.push('other key ran'));
      expect(events).toEqual(['other key ran']);
      release();
      await Promise.all([holding, waiting]);
      expect(events).toEqual(['other key ran', 'first done', 'same key ran']);
    } finally {
      await server.stop();
    }
  });

  test('a failing piece of work gives its place back', async () => {
    const gate = new HeavyGate(1, 1000);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 1)).toBe(1);
    expect(gate.idle).toBe(true);
  });
});

/**
 * While one key sends each kind of heavy request the limits admit, another key's single-customer
 * look-up and /healthz answer within a second. The figures are printed for the record.
 */
describe('under the heaviest requests the limits admit', () => {
  const AS_OF = new Date('2026-06-01T00:00:00Z');
  const CUSTOMERS = 3000;
  const SAVED_SEGMENTS = 300;
  let server: TestServer;
  let heavyKey: string;
  let otherKey: string;
  const countries = ['FR', 'DE', 'ES', 'IT', 'BE', 'NL', 'GB', 'PL'];
  const filterOf = (n: number, earlier: string[]): Record<string, unknown> => {
    switch (n % 6) {
      case 0:
        return { identity: { country: { in: [countries[n % countries.length]] } } };
      case 1:
        return {
          behaviour: { purchase: { within: { lastDays: 30 + (n % 12) * 30 }, count: { gte: 1 + (n % 3) } } },
        };
      case 2:
        return {
          value: { rfmSegment: [['CHAMPIONS', 'LOYAL'], ['POTENTIAL_LOYALIST'], ['NEW_CUSTOMERS']][n % 3] },
        };
      case 3:
        return { behaviour: { event: { name: 'message_opened', within: { lastDays: 7 + (n % 10) * 20 } } } };
      case 4:
        return {
          identity: { lifecycleStage: [['CUSTOMER'], ['LEAD', 'PROSPECT'], ['CHURNED']][n % 3] },
          or: [
            { identity: { interests: { hasAny: ['wine', 'travel'] } } },
            { identity: { emailOptIn: true } },
          ],
        };
      default:
        return { inSegment: earlier[n % earlier.length], identity: { age: { gte: 20 + (n % 40) } } };
    }
  };

  beforeAll(async () => {
    server = await startTestServer({}, { auth: 'keys' });
    await loadSyntheticBase(server.db, { customers: CUSTOMERS, seed: 13, until: AS_OF });
    const knex = server.db.fork().getKnex();
    await refreshMetrics(knex, AS_OF);
    const ids: string[] = [];
    for (let n = 0; n < SAVED_SEGMENTS; n++) {
      const segment = await createSegment(server.db.fork(), {
        name: `S${n}`,
        filter: filterOf(n, ids) as never,
      });
      ids.push(String(segment.id));
    }
    heavyKey = (await createApiKey(knex, 'heavy', [Scope.READ])).key;
    otherKey = (await createApiKey(knex, 'other', [Scope.READ])).key;
  }, 120_000);
  afterAll(async () => server.stop());

  async function graphqlAs(key: string, query: string, variables?: Record<string, unknown>) {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
  }

  /** The other client: /healthz and a customer look-up with its own key, one after the other, until told to stop. */
  async function observe(until: Promise<unknown>) {
    let done = false;
    void until.finally(() => (done = true));
    const worst = { healthz: 0, customer: 0, probes: 0 };
    const timed = async (run: () => Promise<boolean>) => {
      const started = performance.now();
      expect(await run()).toBe(true);
      return performance.now() - started;
    };
    const healthz = server.url.replace(/graphql$/, 'healthz');
    while (!done) {
      worst.healthz = Math.max(worst.healthz, await timed(async () => (await fetch(healthz)).ok));
      worst.customer = Math.max(
        worst.customer,
        await timed(async () => {
          const answer = await graphqlAs(
            otherKey,
            '{ customer(externalId: "C0000042") { id externalId country } }',
          );
          return answer.body.data?.customer?.externalId === 'C0000042';
        }),
      );
      worst.probes++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return worst;
  }

  async function underLoad(name: string, load: () => Promise<void>) {
    const started = performance.now();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const work = load();
    const worst = await observe(work);
    await work;
    loop.disable();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${ON_POSTGRES ? 'postgresql' : 'sqlite'} · ${name}: ${seconds.toFixed(1)} s; slowest /healthz ${worst.healthz.toFixed(0)} ms, ` +
        `slowest customer look-up ${worst.customer.toFixed(0)} ms over ${worst.probes} probes; ` +
        `event loop held at most ${(loop.max / 1e6).toFixed(0)} ms`,
    );
    expect(worst.probes).toBeGreaterThan(0);
    expect(worst.healthz).toBeLessThan(1000);
    expect(worst.customer).toBeLessThan(1000);
  }

  /** As many copies as the cost limit admits, at most `most`. */
  function admitted(field: string, most: number): string {
    let count = most;
    while (costOf(aliased(count, field)) > DEFAULT_LIMITS.cost) count--;
    return aliased(count, field);
  }

  test('ten persona suggestions in one request', async () => {
    const query = admitted('personaSuggestions(k: 12) { label size traits precision recall }', 10);
    expect(query.match(/personaSuggestions/g)).toHaveLength(10);
    await underLoad('10 × personaSuggestions(k: 12)', async () => {
      const answer = await graphqlAs(heavyKey, query);
      expect(answer.body.errors).toBeUndefined();
    });
  }, 60_000);

  test('as many market maps as the cost limit admits, in one request', async () => {
    const query = admitted(MARKET_MAP, 100);
    await underLoad(`${query.match(/marketMap/g)!.length} × marketMap`, async () => {
      const answer = await graphqlAs(heavyKey, query);
      expect(answer.body.errors).toBeUndefined();
    });
  }, 60_000);

  test(`ten pages of as many customers with their segments as the limit admits, ${SAVED_SEGMENTS} saved, at once`, async () => {
    const page = (first: number) =>
      `query ($after: String) { customers(first: ${first}, after: $after) { edges { cursor node { id segments { id } } } } }`;
    let first = 500;
    while (costOf(page(first), { after: null }, SAVED_SEGMENTS) > DEFAULT_LIMITS.cost) first--;
    expect(first).toBeGreaterThanOrEqual(40);
    // Ten requests at once, each a different page (cursors from a cheap walk first).
    const cursors: Array<string | null> = [null];
    while (cursors.length < 10) {
      const answer = await graphqlAs(
        heavyKey,
        `query ($after: String) { customers(first: ${first}, after: $after) { pageInfo { endCursor } } }`,
        { after: cursors[cursors.length - 1] },
      );
      cursors.push(answer.body.data.customers.pageInfo.endCursor);
    }
    let members = 0;
    await underLoad(`10 pages × ${first} customers with segments`, async () => {
      const answers = await Promise.all(cursors.map((after) => graphqlAs(heavyKey, page(first), { after })));
      for (const answer of answers) {
        expect(answer.body.errors).toBeUndefined();
        for (const edge of answer.body.data.customers.edges) members += edge.node.segments.length;
      }
    });
    expect(members).toBeGreaterThan(0);
    // One more customer on the page is refused.
    const refused = await graphqlAs(heavyKey, page(first + 1), { after: null });
    expect(refused.body.errors?.[0].extensions.code).toBe('QUERY_TOO_COSTLY');
  }, 60_000);
});
