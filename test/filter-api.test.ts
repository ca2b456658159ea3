import { evaluate } from '../src/filter/evaluate';
import { loadCustomerFacts } from '../src/filter/facts-loader';
import { refreshMetrics } from '../src/value/metrics.service';
import { generateCustomer } from '../seeds/generator';
import { storeGenerated } from '../seeds/load';
import {
  EvaluateCrossedSegmentDocument,
  ExplainMembershipDocument,
  LapsedOptedInBuyersDocument,
} from './generated/operations';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
const until = new Date(Date.UTC(2026, 10, 1));

beforeAll(async () => {
  server = await startTestServer();
  await storeGenerated(
    server.db.fork().getKnex(),
    Array.from({ length: 400 }, (_, i) => generateCustomer(i, { seed: 3, until })),
  );
});
afterAll(async () => server.stop());

async function reference(filter: object, asOf: Date): Promise<number> {
  const facts = await loadCustomerFacts(server.db.fork().getKnex());
  return facts.filter((customer) =>
    evaluate(customer, filter, {
      asOf,
      segmentFilter: () => ({}),
      scoringRules: () => [],
      personaOrder: () => [],
    }),
  ).length;
}

test('evaluateSegment, customers(filter) and the reference evaluator agree on the example filters', async () => {
  const asOf = until;
  const crossed = await server.post(
    `query($asOf: DateTime) { evaluateSegment(asOf: $asOf, filter: { identity: { lifecycleStage: [CUSTOMER] }, behaviour: { purchase: { within: { lastDays: 365 }, totalAmount: { gt: 100 } } } }) { size shareOfBase sample(first: 3) { externalId } } }`,
    { asOf: asOf.toISOString() },
  );
  expect(crossed.body.errors).toBeUndefined();
  const expected = await reference(
    {
      identity: { lifecycleStage: ['CUSTOMER'] },
      behaviour: { purchase: { within: { lastDays: 365 }, totalAmount: { gt: 100 } } },
    },
    asOf,
  );
  expect(expected).toBeGreaterThan(10);
  expect(crossed.body.data.evaluateSegment.size).toBe(expected);
  expect(crossed.body.data.evaluateSegment.shareOfBase).toBeCloseTo(expected / 400, 10);
  expect(crossed.body.data.evaluateSegment.sample).toHaveLength(3);

  const lapsed = await server.run(LapsedOptedInBuyersDocument, { first: 500 });
  expect(lapsed.errors).toBeUndefined();
  const lapsedExpected = await reference(
    {
      identity: { emailOptIn: true },
      behaviour: { purchase: { within: { toDaysAgo: 180 } } },
      not: { behaviour: { purchase: { within: { lastDays: 180 } } } },
    },
    new Date(),
  );
  expect(lapsed.data!.customers.totalCount).toBe(lapsedExpected);
  expect(lapsed.data!.customers.edges).toHaveLength(lapsedExpected);

  const example = await server.run(EvaluateCrossedSegmentDocument, { first: 5 });
  expect(example.errors).toBeUndefined();
  expect(example.data!.evaluateSegment.size).toBeGreaterThanOrEqual(
    example.data!.evaluateSegment.sample.length,
  );
});

test.each([
  ['{ and: [] }', 'filter.and'],
  ['{ or: [{}, { or: [] }] }', 'filter.or.1.or'],
  ['{ identity: { city: {} } }', 'filter.identity.city'],
  [
    '{ and: [{}, { behaviour: { purchase: { within: { lastDays: -1 } } } }] }',
    'filter.and.1.behaviour.purchase.within.lastDays',
  ],
  [
    '{ behaviour: { event: { within: { fromDaysAgo: 3, toDaysAgo: 10 } } } }',
    'filter.behaviour.event.within',
  ],
  ['{ behaviour: { event: { within: { lastDays: 3, toDaysAgo: 1 } } } }', 'filter.behaviour.event.within'],
  [
    '{ behaviour: { event: { within: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } } } }',
    'filter.behaviour.event.within',
  ],
  ['{ identity: { createdAt: { withinLastDays: -5 } } }', 'filter.identity.createdAt.withinLastDays'],
  ['{ inSegment: "9999" }', 'filter.inSegment'],
  ['{ persona: "1" }', 'filter.persona'],
  ['{ value: { score: { model: "1", gte: 50 } } }', 'filter.value.score.model'],
  ['{ identity: { attributes: [{ key: "bad key", exists: true }] } }', 'filter.identity.attributes.0.key'],
  ['{ identity: { attributes: [{ key: "tier" }] } }', 'filter.identity.attributes.0'],
])('%s is refused at %s', async (filter, path) => {
  const { status, body } = await server.post(`{ evaluateSegment(filter: ${filter}) { size } }`);
  expect(status).toBe(400);
  expect(body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path });
});

