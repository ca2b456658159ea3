import { inspect } from 'node:util';
import { createApiKey, hashSecret } from '../src/auth/api-keys.service';
import { Scope } from '../src/common/scopes';
import { statementShape } from '../src/common/logger';
import { startTestServer, type TestServer } from './support/server';
import { withoutTable } from './support/failing-store';

/**
 * A failed statement is logged with its shape, never its bound values (a pii
 * caller's email criteria, an API key's hash): logs go to places personal data
 * must not.
 */

/** What console.error would print of the logged lines. */
const printed = (server: TestServer) =>
  server.logged.map((line) => line.map((part) => inspect(part)).join(' ')).join('\n');

test('a statement’s shape keeps names and placeholders and replaces every literal', () => {
  expect(
    statementShape(
      "select `c0`.* from `customers` as `c0` where `c0`.`email` = 'jane.o''doe@example.org' and `c0`.`id` in (12, -3.5e2) and x = $1 and b = true limit 50",
    ),
  ).toBe(
    'select `c0`.* from `customers` as `c0` where `c0`.`email` = ? and `c0`.`id` in (?, ?) and x = $1 and b = ? limit ?',
  );
  expect(statementShape(`select * from "api_keys" where "secret_hash" = E'ab\\'cd' and h = X'00ff'`)).toBe(
    'select * from "api_keys" where "secret_hash" = ? and h = ?',
  );
});

describe('through the service', () => {
  let open: TestServer;
  let keyed: TestServer;
  beforeAll(async () => {
    open = await startTestServer();
    keyed = await startTestServer({}, { auth: 'keys' });
  });
  afterAll(async () => {
    await open.stop();
    await keyed.stop();
  });

  test('a failed statement of a pii caller’s email filter is logged without the address or the other values', async () => {
    const answer = await withoutTable(open, 'customers', () =>
      open.post(
        '{ customers(filter: { identity: { email: { eq: "jane.doe@example.org" } }, value: { lifetimeRevenue: { gte: 98765.5 } } }) { totalCount } }',
      ),
    );
    expect(answer.body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const log = printed(open);
    expect(log).toMatch(/select .*customers/i);
    expect(log).not.toMatch(/jane|example\.org|98765/);
  });

  test('a failed key lookup is logged without the key or its hash', async () => {
    const { key } = await createApiKey(keyed.db.fork().getKnex(), 'reader', [Scope.READ]);
    const answer = await withoutTable(keyed, 'api_keys', () =>
      fetch(keyed.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      }),
    );
    expect(answer.status).toBe(503);
    const log = printed(keyed);
    expect(log).toMatch(/authentication failed:[\s\S]*api_keys/);
    expect(log).not.toContain(hashSecret(key));
    expect(log).not.toContain(key.slice(4));
  });
});
