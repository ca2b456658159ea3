import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/common/scopes';
import { startTestServer, type TestServer } from './support/server';

/**
 * Personal data (email, phone, names, birth date) reaches only callers with
 * the pii scope: masked in Customer, in member lists and in explanations, not
 * to be probed through email criteria, and never echoed by errors.
 */
let server: TestServer;
let reader: string;
let piiReader: string;
let writer: string;

const PERSON = {
  externalId: 'c-1',
  email: 'jeanne.martin@example.org',
  phone: '+33 6 12 34 56 78',
  firstName: 'Jeanne',
  lastName: 'Martin',
  birthDate: '1984-03-09T00:00:00.000Z',
  country: 'FR',
};

async function call(key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    text: await response.clone().text(),
    body: (await response.json()) as { data?: any; errors?: any[] },
  };
}

const PERSONAL_SELECTION = 'externalId email phone firstName lastName birthDate country';

beforeAll(async () => {
  server = await startTestServer({}, { auth: 'keys' });
  const knex = server.db.fork().getKnex();
  reader = (await createApiKey(knex, 'reader', [Scope.READ])).key;
  piiReader = (await createApiKey(knex, 'pii reader', [Scope.READ, Scope.PII])).key;
  writer = (await createApiKey(knex, 'writer', [Scope.WRITE, Scope.INGEST, Scope.PII])).key;
  const ingest = await call(
    writer,
    'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }',
    { c: [PERSON] },
  );
  expect(ingest.body.data.upsertCustomers.accepted).toBe(1);
});
afterAll(async () => server.stop());

test('without pii, Customer shows masked email, phone and names and no birth date', async () => {
  const answer = await call(reader, `{ customer(externalId: "c-1") { ${PERSONAL_SELECTION} } }`);
  expect(answer.body).toEqual({
    data: {
      customer: {
        externalId: 'c-1',
        email: 'j***@example.org',
        phone: '***78',
        firstName: 'J***',
        lastName: 'M***',
        birthDate: null,
        country: 'FR',
      },
    },
  });
});

test('with pii, Customer shows them as stored', async () => {
  const answer = await call(piiReader, `{ customer(externalId: "c-1") { ${PERSONAL_SELECTION} } }`);
  expect(answer.body).toEqual({ data: { customer: PERSON } });
});

test('member lists of previews, segments and personas mask the same way', async () => {
  const created = await call(
    writer,
    'mutation { createSegment(input: { name: "France", filter: { identity: { country: { eq: "FR" } } } }) { id } }',
  );
  const persona = await call(
    writer,
    'mutation { createPersona(input: { name: "French", filter: { identity: { country: { eq: "FR" } } } }) { id } }',
  );
  const answer = await call(
    reader,
    `query ($s: ID!, $p: ID!) {
      customers(filter: { identity: { country: { eq: "FR" } } }) { edges { node { email lastName } } }
      evaluateSegment(filter: { identity: { country: { eq: "FR" } } }) { sample { email lastName } }
      segment(id: $s) { members { edges { node { email lastName } } } }
      persona(id: $p) { members { edges { node { email lastName } } } }
    }`,
    { s: created.body.data.createSegment.id, p: persona.body.data.createPersona.id },
  );
  expect(answer.body.errors).toBeUndefined();
  const masked = { node: { email: 'j***@example.org', lastName: 'M***' } };
  expect(answer.body.data.customers.edges).toEqual([masked]);
  expect(answer.body.data.evaluateSegment.sample).toEqual([masked.node]);
  expect(answer.body.data.segment.members.edges).toEqual([masked]);
  expect(answer.body.data.persona.members.edges).toEqual([masked]);
  expect(answer.text).not.toContain('jeanne');
  expect(answer.text).not.toContain('Martin');
});

test('an email criterion needs pii wherever it is nested, with its path', async () => {
  const filter = {
    and: [
      { identity: { country: { eq: 'FR' } } },
      { not: { identity: { email: { startsWith: 'jeanne' } } } },
    ],
  };
  for (const query of [
    'query ($f: SegmentFilter) { customers(filter: $f) { totalCount } }',
    'query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }',
    'query ($f: SegmentFilter) { customer(externalId: "c-1") { explain(filter: $f) { matched } } }',
  ]) {
    const refused = await call(reader, query, { f: filter });
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'FORBIDDEN', path: 'filter.and.1.not.identity.email' }),
      }),
    ]);
    const allowed = await call(piiReader, query, { f: filter });
    expect(allowed.body.errors).toBeUndefined();
  }
});

test('explain masks the customer email it shows as the actual value of a saved email criterion', async () => {
  const saved = await call(
    writer,
    'mutation { createSegment(input: { name: "Example.org", filter: { identity: { email: { contains: "@example.org" } } } }) { id } }',
  );
  const query = `{ customer(externalId: "c-1") { explain(segment: "${saved.body.data.createSegment.id}") { matched root { kind actual children { kind actual } } } } }`;
  const masked = await call(reader, query);
  expect(masked.body.errors).toBeUndefined();
  expect(masked.text).not.toContain('jeanne');
  expect(JSON.stringify(masked.body.data)).toContain('j***@example.org');
  const clear = await call(piiReader, query);
  expect(JSON.stringify(clear.body.data)).toContain('jeanne.martin@example.org');
});

