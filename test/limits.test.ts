import { loadSettings, DEFAULT_LIMITS } from '../src/common/config';
import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/common/scopes';
import { createTestDatabase, ON_POSTGRES } from './support/database';
import { startTestServer, type TestServer } from './support/server';
import { loadSyntheticBase } from '../seeds/load';
import { isStatementTimeout } from '../src/db/statement-timeout';
import { openDatabase } from '../src/orm/database';
import { HEAVY_FILTER } from './support/heavy-filter';

/** Each limit answers a GraphQL error with its code and figures; each default is what the README documents. */

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { data?: any; errors?: any[] },
  };
}

test('the defaults are the documented ones and each can be set from the environment', () => {
  expect(DEFAULT_LIMITS).toEqual({
    depth: 12,
    cost: 50_000,
    requestsPerMinute: 1200,
    statementTimeoutMs: 30_000,
    bodyBytes: 16 * 1024 * 1024,
  });
  expect(loadSettings({}).limits).toEqual(DEFAULT_LIMITS);
  expect(
    loadSettings({
      MAX_QUERY_DEPTH: '5',
      MAX_QUERY_COST: '900',
      RATE_LIMIT_PER_MINUTE: 'off',
      STATEMENT_TIMEOUT_MS: '2500',
      MAX_BODY_BYTES: '1000',
    }).limits,
  ).toEqual({ depth: 5, cost: 900, requestsPerMinute: null, statementTimeoutMs: 2500, bodyBytes: 1000 });
  expect(() => loadSettings({ MAX_QUERY_DEPTH: '0' })).toThrow(
    'MAX_QUERY_DEPTH "0" must be a positive whole number',
  );
  expect(() => loadSettings({ MAX_QUERY_COST: 'off' })).toThrow(
    'MAX_QUERY_COST "off" must be a positive whole number',
  );
});

describe('depth, cost and body size', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      {},
      { limits: { ...DEFAULT_LIMITS, depth: 4, cost: 200, bodyBytes: 4000 } },
    );
  });
  afterAll(async () => server.stop());

  test('an operation nested past the depth limit is refused before it runs, fragments included', async () => {
    // customers > edges > node > orders: 4 levels; > product would be 5.
    const allowed = await server.post('{ customers(first: 1) { edges { node { externalId } } } }');
    expect(allowed.body.errors).toBeUndefined();
    const deep = await server.post(
      '{ customers(first: 1) { edges { node { ...deeper } } } } fragment deeper on Customer { persona { name } }',
    );
    expect(deep.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'QUERY_TOO_DEEP', depth: 5, limit: 4 } }),
    ]);
    expect(deep.body.data).toBeUndefined();
    expect(deep.status).toBe(400);
  });

  test('cost weighs connections by first, literal or variable', async () => {
    const page = (first: number) =>
      `{ customers(first: ${first}) { edges { node { externalId country } } } }`;
    expect((await server.post(page(10))).body.errors).toBeUndefined();
    const costly = await server.post(page(100));
    expect(costly.body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'QUERY_TOO_COSTLY', limit: 200 }),
      }),
    ]);
    expect(costly.body.errors![0].extensions.cost).toBeGreaterThan(200);
    expect(costly.status).toBe(400);
    const byVariable = await server.post(
      'query ($n: Int) { customers(first: $n) { edges { node { externalId country } } } }',
      { n: 100 },
    );
    expect(byVariable.body.errors?.[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(
      (
        await server.post('query ($n: Int) { customers(first: $n) { edges { node { externalId } } } }', {
          n: 10,
        })
      ).body.errors,
    ).toBeUndefined();
  });

  test('introspection is not counted: the playground can always read the schema', async () => {
    const introspection = await server.post(
      '{ __schema { types { name fields { name type { name ofType { name } } } } } }',
    );
    expect(introspection.body.errors).toBeUndefined();
  });

  test('a body over the size limit is a 413 PAYLOAD_TOO_LARGE with the limit', async () => {
    const body = JSON.stringify({ query: `{ customers { totalCount } } # ${'x'.repeat(5000)}` });
    const answer = await post(server.url, body);
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({
      errors: [
        {
          message: 'the request body is larger than 4000 bytes',
          extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 4000 },
        },
      ],
    });
  });
});

