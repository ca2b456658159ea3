import { createApiKey } from '../src/auth/api-keys.service';
import { loadSettings } from '../src/common/config';
import { ALL_SCOPES } from '../src/common/scopes';
import { startTestServer, type TestServer } from './support/server';

/**
 * graphql-js answers a misspelt name with "Did you mean …?", naming the
 * schema's fields, arguments and enum values. Decision: suggestions follow
 * introspection. In production (introspection off unless INTROSPECTION=on) no
 * caller gets them, with a key or without: a key's scopes decide what data it
 * reads, not how much of the schema it may discover by guessing. Where
 * introspection is on (the local demo), they are kept: they reveal nothing it
 * does not.
 */

const {
  database: _database,
  limits: _limits,
  ...production
} = loadSettings({
  NODE_ENV: 'production',
  CURSOR_SECRET: 'a cursor secret of the test, long enough for production',
});

const MISSPELT = '{ customerz { totalCount } }';
const MISSPELT_ENUM = '{ customers(orderBy: { field: CREATED_ATT, direction: ASC }) { totalCount } }';
const MISSPELT_INPUT = 'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }';

let prod: TestServer;
let demo: TestServer;
let key: string;
beforeAll(async () => {
  prod = await startTestServer({}, production);
  demo = await startTestServer();
  key = (await createApiKey(prod.db.fork().getKnex(), 'everything', [...ALL_SCOPES])).key;
});
afterAll(async () => {
  await prod.stop();
  await demo.stop();
});

async function messages(server: TestServer, query: string, variables?: object, bearer?: string) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(400);
  const body = (await response.json()) as { errors: Array<{ message: string }> };
  return body.errors.map((error) => error.message);
}

test('production is what the test runs against: keys required, introspection off', () => {
  expect(production).toMatchObject({ production: true, auth: 'keys', introspection: false });
});

test.each([
  ['without a key', undefined],
  ['with a key of every scope', 'key'],
])('in production, %s, a misspelt name gets no suggestion', async (_label, bearer) => {
  const as = bearer && key;
  expect(await messages(prod, MISSPELT, undefined, as)).toEqual([
    'Cannot query field "customerz" on type "Query".',
  ]);
  const enumMessages = await messages(prod, MISSPELT_ENUM, undefined, as);
  expect(enumMessages.join()).toMatch(/CustomerOrderField/);
  expect(enumMessages.join()).not.toMatch(/Did you mean|CREATED_AT"/);
  const input = await messages(prod, MISSPELT_INPUT, { c: [{ externalId: 'C-1', emial: 'x' }] }, as);
  expect(input.join()).toMatch(/"emial" is not defined/);
  expect(input.join()).not.toMatch(/Did you mean|"email"/);
});

test('where introspection is on, suggestions are kept', async () => {
  expect(await messages(demo, MISSPELT)).toEqual([
    'Cannot query field "customerz" on type "Query". Did you mean "customer" or "customers"?',
  ]);
});
