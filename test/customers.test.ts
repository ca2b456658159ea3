import { CustomersByNameDocument, CustomersPageDocument } from './generated/operations';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;

const NAMES = [
  'Martin',
  'Bernard',
  null,
  'Dubois',
  'Martin',
  'Adam',
  'Zola',
  null,
  'Martin',
  'Petit',
  'Bernard',
  'Roux',
];

beforeAll(async () => {
  server = await startTestServer();
  const knex = server.db.fork().getKnex();
  await upsertCustomers(
    knex,
    NAMES.map((lastName, i) => ({
      externalId: `K${String(i).padStart(3, '0')}`,
      lastName,
      firstName: i % 2 ? 'Anna' : null,
      // Several customers share a creation instant: the id breaks the tie.
      createdAt: new Date(Date.UTC(2024, 0, 1 + Math.floor(i / 3))),
      birthDate: new Date(Date.UTC(1990, 5, 15)),
    })),
  );
});
afterAll(async () => server.stop());

async function walk(first: number, query = CustomersPageDocument): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null | undefined;
  for (;;) {
    const result = await server.run(query, { first, after });
    expect(result.errors).toBeUndefined();
    const connection = result.data!.customers;
    seen.push(...connection.edges.map((edge) => edge.node.externalId));
    if (!connection.pageInfo.hasNextPage) return seen;
    after = connection.pageInfo.endCursor;
  }
}

test('pages by creation date walk the whole base once, in order', async () => {
  const all = NAMES.map((_, i) => `K${String(i).padStart(3, '0')}`);
  expect(await walk(5)).toEqual(all);
  expect(await walk(1)).toEqual(all);
  const result = await server.run(CustomersPageDocument, { first: 2 });
  expect(result.data!.customers.totalCount).toBe(NAMES.length);
});

test('ordering by name (descending) is total and pages agree with one big page', async () => {
  const big = await server.run(CustomersByNameDocument, { first: 500 });
  const expected = big.data!.customers.edges.map((edge) => edge.node.externalId);
  const names = big.data!.customers.edges.map((edge) => edge.node.lastName ?? '');
  expect([...names].sort().reverse()).toEqual(names);
  expect(await walk(3, CustomersByNameDocument as never)).toEqual(expected);
});

test('cursors stay valid while customers are inserted', async () => {
  const first = await server.run(CustomersPageDocument, { first: 4 });
  const cursor = first.data!.customers.pageInfo.endCursor;
  await upsertCustomers(server.db.fork().getKnex(), [
    { externalId: 'K-early', createdAt: new Date(Date.UTC(2023, 0, 1)) },
  ]);
  const next = await server.run(CustomersPageDocument, { first: 4, after: cursor });
  expect(next.data!.customers.edges.map((edge) => edge.node.externalId)).toEqual([
    'K004',
    'K005',
    'K006',
    'K007',
  ]);
  expect(next.data!.customers.pageInfo.hasPreviousPage).toBe(true);
});

test('first defaults to 50, is capped at 500 with an error, and a foreign cursor is refused', async () => {
  const tooMany = await server.post('{ customers(first: 501) { totalCount } }');
  expect(tooMany.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'first' });
  const negative = await server.post('{ customers(first: -1) { totalCount } }');
  expect(negative.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'first' });
  const badCursor = await server.post('{ customers(after: "bm90IGEgY3Vyc29y") { totalCount } }');
  expect(badCursor.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'after' });
  const ordersTooMany = await server.post(
    '{ customers(first: 1) { edges { node { orders(first: 1000) { totalCount } } } } }',
  );
  expect(ordersTooMany.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

test('SCORE ordering names its scoring model, which must exist', async () => {
  const missing = await server.post(
    '{ customers(orderBy: { field: SCORE, direction: DESC }) { totalCount } }',
  );
  expect(missing.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'orderBy.scoreModel' });
  const unknown = await server.post(
    '{ customers(orderBy: { field: SCORE, direction: DESC, scoreModel: "999" }) { totalCount } }',
  );
  expect(unknown.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'orderBy.scoreModel' });
});

test('customer(id | externalId) needs exactly one key; an unknown one is null', async () => {
  const both = await server.post('{ customer(id: "1", externalId: "K000") { id } }');
  expect(both.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const none = await server.post('{ customer { id } }');
  expect(none.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const byExternal = await server.post('{ customer(externalId: "K003") { id externalId } }');
  const id = byExternal.body.data.customer.id;
  const byId = await server.post(`{ customer(id: "${id}") { externalId } }`);
  expect(byId.body.data.customer.externalId).toBe('K003');
  expect((await server.post('{ customer(id: "abc") { id } }')).body.data.customer).toBeNull();
  expect((await server.post('{ customer(externalId: "nope") { id } }')).body.data.customer).toBeNull();
});

test('age is in whole years at asOf: the birthday counts on its day', async () => {
  const query = (asOf: string) => `{ customer(externalId: "K000") { age(asOf: "${asOf}") } }`;
  expect((await server.post(query('2020-06-14T23:59:59.999Z'))).body.data.customer.age).toBe(29);
  expect((await server.post(query('2020-06-15T00:00:00Z'))).body.data.customer.age).toBe(30);
});
