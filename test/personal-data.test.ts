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

/**
 * 366 consecutive days from 2025-01-01, as aliases of Customer.age(asOf:): in
 * documents of 90 aliases, so that each stays within the document limits (100
 * aliases) and only the rule on ages stands between the caller and the birth date.
 */
function agesOfAYear(): { queries: Array<{ query: string; first: number }>; days: string[] } {
  const days = Array.from({ length: 366 }, (_, i) =>
    new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
  );
  const queries = [];
  for (let first = 0; first < days.length; first += 90) {
    const fields = days
      .slice(first, first + 90)
      .map((day, i) => `d${first + i}: age(asOf: "${day}T12:00:00Z")`)
      .join(' ');
    queries.push({ query: `{ customer(externalId: "c-1") { age ${fields} } }`, first });
  }
  return { queries, days };
}

test('Customer.age at 366 chosen dates, which would give the birth date away, is refused without pii and answered with it', async () => {
  const { queries, days } = agesOfAYear();
  const refusedAges: unknown[] = [];
  let refusals = 0;
  for (const { query } of queries) {
    const refused = await call(reader, query);
    expect(refused.status).toBe(403);
    expect(new Set(refused.body.errors!.map((error) => error.extensions.code))).toEqual(
      new Set(['FORBIDDEN']),
    );
    expect(refused.body.errors![0].message).toMatch(
      /ages at a chosen instant \(asOf, from\) need the pii scope/,
    );
    refusals += refused.body.errors!.length;
    const ages = Object.entries(refused.body.data.customer).filter(([field]) => field !== 'age');
    refusedAges.push(...ages.map(([, age]) => age));
    // Age now stays readable: that is what the masking leaves (born 1984-03-09).
    const now = new Date();
    const birthdayPassed = now.getUTCMonth() > 2 || (now.getUTCMonth() === 2 && now.getUTCDate() >= 9);
    expect(refused.body.data.customer.age).toBe(now.getUTCFullYear() - 1984 - (birthdayPassed ? 0 : 1));
  }
  expect(refusals).toBe(366);
  expect(refusedAges).toHaveLength(366);
  expect(refusedAges.every((age) => age === null)).toBe(true);

  const answered: Record<string, unknown> = {};
  for (const { query } of queries) {
    const answer = await call(piiReader, query);
    expect(answer.body.errors).toBeUndefined();
    Object.assign(answered, answer.body.data.customer);
  }
  const birthday = days.findIndex((_, i) => answered[`d${i}`] === 41);
  expect(days[birthday]).toBe('2025-03-09');
});

