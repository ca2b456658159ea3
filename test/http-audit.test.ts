import { serverAudits } from 'graphql-http';
import { startTestServer, type TestServer } from './support/server';

/** GraphQL over HTTP: the graphql-http audit suite, every MUST-level audit, against the running service. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.stop());

const audits = serverAudits({ url: () => server.url, fetchFn: fetch });
const mustAudits = audits.filter((audit) => audit.name.startsWith('MUST'));

test('the audit suite has MUST-level audits', () => {
  expect(mustAudits.length).toBeGreaterThan(10);
});

test.each(mustAudits.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
  const result = await audit.fn();
  expect({ status: result.status, reason: result.status === 'ok' ? undefined : result.reason }).toEqual({
    status: 'ok',
    reason: undefined,
  });
});

describe('GraphQL over HTTP beyond the audits', () => {
  const base = () => server.url;

  test('GET runs a query and answers JSON', async () => {
    const response = await fetch(
      `${base()}?query=${encodeURIComponent('{ customers(first: 1) { totalCount } }')}`,
      {
        headers: { accept: 'application/graphql-response+json' },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(
      /^application\/graphql-response\+json; charset=utf-8/,
    );
    expect(await response.json()).toEqual({ data: { customers: { totalCount: 0 } } });
  });

  test('GET refuses a mutation with 405', async () => {
    const query = encodeURIComponent('mutation { upsertCustomers(customers: []) { accepted } }');
    const response = await fetch(`${base()}?query=${query}`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(405);
  });

  test('a syntax error and a validation error are 400 with their codes', async () => {
    const post = (query: string) =>
      fetch(base(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query }),
      });
    const syntax = await post('{ customers(');
    expect(syntax.status).toBe(400);
    expect((await syntax.json()).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const invalid = await post('{ nothingHere }');
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('a body that is not JSON is a 400, not a crash', async () => {
    const response = await fetch(base(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  test('healthz answers', async () => {
    const response = await fetch(base().replace('/graphql', '/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});
