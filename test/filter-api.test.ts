import { evaluate } from '../src/filter/evaluate';
import { loadCustomerFacts } from '../src/filter/facts-loader';
import { generateCustomer } from '../seeds/generator';
import { storeGenerated } from '../seeds/load';
import { EvaluateCrossedSegmentDocument, LapsedOptedInBuyersDocument } from './generated/operations';
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
  return facts.filter((customer) => evaluate(customer, filter, { asOf, segmentFilter: () => ({}), scoringRules: () => [], personaOrder: () => [] })).length;
}

test('evaluateSegment, customers(filter) and the reference evaluator agree on the example filters', async () => {
  const asOf = until;
  const crossed = await server.post(
    `query($asOf: DateTime) { evaluateSegment(asOf: $asOf, filter: { identity: { lifecycleStage: [CUSTOMER] }, behaviour: { purchase: { within: { lastDays: 365 }, totalAmount: { gt: 100 } } } }) { size shareOfBase sample(first: 3) { externalId } } }`,
    { asOf: asOf.toISOString() },
  );
  expect(crossed.body.errors).toBeUndefined();
  const expected = await reference(
    { identity: { lifecycleStage: ['CUSTOMER'] }, behaviour: { purchase: { within: { lastDays: 365 }, totalAmount: { gt: 100 } } } },
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
  expect(example.data!.evaluateSegment.size).toBeGreaterThanOrEqual(example.data!.evaluateSegment.sample.length);
});

test.each([
  ['{ and: [] }', 'filter.and'],
  ['{ or: [{}, { or: [] }] }', 'filter.or.1.or'],
  ['{ identity: { city: {} } }', 'filter.identity.city'],
  ['{ and: [{}, { behaviour: { purchase: { within: { lastDays: -1 } } } }] }', 'filter.and.1.behaviour.purchase.within.lastDays'],
  ['{ behaviour: { event: { within: { fromDaysAgo: 3, toDaysAgo: 10 } } } }', 'filter.behaviour.event.within'],
  ['{ behaviour: { event: { within: { lastDays: 3, toDaysAgo: 1 } } } }', 'filter.behaviour.event.within'],
  ['{ behaviour: { event: { within: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } } } }', 'filter.behaviour.event.within'],
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
  const list = await server.post('query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', { f: { identity: { city: { in: values } } } });
  expect(list.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'filter.identity.city.in' });
  const wide = { or: Array.from({ length: 201 }, () => ({})) };
  const nodes = await server.post('query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', { f: wide });
  expect(nodes.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(nodes.body.errors?.[0].message).toContain('200 nodes');
});

test('wildcards are literal and values are bound, never spliced into SQL', async () => {
  const knex = server.db.fork().getKnex();
  await knex('customers').update({ city: "50%_off'; drop table customers; --" }).where('external_id', 'C0000001');
  const run = async (filter: object) =>
    (await server.post('query($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', { f: filter })).body.data.evaluateSegment.size;
  expect(await run({ identity: { city: { contains: '%_off' } } })).toBe(1);
  expect(await run({ identity: { city: { startsWith: "50%_OFF'; DROP" } } })).toBe(1);
  expect(await run({ identity: { city: { contains: '_' } } })).toBe(1);
  expect(await run({ identity: { city: { eq: "50%_off'; drop table customers; --" } } })).toBe(1);
  expect(Number((await knex('customers').count({ n: '*' }))[0].n)).toBe(400);
});
