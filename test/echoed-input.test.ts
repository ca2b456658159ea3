import { startTestServer, type TestServer } from './support/server';

/**
 * No error quotes a refused input value: a mistyped field may hold personal
 * data (an email address pasted into birthDate), and error messages travel on
 * into client logs. Literals and variables, custom and built-in scalars, enums.
 */

const SECRET = 'jane.doe@example.org';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.stop());

async function refusal(query: string, variables?: Record<string, unknown>) {
  const answer = await server.post(query, variables);
  expect(answer.status).toBe(400);
  expect(answer.body.errors?.length).toBeGreaterThan(0);
  return answer.body.errors!;
}

const UPSERT = 'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }';

test('a mistyped birthDate holding an email address: the errors keep the place and the reason, not the address', async () => {
  const variable = await refusal(UPSERT, { c: [{ externalId: 'C-1', birthDate: SECRET }] });
  expect(JSON.stringify(variable)).not.toContain('jane');
  expect(variable[0].message).toBe(
    'Variable "$c" has an invalid value at "c[0].birthDate": DateTime cannot represent the value given: expected an ISO-8601 date-time with a zone or a bare date, e.g. 2026-01-31T09:30:00Z or 2026-01-31',
  );
  expect(variable[0].extensions?.code).toBe('BAD_USER_INPUT');

  const literal = await refusal(
    `mutation { upsertCustomers(customers: [{ externalId: "C-1", birthDate: "${SECRET}" }]) { accepted } }`,
  );
  expect(JSON.stringify(literal)).not.toContain('jane');
  expect(literal[0].message).toBe(
    'DateTime cannot represent the value given: expected an ISO-8601 date-time with a zone or a bare date, e.g. 2026-01-31T09:30:00Z or 2026-01-31',
  );
});

test.each([
  ['Int, variable', 'query ($n: Int) { customers(first: $n) { totalCount } }', { n: SECRET }],
  ['Int, literal', `{ customers(first: "${SECRET}") { totalCount } }`, undefined],
  ['Int out of range', '{ customers(first: 99999999999999999999) { totalCount } }', undefined],
  [
    'Float, literal',
    `{ customers(filter: { value: { lifetimeRevenue: { eq: "${SECRET}" } } }) { totalCount } }`,
    undefined,
  ],
  [
    'Float, variable',
    'query ($f: SegmentFilter) { customers(filter: $f) { totalCount } }',
    { f: { value: { lifetimeRevenue: { eq: SECRET } } } },
  ],
  [
    'enum, variable',
    'query ($o: CustomerOrder) { customers(orderBy: $o) { totalCount } }',
    { o: { field: SECRET, direction: 'ASC' } },
  ],
  ['enum, literal', '{ customers(orderBy: { field: JANE_DOE, direction: ASC }) { totalCount } }', undefined],
  [
    'enum given a string literal',
    `{ customers(orderBy: { field: "${SECRET}", direction: ASC }) { totalCount } }`,
    undefined,
  ],
  ['String given a number', '{ customer(externalId: 99999999999999999999) { id } }', undefined],
  [
    'input object given a string',
    `query ($o: CustomerOrder) { customers(orderBy: $o) { totalCount } }`,
    { o: SECRET },
  ],
])('%s: refused without the value', async (_label, query, variables) => {
  const errors = await refusal(query, variables);
  const text = JSON.stringify(errors);
  expect(text).not.toMatch(/jane|JANE_DOE|99999999999999999999/);
  for (const error of errors) expect(error.message).not.toBe('');
});