test('lists over 1,000 values and filters over 200 nodes are refused', async () => {
  const values = Array.from({ length: 1001 }, (_, i) => `v${i}`);
  const list = await server.post('query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', {
    f: { identity: { city: { in: values } } },
  });
  expect(list.body.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    path: 'filter.identity.city.in',
  });
  const wide = { or: Array.from({ length: 201 }, () => ({})) };
  const nodes = await server.post('query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', {
    f: wide,
  });
  expect(nodes.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(nodes.body.errors?.[0].message).toContain('200 nodes');
});

test('wildcards are literal and values are bound, never spliced into SQL', async () => {
  const knex = server.db.fork().getKnex();
  await knex('customers')
    .update({ city: "50%_off'; drop table customers; --" })
    .where('external_id', 'C0000001');
  const run = async (filter: object) =>
    (await server.post('query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', { f: filter }))
      .body.data.evaluateSegment.size;
  expect(await run({ identity: { city: { contains: '%_off' } } })).toBe(1);
  expect(await run({ identity: { city: { startsWith: "50%_OFF'; DROP" } } })).toBe(1);
  expect(await run({ identity: { city: { contains: '_' } } })).toBe(1);
  expect(await run({ identity: { city: { eq: "50%_off'; drop table customers; --" } } })).toBe(1);
  expect(Number((await knex('customers').count({ n: '*' }))[0].n)).toBe(400);
});

