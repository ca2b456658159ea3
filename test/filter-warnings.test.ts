import { recordEvents, recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { closestName, nameDistance } from '../src/filter/named-references';
import { startTestServer, type TestServer } from './support/server';

/**
 * A criterion naming something nobody has answers with the size it has (0
 * for that part) and a warning at its path, with the closest existing name.
 */

let server: TestServer;
const statements: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => statements.push(sql) });
  const knex = server.db.fork().getKnex();
  await upsertCustomers(knex, [
    { externalId: 'a', country: 'FR', interests: ['wine', 'travel'], attributes: { tier: 'gold' } },
    { externalId: 'b', country: 'BE', interests: ['yoga'], attributes: { nps: 9 } },
  ]);
  await recordOrders(
    knex,
    [
      {
        externalId: 'o1',
        customerExternalId: 'a',
        orderedAt: new Date('2026-05-01T10:00:00Z'),
        amount: 20,
        categories: ['books'],
      },
    ],
    'EUR',
  );
  await recordEvents(knex, [
    {
      externalId: 'e1',
      customerExternalId: 'a',
      name: 'purchase',
      channel: 'WEB',
      occurredAt: new Date('2026-05-01T10:00:00Z'),
      properties: { sku: 'X1' },
    },
    {
      externalId: 'e2',
      customerExternalId: 'b',
      name: 'email_opened',
      channel: 'EMAIL',
      occurredAt: new Date('2026-05-02T10:00:00Z'),
      properties: { campaign: 'spring' },
    },
  ]);
});
afterAll(async () => server.stop());

const PREVIEW =
  'query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size warnings { path message } stats { size warnings { path message } } } }';

test('each misspelt name is reported at its path with the closest existing one', async () => {
  const filter = {
    identity: {
      country: { in: ['FR', 'FX'] },
      interests: { hasAny: ['wnie'] },
      attributes: [{ key: 'teir', string: { eq: 'gold' } }],
    },
    or: [
      { behaviour: { event: { name: 'purchsae', properties: [{ key: 'skuu', exists: true }] } } },
      { behaviour: { purchase: { category: { eq: 'bokos' } } } },
      { behaviour: { event: { properties: [{ key: 'campaign', exists: true }] } } },
    ],
  };
  const answer = await server.post(PREVIEW, { f: filter });
  expect(answer.body.errors).toBeUndefined();
  const expected = [
    { path: 'filter.or.0.behaviour.event.name', message: 'no event named purchsae; did you mean purchase?' },
    {
      path: 'filter.or.0.behaviour.event.properties.0.key',
      message: 'no property skuu among the latest 10,000 events; did you mean sku?',
    },
    {
      path: 'filter.or.1.behaviour.purchase.category.eq',
      message: 'no order has the category bokos; did you mean books?',
    },
    { path: 'filter.identity.country.in.1', message: 'no customer is in country FX; did you mean FR?' },
    {
      path: 'filter.identity.interests.hasAny.0',
      message: 'no customer has the interest wnie; did you mean wine?',
    },
    {
      path: 'filter.identity.attributes.0.key',
      message: 'no customer has an attribute teir; did you mean tier?',
    },
  ];
  expect(answer.body.data.evaluateSegment.size).toBe(0);
  expect(answer.body.data.evaluateSegment.warnings).toEqual(expected);
  expect(answer.body.data.evaluateSegment.stats.warnings).toEqual(expected);
});

test('a filter whose names all exist has no warnings; a name far from every other gets no suggestion', async () => {
  const good = await server.post(PREVIEW, {
    f: {
      identity: { country: { eq: 'FR' }, interests: { hasAll: ['wine'] } },
      behaviour: { event: { name: 'purchase', properties: [{ key: 'sku', exists: true }] } },
    },
  });
  expect(good.body.data.evaluateSegment).toEqual({ size: 1, warnings: [], stats: { size: 1, warnings: [] } });
  const far = await server.post(PREVIEW, { f: { behaviour: { event: { name: 'subscription_renewed' } } } });
  expect(far.body.data.evaluateSegment.warnings).toEqual([
    { path: 'filter.behaviour.event.name', message: 'no event named subscription_renewed' },
  ]);
});

test('a saved segment’s stats carry the warnings of its filter', async () => {
  const created = await server.post(
    'mutation ($i: SegmentInput!) { createSegment(input: $i) { id stats { warnings { path message } } } }',
    {
      i: { name: 'typo', filter: { identity: { interests: { hasNone: ['yogo'] } } } },
    },
  );
  expect(created.body.data.createSegment.stats.warnings).toEqual([
    {
      path: 'filter.identity.interests.hasNone.0',
      message: 'no customer has the interest yogo; did you mean yoga?',
    },
  ]);
});

test('the warnings cost one look-up per distinct name, and only when asked for', async () => {
  const filter = {
    or: [
      { behaviour: { event: { name: 'purchase' } } },
      { behaviour: { event: { name: 'purchase', count: { gte: 2 } } } },
      { identity: { country: { eq: 'FR' } } },
    ],
  };
  statements.length = 0;
  await server.post('query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', { f: filter });
  const withoutWarnings = statements.length;
  statements.length = 0;
  await server.post(
    'query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size warnings { message } } }',
    { f: filter },
  );
  expect(statements.length - withoutWarnings).toBe(2);
});

test('closest names: case, swaps and edits within a third of the length', () => {
  expect(nameDistance('purchsae', 'purchase')).toBe(1);
  expect(nameDistance('Books', 'books')).toBe(0);
  expect(closestName('Books', ['books', 'music'])).toBe('books');
  expect(closestName('emial_opened', ['email_opened', 'page_viewed'])).toBe('email_opened');
  expect(closestName('xyz', ['books', 'music'])).toBeNull();
  expect(closestName('tech', [])).toBeNull();
});