describe('rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { auth: 'keys', limits: { ...DEFAULT_LIMITS, requestsPerMinute: 3 } });
  });
  afterAll(async () => server.stop());

  test('past its requests per minute a key gets 429 RATE_LIMITED with Retry-After; another key is unaffected', async () => {
    const knex = server.db.fork().getKnex();
    const busy = (await createApiKey(knex, 'busy', [Scope.READ])).key;
    const calm = (await createApiKey(knex, 'calm', [Scope.READ])).key;
    const ask = (key: string) =>
      post(server.url, JSON.stringify({ query: '{ customers { totalCount } }' }), {
        authorization: `Bearer ${key}`,
      });
    for (let i = 0; i < 3; i++) expect((await ask(busy)).status).toBe(200);
    const refused = await ask(busy);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'RATE_LIMITED', retryAfter, limit: 3 } }),
    ]);
    expect((await ask(calm)).status).toBe(200);
  });
});

describe('rate limit before the key is known', () => {
  let server: TestServer;
  const keyLookups: string[] = [];
  beforeAll(async () => {
    server = await startTestServer(
      { onQuery: (sql) => (/api_keys/.test(sql) ? keyLookups.push(sql) : undefined) },
      { auth: 'keys', limits: { ...DEFAULT_LIMITS, requestsPerMinute: 3 } },
    );
  });
  afterAll(async () => server.stop());

  test('unknown well-formed keys from one address spend its bucket, then are refused RATE_LIMITED without a lookup', async () => {
    const ask = (key: string) =>
      post(server.url, JSON.stringify({ query: '{ __typename }' }), { authorization: `Bearer ${key}` });
    const unknown = (i: number) => `seg_${'a'.repeat(8)}${String(i).padStart(32, '0')}`;
    for (let i = 0; i < 3; i++) {
      const refused = await ask(unknown(i));
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(keyLookups).toHaveLength(3);
    for (let i = 3; i < 6; i++) {
      const limited = await ask(unknown(i));
      expect(limited.status).toBe(429);
      expect(limited.body.errors).toEqual([
        expect.objectContaining({
          extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number), limit: 3 },
        }),
      ]);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // Refused before the key store was asked.
    expect(keyLookups).toHaveLength(3);
    // Requests without a key from that address share the same bucket.
    expect((await post(server.url, JSON.stringify({ query: '{ __typename }' }))).status).toBe(429);
  });
});

describe('database time limit', () => {
  /** A statement that runs for seconds on either database, whatever the data. */
  const SLOW_SQL = ON_POSTGRES
    ? 'select pg_sleep(3)'
    : 'with recursive n(i) as (select 1 union all select i + 1 from n where i < 50000000) select count(*) from n';

  test('a statement past the limit is stopped, and the connection serves the next one', async () => {
    const database = await createTestDatabase({ statementTimeoutMs: 200 });
    try {
      const knex = database.db.fork().getKnex();
      const started = Date.now();
      const error = await knex.raw(SLOW_SQL).then(
        () => null,
        (caught: unknown) => caught,
      );
      const elapsed = Date.now() - started;
      expect(isStatementTimeout(error)).toBe(true);
      expect(elapsed).toBeLessThan(2500);
      const next = await knex.raw('select 1 as one');
      expect(JSON.stringify(next)).toContain('1');
    } finally {
      await database.drop();
    }
  });

  describe('through the API', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ statementTimeoutMs: 20 });
      // Loaded through a second handle without the limit, which would stop the loading itself.
      const loader = await openDatabase(server.target);
      await loadSyntheticBase(loader, { customers: 1500, seed: 3, until: new Date('2026-06-01T00:00:00Z') });
      await loader.close();
    }, 120_000);
    afterAll(async () => server.stop());

    test('a heavy segment past the limit answers QUERY_TIMEOUT, never an internal error', async () => {
      const answer = await server.post(
        'query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size stats { revenue countries { key customers } } } }',
        { f: HEAVY_FILTER },
      );
      expect(answer.body.errors?.map((error) => error.extensions.code)).toContain('QUERY_TIMEOUT');
      expect(answer.body.errors?.map((error) => error.extensions.code)).not.toContain(
        'INTERNAL_SERVER_ERROR',
      );
      expect(
        server.logged.map((entry) => [
          String(entry[0]),
          String((entry[1] as any)?.message ?? entry[1]).slice(-120),
        ]),
      ).toEqual([]);
    });

    test('a metrics refresh is batch work and is not stopped by the limit', async () => {
      const answer = await server.post(
        'mutation { refreshMetrics(asOf: "2026-06-01T00:00:00Z") { customers } }',
      );
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.refreshMetrics.customers).toBeGreaterThan(500);
    });
  });
});