describe('filters at the documented limits run on this store', () => {
  const evaluateQuery = 'query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }';
  const evaluateAt = async (filter: object) => (await server.post(evaluateQuery, { f: filter })).body;
  /** A filter's size through the API, which must answer without errors and agree with the reference evaluator. */
  async function agreesWithReference(filter: object): Promise<number> {
    const body = await evaluateAt(filter);
    expect(body.errors).toBeUndefined();
    expect(body.data.evaluateSegment.size).toBe(await reference(filter, new Date()));
    return body.data.evaluateSegment.size;
  }
  const tagsHeld = async () => [
    ...new Set(
      (await server.db.fork().getKnex()('customer_interests').select('tag')).map(
        (row: { tag: string }) => row.tag,
      ),
    ),
  ];
  const citiesHeld = async () => [
    ...new Set(
      (await server.db.fork().getKnex()('customers').whereNotNull('city').select('city')).map(
        (row: { city: string }) => row.city,
      ),
    ),
  ];
  const padded = (held: string[], length: number) => [
    ...held,
    ...Array.from({ length: length - held.length }, (_, i) => `absent-${i}`),
  ];

  test('interests hasAll, hasAny and hasNone of 1,000 tags', async () => {
    const held = await tagsHeld();
    expect(held.length).toBeGreaterThan(1);
    const tags = padded(held, 1000);
    expect(await agreesWithReference({ identity: { interests: { hasAll: tags } } })).toBe(0);
    expect(await agreesWithReference({ identity: { interests: { hasAny: tags } } })).toBeGreaterThan(0);
    expect(await agreesWithReference({ identity: { interests: { hasNone: tags } } })).toBeLessThan(400);
    // Many copies of two held tags are those two tags: customers holding both match.
    const two = Array.from({ length: 1000 }, (_, i) => held[i % 2]);
    expect(await agreesWithReference({ identity: { interests: { hasAll: two } } })).toBeGreaterThan(0);
    // Ten distinct tags take the grouped form: the held ones and absent ones.
    expect(
      await agreesWithReference({ identity: { interests: { hasAll: padded(held.slice(0, 2), 10) } } }),
    ).toBe(0);
  });

  test('age in 1,000 values, consecutive or scattered, and under not', async () => {
    const all = Array.from({ length: 1000 }, (_, i) => i);
    expect(await agreesWithReference({ identity: { age: { in: all } } })).toBeGreaterThan(0);
    const even = Array.from({ length: 1000 }, (_, i) => i * 2);
    const evenSize = await agreesWithReference({ identity: { age: { in: even } } });
    expect(evenSize).toBeGreaterThan(0);
    expect(await agreesWithReference({ not: { identity: { age: { in: even } } } })).toBe(400 - evenSize);
  });

  test.each([40, 80])('%i lists of 1,000 values in one filter', async (lists) => {
    const cities = padded(await citiesHeld(), 1000);
    const numbers = Array.from({ length: 1000 }, (_, i) => i);
    const branches = Array.from({ length: lists }, (_, i) =>
      i % 2 === 0
        ? { identity: { city: { in: cities } } }
        : { identity: { companySize: { in: numbers }, city: { notIn: cities.slice(1) } } },
    );
    expect(await agreesWithReference({ or: branches })).toBeGreaterThan(0);
    expect(await agreesWithReference({ and: branches })).toBeGreaterThanOrEqual(0);
  });

  test('exact limits: 1,000 values and 200 nodes run, one more is refused', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => `v${i}`);
    expect(await agreesWithReference({ identity: { city: { in: values } } })).toBe(0);
    const wide = { or: Array.from({ length: 199 }, (_, i) => ({ identity: { city: { eq: values[i] } } })) };
    expect(await agreesWithReference(wide)).toBe(0);
    const over = await evaluateAt({ or: [...wide.or, {}] });
    expect(over.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'filter.or.199' });
  });

  /** Attribute filters on one node: each binds its key and pattern (twice on PostgreSQL), so three bound values at most. */
  const attributeNode = () => ({
    identity: {
      attributes: Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, string: { contains: 'a' } })),
    },
  });

  test('the statement budget: 9,000 bound values run, 12,000 are refused before any statement', async () => {
    expect(await agreesWithReference({ or: [attributeNode(), attributeNode(), attributeNode()] })).toBe(0);
    const over = await evaluateAt({
      or: [attributeNode(), attributeNode(), attributeNode(), attributeNode()],
    });
    expect(over.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'filter' });
    expect(over.errors?.[0].message).toMatch(/at most 10000 fit in one statement/);
  });

  test('saved segments inlined up to the budget run; past it the filter that uses them is refused', async () => {
    const created = await server.post('mutation($i: SegmentInput!) { createSegment(input: $i) { id } }', {
      i: { name: 'wide attributes', filter: attributeNode() },
    });
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createSegment.id;
    const using = (times: number) => ({ or: Array.from({ length: times }, () => ({ inSegment: id })) });
    const body = await evaluateAt(using(3));
    expect(body.errors).toBeUndefined();
    expect(body.data.evaluateSegment.size).toBe(0);
    const over = await evaluateAt(using(4));
    expect(over.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'filter' });
  });
});