test('errors about a customer never echo personal values', async () => {
  const bad = {
    ...PERSON,
    externalId: 'c-2',
    email: 'paul.durand@example.org',
    birthDate: '3000-01-01T00:00:00Z',
    gender: 'NOT_A_GENDER',
  };
  const answer = await call(
    writer,
    'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted rejected { index reason } } }',
    { c: [bad] },
  );
  expect(answer.body.errors ?? answer.body.data.upsertCustomers.rejected).toBeTruthy();
  expect(answer.text).not.toContain('paul.durand');
  expect(answer.text).not.toContain('12 34 56');
});

test('an input object GraphQL refuses is not echoed back with the personal values in it', async () => {
  const { externalId: _dropped, ...withoutId } = { ...PERSON, email: 'paul.durand@example.org' };
  const answer = await call(
    writer,
    'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }',
    { c: [withoutId] },
  );
  expect(answer.body.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  expect(answer.body.errors?.[0].message).toContain('externalId');
  expect(answer.text).not.toContain('paul.durand');
  expect(answer.text).not.toContain('Martin');
});

test('saved filters, their definitions and explanations show email criteria masked to callers without pii', async () => {
  const filter = {
    or: [
      { identity: { email: { eq: 'jeanne.martin@example.org' } } },
      { identity: { email: { in: ['paul.durand@example.org', 'x@example.com'], contains: '@example.org' } } },
    ],
  };
  const segment = await call(
    writer,
    'mutation ($f: SegmentFilter!) { createSegment(input: { name: "Two people", filter: $f }) { id } }',
    { f: filter },
  );
  const persona = await call(
    writer,
    'mutation ($f: SegmentFilter!) { createPersona(input: { name: "Two people", filter: $f }) { id } }',
    { f: filter },
  );
  const model = await call(
    writer,
    'mutation ($f: SegmentFilter!) { createScoringModel(input: { name: "People", rules: [{ label: "them", points: 10, filter: $f }] }) { id } }',
    { f: filter },
  );
  expect([segment.body.errors, persona.body.errors, model.body.errors]).toEqual([
    undefined,
    undefined,
    undefined,
  ]);
  const query = `query ($s: ID!, $p: ID!, $m: ID!) {
    segment(id: $s) { filter definition }
    persona(id: $p) { filter definition }
    scoringModel(id: $m) { rules { filter } }
    customer(externalId: "c-1") { explain(segment: $s) { root { description children { description children { description } } } } }
  }`;
  const ids = {
    s: segment.body.data.createSegment.id,
    p: persona.body.data.createPersona.id,
    m: model.body.data.createScoringModel.id,
  };
  const masked = await call(reader, query, ids);
  expect(masked.body.errors).toBeUndefined();
  for (const secret of ['jeanne.martin', 'paul.durand', 'x@example.com'])
    expect(masked.text).not.toContain(secret);
  const maskedFilter = {
    or: [
      { identity: { email: { eq: 'j***@example.org' } } },
      { identity: { email: { in: ['p***@example.org', 'x***@example.com'], contains: '@example.org' } } },
    ],
  };
  expect(masked.body.data.segment.filter).toEqual(maskedFilter);
  expect(masked.body.data.persona.filter).toEqual(maskedFilter);
  expect(masked.body.data.scoringModel.rules[0].filter).toEqual(maskedFilter);
  expect(masked.body.data.segment.definition).toContain('email = "j***@example.org"');
  expect(masked.body.data.segment.definition).toContain('email in (p***@example.org, x***@example.com)');
  expect(masked.body.data.persona.definition).toBe(masked.body.data.segment.definition);
  expect(JSON.stringify(masked.body.data.customer.explain)).toContain('j***@example.org');

  const clear = await call(piiReader, query, ids);
  expect(clear.body.data.segment.filter).toEqual(filter);
  expect(clear.body.data.segment.definition).toContain('email = "jeanne.martin@example.org"');
  expect(JSON.stringify(clear.body.data.customer.explain)).toContain('paul.durand@example.org');
});

test('ordering customers by name needs pii, on every list of customers', async () => {
  const segment = await call(
    writer,
    'mutation { createSegment(input: { name: "All by name", filter: {} }) { id } }',
  );
  const id = segment.body.data.createSegment.id;
  for (const query of [
    '{ customers(orderBy: { field: NAME, direction: ASC }) { edges { cursor } } }',
    '{ customers(orderBy: { field: NAME, direction: DESC }, filter: { identity: { country: { eq: "FR" } } }) { totalCount } }',
    `{ segment(id: "${id}") { members(orderBy: { field: NAME, direction: ASC }) { totalCount } } }`,
    'query ($o: CustomerOrder) { customers(orderBy: $o) { totalCount } }',
  ]) {
    const variables = { o: { field: 'NAME', direction: 'ASC' } };
    const refused = await call(reader, query, variables);
    expect({ query, status: refused.status, errors: refused.body.errors }).toEqual({
      query,
      status: 403,
      errors: [
        expect.objectContaining({
          message: expect.stringContaining('ordering customers by name needs the pii scope'),
          extensions: expect.objectContaining({ code: 'FORBIDDEN', path: 'orderBy.field' }),
        }),
      ],
    });
    expect((await call(piiReader, query, variables)).body.errors).toBeUndefined();
  }
  // Every other order stays open to a reader.
  const byRevenue = await call(
    reader,
    '{ customers(orderBy: { field: LIFETIME_REVENUE, direction: DESC }) { totalCount } }',
  );
  expect(byRevenue.body.errors).toBeUndefined();
});
