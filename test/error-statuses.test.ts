import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/common/scopes';
import { ErrorCode } from '../src/common/errors';
import { PROJECT_ROOT } from '../src/common/paths';
import { DEFAULT_LIMITS } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { HTTP_STATUS_OF_CODE, statusOfErrors } from '../src/server/http-status';
import { loadSyntheticBase } from '../seeds/load';
import { startTestServer, type TestServer } from './support/server';
import { HEAVY_FILTER } from './support/heavy-filter';
import { withoutTable } from './support/failing-store';

/**
 * Every error code the service emits, provoked over real HTTP, with the status
 * it must come with. The statuses are written here from the contract (the
 * README's table), not read from the code; the code's table must equal them.
 */
const EXPECTED_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  QUERY_TOO_DEEP: 400,
  QUERY_TOO_COSTLY: 400,
  QUERY_TOO_LARGE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  QUERY_TIMEOUT: 503,
  PERSISTED_QUERY_NOT_FOUND: 200,
  PERSISTED_QUERY_NOT_SUPPORTED: 200,
};

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: Array<{ message: string; extensions: { code: string } }> };
}

async function send(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...init.headers,
    },
    body: init.body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  };
}

function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  key?: string,
): Promise<Answer> {
  return send(url, {
    body: JSON.stringify({ query, variables }),
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
}

function codes(answer: Answer): string[] {
  return (answer.body.errors ?? []).map((error) => error.extensions.code);
}

/** The open demo with small limits. */
let open: TestServer;
/** API keys required, a small rate limit. */
let keyed: TestServer;
/** A 1 ms statement limit over a loaded base. */
let slow: TestServer;
let keys: { read: string; ingest: string; busy: string };

beforeAll(async () => {
  open = await startTestServer({}, { limits: { ...DEFAULT_LIMITS, depth: 4, cost: 200, bodyBytes: 4000 } });
  keyed = await startTestServer({}, { auth: 'keys', limits: { ...DEFAULT_LIMITS, requestsPerMinute: 5 } });
  const knex = keyed.db.fork().getKnex();
  keys = {
    read: (await createApiKey(knex, 'reader', [Scope.READ])).key,
    ingest: (await createApiKey(knex, 'ingester', [Scope.INGEST])).key,
    busy: (await createApiKey(knex, 'busy', [Scope.READ])).key,
  };
  slow = await startTestServer({ statementTimeoutMs: 1 });
  // Loaded through a handle without the limit, which would stop the loading itself.
  const loader = await openDatabase(slow.target);
  // Large enough that the heavy filter outlasts the 1 ms limit even on a loaded machine, where the
  // watchdog's timer fires late: on 400 customers it sometimes finished first.
  await loadSyntheticBase(loader, { customers: 1500, seed: 5, until: new Date('2026-06-01T00:00:00Z') });
  await loader.close();
}, 180_000);
afterAll(async () => {
  await Promise.all([open?.stop(), keyed?.stop(), slow?.stop()]);
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * How to provoke each code over HTTP. A Record over ErrorCode: a code added
 * to the service without a way to provoke it here does not compile.
 */
const PROVOKE: Record<ErrorCode, (() => Promise<Answer>) | { cannot: string }> = {
  BAD_USER_INPUT: () => graphql(open.url, '{ customers(first: -1) { edges { cursor } } }'),
  GRAPHQL_PARSE_FAILED: () => graphql(open.url, '{ customers {'),
  GRAPHQL_VALIDATION_FAILED: () => graphql(open.url, '{ noSuchField }'),
  BAD_REQUEST: () => send(open.url, { body: '{"query": ' }),
  OPERATION_RESOLUTION_FAILURE: () => graphql(open.url, 'query A { __typename } query B { __typename }'),
  QUERY_TOO_DEEP: () => graphql(open.url, '{ customers(first: 1) { edges { node { persona { name } } } } }'),
  QUERY_TOO_COSTLY: () =>
    graphql(open.url, '{ customers(first: 100) { edges { node { externalId country } } } }'),
  QUERY_TOO_LARGE: () => graphql(open.url, `{ ${'a: __typename '.repeat(101)}}`),
  UNAUTHENTICATED: () => graphql(keyed.url, '{ customers { totalCount } }'),
  FORBIDDEN: () => graphql(keyed.url, '{ customers { totalCount } }', undefined, keys.ingest),
  NOT_FOUND: () => graphql(open.url, 'mutation { deleteSegment(id: "999999") }'),
  CONFLICT: async () => {
    const created = await graphql(
      open.url,
      'mutation { createSegment(input: { name: "Versioned", filter: { identity: { country: { in: ["FR"] } } } }) { id version } }',
    );
    const { id, version } = created.body.data.createSegment;
    return graphql(
      open.url,
      'mutation ($id: ID!, $v: Int) { updateSegment(id: $id, expectedVersion: $v, input: { name: "Versioned", filter: {} }) { id } }',
      {
        id,
        v: version + 1,
      },
    );
  },
  PAYLOAD_TOO_LARGE: () =>
    send(open.url, { body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(5000)}` }) }),
  RATE_LIMITED: async () => {
    for (let i = 0; i < 5; i++)
      expect((await graphql(keyed.url, '{ __typename }', undefined, keys.busy)).status).toBe(200);
    return graphql(keyed.url, '{ __typename }', undefined, keys.busy);
  },
  INTERNAL_SERVER_ERROR: () =>
    withoutTable(open, 'segments', () => graphql(open.url, '{ segments { totalCount } }')),
  QUERY_TIMEOUT: () =>
    graphql(slow.url, 'query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', {
      f: HEAVY_FILTER,
    }),
  PERSISTED_QUERY_NOT_FOUND: () =>
    send(open.url, {
      body: JSON.stringify({
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ unknownToTheCache }') } },
      }),
    }),
  PERSISTED_QUERY_NOT_SUPPORTED: {
    cannot:
      'automatic persisted queries are on (Apollo Server default), so a persisted query is looked up, never refused as unsupported; ' +
      'the code is listed because the error formatter lets it through should they be switched off',
  },
};

test('the table of the code is the contract', () => {
  expect(HTTP_STATUS_OF_CODE).toEqual(EXPECTED_STATUS);
});

describe.each(Object.keys(PROVOKE) as ErrorCode[])('%s', (code) => {
  const provoke = PROVOKE[code];
  if (typeof provoke === 'function') {
    test(`answers HTTP ${EXPECTED_STATUS[code]} with only that code`, async () => {
      const answer = await provoke();
      expect({ status: answer.status, codes: codes(answer) }).toEqual({
        status: EXPECTED_STATUS[code],
        codes: [code],
      });
    }, 60_000);
  } else {
    test(`cannot be provoked over HTTP (${provoke.cannot}); its status is ${EXPECTED_STATUS[code]}`, () => {
      expect(HTTP_STATUS_OF_CODE[code]).toBe(EXPECTED_STATUS[code]);
    });
  }
});

describe('beyond one code per answer', () => {
  test('a 4xx stays a 4xx when data comes back beside the error', async () => {
    const answer = await graphql(open.url, '{ a: segments { totalCount } b: customer(id: " ") { id } }');
    expect(answer.status).toBe(400);
    expect(answer.body.data).toEqual({ a: { totalCount: expect.any(Number) }, b: null });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
  });

  test('among client errors the largest status wins, whatever their order', async () => {
    const upserted = await graphql(
      open.url,
      'mutation { upsertCustomers(customers: [{ externalId: "explained" }]) { accepted } }',
    );
    expect(upserted.body.data.upsertCustomers.accepted).toBe(1);
    const missingSegment = 'customer(externalId: "explained") { explain(segment: "999999") { matched } }';
    for (const query of [
      `{ a: customer(id: " ") { id } b: ${missingSegment} }`,
      `{ a: ${missingSegment} b: customer(id: " ") { id } }`,
    ]) {
      const answer = await graphql(open.url, query);
      expect({ status: answer.status, codes: codes(answer).sort() }).toEqual({
        status: 404,
        codes: ['BAD_USER_INPUT', 'NOT_FOUND'],
      });
    }
  });

  test('a server error outranks client errors', async () => {
    const answer = await withoutTable(open, 'segments', () =>
      graphql(open.url, '{ a: segments { totalCount } b: customer(id: " ") { id } }'),
    );
    expect({ status: answer.status, codes: codes(answer).sort() }).toEqual({
      status: 500,
      codes: ['BAD_USER_INPUT', 'INTERNAL_SERVER_ERROR'],
    });
  });

  test('the rule on its own: the largest status of the codes, none without errors', () => {
    const of = (...list: string[]) => statusOfErrors(list.map((code) => ({ extensions: { code } })));
    expect(of()).toBeUndefined();
    expect(of('BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED')).toBe(403);
    expect(of('CONFLICT', 'NOT_FOUND')).toBe(409);
    expect(of('QUERY_TIMEOUT', 'BAD_USER_INPUT')).toBe(503);
    expect(of('RATE_LIMITED', 'INTERNAL_SERVER_ERROR')).toBe(500);
    expect(of('SOMETHING_NEW')).toBe(500);
  });

  test('an unauthenticated answer names the scheme, from GraphQL and from the key check', async () => {
    const anonymous = await graphql(keyed.url, '{ __typename customer(id: "1") { id } }');
    expect({
      status: anonymous.status,
      challenge: anonymous.headers.get('www-authenticate'),
      typename: anonymous.body.data?.__typename,
    }).toEqual({
      status: 401,
      challenge: 'Bearer',
      typename: 'Query',
    });
    const wrongKey = await graphql(keyed.url, '{ __typename }', undefined, 'seg_not_a_key');
    expect({
      status: wrongKey.status,
      challenge: wrongKey.headers.get('www-authenticate'),
      codes: codes(wrongKey),
    }).toEqual({
      status: 401,
      challenge: 'Bearer',
      codes: ['UNAUTHENTICATED'],
    });
    expect((await graphql(keyed.url, '{ customers { totalCount } }', undefined, keys.read)).status).toBe(200);
  });

  test('BAD_REQUEST keeps the more precise statuses of malformed HTTP', async () => {
    const getMutation = await send(
      `${open.url}?query=${encodeURIComponent('mutation { deleteSegment(id: "1") }')}`,
      { method: 'GET' },
    );
    expect({
      status: getMutation.status,
      allow: getMutation.headers.get('allow'),
      codes: codes(getMutation),
    }).toEqual({ status: 405, allow: 'POST', codes: ['BAD_REQUEST'] });
    const noQuery = await send(open.url, { body: JSON.stringify({ variables: {} }) });
    expect({ status: noQuery.status, codes: codes(noQuery) }).toEqual({
      status: 400,
      codes: ['BAD_REQUEST'],
    });
  });

  test('malformed persisted-query requests are BAD_REQUEST 400, not internal errors', async () => {
    const badVersion = await send(open.url, {
      body: JSON.stringify({
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 2, sha256Hash: sha256('{ __typename }') } },
      }),
    });
    const badHash = await send(open.url, {
      body: JSON.stringify({
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ other }') } },
      }),
    });
    for (const answer of [badVersion, badHash])
      expect({ status: answer.status, codes: codes(answer) }).toEqual({
        status: 400,
        codes: ['BAD_REQUEST'],
      });
    expect(
      open.logged
        .filter((entry) => String(entry[0]).startsWith('unexpected error'))
        .map((entry) => String((entry[1] as Error)?.message)),
    ).not.toContain('Unsupported persisted query version');
  });

  test('a store that fails during key creation is INTERNAL_SERVER_ERROR, logged, its message kept from the client', async () => {
    const create = 'mutation { createApiKey(name: "ops", scopes: [READ]) { key } }';
    const before = open.logged.length;
    const answer = await withoutTable(open, 'api_keys', () => graphql(open.url, create));
    expect({ status: answer.status, codes: codes(answer) }).toEqual({
      status: 500,
      codes: ['INTERNAL_SERVER_ERROR'],
    });
    const told = JSON.stringify(answer.body.errors);
    expect(told).not.toMatch(/api_keys|no such table|does not exist|relation/i);
    // The raw failure is in the log, where the operator reads it.
    expect(inspect(open.logged.slice(before), { depth: 6 })).toMatch(/api_keys/);
  });

  test("key creation's own validation errors still reach the client as BAD_USER_INPUT with their path", async () => {
    const blank = await graphql(open.url, 'mutation { createApiKey(name: "  ", scopes: [READ]) { key } }');
    const noScope = await graphql(open.url, 'mutation { createApiKey(name: "ops", scopes: []) { key } }');
    expect(
      [blank, noScope].map((answer) => ({
        status: answer.status,
        error: answer.body.errors?.map((error) => ({ message: error.message, ...error.extensions })),
      })),
    ).toEqual([
      {
        status: 400,
        error: [
          { message: 'a key needs a name of 1 to 200 characters', code: 'BAD_USER_INPUT', path: 'name' },
        ],
      },
      {
        status: 400,
        error: [{ message: 'a key needs at least one scope', code: 'BAD_USER_INPUT', path: 'scopes' }],
      },
    ]);
  });

  test('a key store that does not answer is a 503 INTERNAL_SERVER_ERROR: retry later, the key may well be good', async () => {
    const answer = await withoutTable(keyed, 'api_keys', () =>
      graphql(keyed.url, '{ __typename }', undefined, keys.read),
    );
    expect({ status: answer.status, codes: codes(answer) }).toEqual({
      status: 503,
      codes: ['INTERNAL_SERVER_ERROR'],
    });
  });
});

test("the README's table of codes is the code's table", () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('### Error codes and HTTP statuses');
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf('\n#', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map(
    (match) => [match[1], Number(match[2])] as const,
  );
  expect(Object.fromEntries(rows)).toEqual(HTTP_STATUS_OF_CODE);
  expect(rows.length).toBe(Object.keys(HTTP_STATUS_OF_CODE).length);
});