test('a filter nested to the level limit around a heavy purchase runs in every statement that carries it', async () => {
  const purchase = {
    behaviour: {
      purchase: {
        category: { ne: 'books', in: Array.from({ length: 20 }, (_, i) => `c${i}`) },
        channel: ['WEB'],
        orderAmount: { gt: 1 },
        within: { lastDays: 400 },
        count: { gte: 1 },
        totalAmount: { gt: 3 },
      },
    },
  };
  let filter: object = purchase;
  // Alternating and/or (chains of one operator are flattened, alternations nest): 1 + 2 × 5 + 1 = 12 levels.
  for (let i = 0; i < 5; i++)
    filter = {
      and: [{ identity: { country: { ne: 'FR' } } }, { or: [{ identity: { emailOptIn: true } }, filter] }],
    };
  filter = { not: filter };
  const asOf = new Date();
  const answer = await server.post(
    'query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size stats { revenue } sample(first: 2) { externalId } } customers(filter: $f, first: 2) { totalCount edges { node { externalId } } } }',
    { f: filter },
  );
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data.evaluateSegment.size).toBe(await reference(filter, asOf));
  expect(answer.body.data.customers.totalCount).toBe(answer.body.data.evaluateSegment.size);
  const deeper = await server.post('query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', {
    f: { and: [{}, { not: filter }] },
  });
  expect(deeper.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

test('value.preferredChannel selects the customers whose stored preferred channel is listed; those without one never match', async () => {
  const knex = server.db.fork().getKnex();
  await refreshMetrics(knex, until);
  const stored: Array<{ external_id: string; preferred_channel: string | null }> = await knex('customers')
    .leftJoin('customer_metrics', 'customer_metrics.customer_id', 'customers.id')
    .select('customers.external_id', 'customer_metrics.preferred_channel');
  const having = (channels: string[]) =>
    stored
      .filter((row) => row.preferred_channel !== null && channels.includes(row.preferred_channel))
      .map((row) => row.external_id)
      .sort();
  const query =
    'query($f: SegmentFilter!, $asOf: DateTime) { evaluateSegment(filter: $f, asOf: $asOf) { size } customers(filter: $f, asOf: $asOf, first: 500) { totalCount edges { node { externalId } } } }';
  const run = async (filter: object) => {
    const answer = await server.post(query, { f: filter, asOf: until.toISOString() });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.customers.totalCount).toBe(answer.body.data.evaluateSegment.size);
    return answer.body.data.customers.edges
      .map((edge: { node: { externalId: string } }) => edge.node.externalId)
      .sort();
  };
  const emailOrSms = having(['EMAIL', 'SMS']);
  expect(emailOrSms.length).toBeGreaterThan(10);
  expect(await run({ value: { preferredChannel: ['EMAIL', 'SMS'] } })).toEqual(emailOrSms);
  expect(await reference({ value: { preferredChannel: ['EMAIL', 'SMS'] } }, until)).toBe(emailOrSms.length);
  // Customers without a preferred channel match no list, not even every channel; `not` selects them.
  const without = stored
    .filter((row) => row.preferred_channel === null)
    .map((row) => row.external_id)
    .sort();
  expect(without.length).toBeGreaterThan(0);
  const every = ['EMAIL', 'SMS', 'PUSH', 'WEB', 'APP', 'STORE', 'PHONE', 'SOCIAL', 'EVENT', 'OTHER'];
  expect(await run({ not: { value: { preferredChannel: every } } })).toEqual(without);
  expect(await run({ value: { preferredChannel: [] } })).toEqual([]);
  // explain shows the stored channel, and nothing for a customer without one.
  const explain = async (externalId: string) => {
    const answer = await server.run(ExplainMembershipDocument, {
      externalId,
      filter: { value: { preferredChannel: ['EMAIL', 'SMS'] } } as never,
      asOf: until.toISOString(),
    });
    expect(answer.errors).toBeUndefined();
    return answer.data!.customer!.explain.root;
  };
  const email = stored.find((row) => row.preferred_channel === 'EMAIL')!;
  expect(await explain(email.external_id)).toMatchObject({
    kind: 'value.preferredChannel',
    matched: true,
    actual: 'EMAIL',
    description: 'preferred channel in (EMAIL, SMS)',
  });
  expect(await explain(without[0])).toMatchObject({ matched: false, actual: null });
  const tooMany = await server.post('query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', {
    f: { value: { preferredChannel: Array.from({ length: 1001 }, () => 'EMAIL') } },
  });
  expect(tooMany.body.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    path: 'filter.value.preferredChannel',
  });
});