test('without pii, no answer that depends on age may be taken at a chosen instant; at now it may, and asOf stays open where no age enters', async () => {
  const age = { identity: { age: { gte: 40 } } };
  const create = async (mutation: string, variables: Record<string, unknown>) => {
    const answer = await call(writer, mutation, variables);
    expect(answer.body.errors).toBeUndefined();
    return Object.values(answer.body.data as Record<string, { id: string }>)[0].id;
  };
  const aged = await create(
    'mutation ($f: SegmentFilter!) { createSegment(input: { name: "Over 40", filter: $f }) { id } }',
    { f: age },
  );
  const ageless = await create(
    'mutation { createSegment(input: { name: "French again", filter: { identity: { country: { eq: "FR" } } } }) { id } }',
    {},
  );
  const throughIt = await create(
    'mutation ($s: ID!) { createSegment(input: { name: "Through over 40", filter: { inSegment: $s } }) { id } }',
    { s: aged },
  );
  const persona = await create(
    'mutation ($f: SegmentFilter!) { createPersona(input: { name: "Over 40", filter: $f }) { id } }',
    { f: age },
  );
  const model = await create(
    'mutation ($f: SegmentFilter!) { createScoringModel(input: { name: "Age", rules: [{ label: "over 40", points: 10, filter: $f }] }) { id } }',
    { f: age },
  );
  const at = 'asOf: "2025-03-09T00:00:00Z"';
  // Each reaches an age at asOf in its own way: a criterion given, saved, referenced, of a persona or a scoring rule; a figure by age.
  const ageQueries = [
    `{ customer(externalId: "c-1") { age(${at}) } }`,
    `{ customers(${at}, filter: { identity: { age: { eq: 41 } } }) { totalCount } }`,
    `{ evaluateSegment(${at}, filter: { identity: { age: { eq: 41 } } }) { size } }`,
    `{ evaluateSegment(${at}, filter: { inSegment: "${aged}" }) { size } }`,
    `{ customer(externalId: "c-1") { explain(${at}, filter: { identity: { age: { eq: 41 } } }) { matched } } }`,
    `{ customer(externalId: "c-1") { explain(${at}, segment: "${aged}") { matched } } }`,
    `{ segment(id: "${aged}") { size(${at}) } }`,
    `{ segment(id: "${aged}") { members(${at}) { totalCount } } }`,
    `{ segment(id: "${aged}") { stats(${at}) { size } } }`,
    `{ segment(id: "${aged}") { performance(from: "2025-03-09T00:00:00Z", to: "2025-04-01T00:00:00Z") { __typename } } }`,
    `{ segment(id: "${throughIt}") { size(${at}) } }`,
    `{ segmentOverlap(ids: ["${aged}", "${ageless}"], ${at}) { __typename } }`,
    `{ persona(id: "${persona}") { size(${at}) } }`,
    `{ personaDistribution(${at}) { key } }`,
    `{ customers(${at}, orderBy: { field: SCORE, direction: DESC, scoreModel: "${model}" }) { totalCount } }`,
    `{ marketMap(${at}, rows: AGE_BAND) { total } }`,
  ];
  for (const query of ageQueries) {
    const refused = await call(reader, query);
    expect({ query, codes: refused.body.errors?.map((error) => error.extensions.code) }).toEqual({
      query,
      codes: ['FORBIDDEN'],
    });
    // Leaving asOf out (from: now) is answered, as is the same question asked with pii.
    const atNow = query.replace(`${at}, `, '').replace(`, ${at}`, '').replace(`(${at})`, '');
    // A period's membership is taken at its chosen start, never at now: with an age criterion it needs pii.
    if (!query.includes('performance')) {
      expect({ query: atNow, errors: (await call(reader, atNow)).body.errors }).toEqual({
        query: atNow,
        errors: undefined,
      });
    }
    expect({ query, errors: (await call(piiReader, query)).body.errors }).toEqual({
      query,
      errors: undefined,
    });
  }
  // Where no age enters, a reader still chooses the instant.
  for (const query of [
    `{ segment(id: "${ageless}") { size(${at}) members(${at}) { totalCount } stats(${at}) { size } } }`,
    `{ evaluateSegment(${at}, filter: { identity: { country: { eq: "FR" } } }) { size } }`,
    `{ customer(externalId: "c-1") { explain(${at}, segment: "${ageless}") { matched } } }`,
    `{ marketMap(${at}, rows: COUNTRY) { total } }`,
  ])
    expect({ query, errors: (await call(reader, query)).body.errors }).toEqual({ query, errors: undefined });
});

test('email criteria are masked in words from the filter, whatever the addresses hold: ), ", " and ", " or ", ", "', async () => {
  const filter = {
    or: [
      { identity: { email: { eq: 'hal) or (ivy@example.org' } } },
      {
        identity: {
          email: {
            in: [
              'ann)smith@example.org',
              'bob "the builder"@example.org',
              'carl and dana@example.org',
              'eve, or frank@example.org',
            ],
          },
        },
      },
    ],
  };
  const segment = await call(
    writer,
    'mutation ($f: SegmentFilter!) { createSegment(input: { name: "Odd addresses", filter: $f }) { id } }',
    { f: filter },
  );
  const persona = await call(
    writer,
    'mutation ($f: SegmentFilter!) { createPersona(input: { name: "Odd addresses", filter: $f }) { id } }',
    { f: filter },
  );
  const ids = { s: segment.body.data.createSegment.id, p: persona.body.data.createPersona.id };
  const query = `query ($s: ID!, $p: ID!) {
    segment(id: $s) { definition }
    persona(id: $p) { definition }
    customer(externalId: "c-1") { explain(segment: $s) { root { description children { description children { description } } } } }
  }`;
  const masked = await call(reader, query, ids);
  expect(masked.body.errors).toBeUndefined();
  const definition =
    '(email = "h***@example.org" OR email in (a***@example.org, b***@example.org, c***@example.org, e***@example.org))';
  expect(masked.body.data.segment.definition).toBe(definition);
  expect(masked.body.data.persona.definition).toBe(definition);
  const explanation = JSON.stringify(masked.body.data.customer.explain);
  expect(explanation).toContain('email = \\"h***@example.org\\"');
  expect(explanation).toContain('email in (a***@example.org, b***@example.org');
  for (const secret of ['ivy', 'smith', 'builder', 'dana', 'frank', 'hal)', 'ann)', 'bob ', 'carl ', 'eve,'])
    expect({ secret, found: masked.text.includes(secret) }).toEqual({ secret, found: false });

  const clear = await call(piiReader, query, ids);
  expect(clear.body.data.segment.definition).toBe(
    '(email = "hal) or (ivy@example.org" OR email in (ann)smith@example.org, bob "the builder"@example.org, carl and dana@example.org, eve, or frank@example.org))',
  );
  expect(JSON.stringify(clear.body.data.customer.explain)).toContain('carl and dana@example.org');
});
