import { startTestServer, type TestServer } from './support/server';

/**
 * Inputs at the edges of what ingestion admits, on the run's store (SQLite, or
 * PostgreSQL with TEST_DATABASE_URL): years written with leading zeros, amounts
 * too large to sum, text no store keeps as written. One bad item is rejected
 * with its reason and the rest of its batch is stored; elsewhere such text is
 * BAD_USER_INPUT, never a 500.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const seeded = await upsert([{ externalId: 'edge-base', city: 'Lyon' }]);
  expect(seeded.accepted).toBe(1);
});
afterAll(async () => server.stop());

const RESULT = '{ accepted duplicates rejected { index externalId field message } }';

async function mutate(
  field: 'upsertCustomers' | 'recordOrders' | 'recordEvents',
  argument: string,
  type: string,
  items: unknown[],
) {
  const { status, body } = await server.post(
    `mutation($items: [${type}!]!) { ${field}(${argument}: $items) ${RESULT} }`,
    { items },
  );
  expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
  return body.data[field] as {
    accepted: number;
    duplicates: number;
    rejected: Array<{ index: number; externalId: string | null; field: string | null; message: string }>;
  };
}
const upsert = (items: unknown[]) => mutate('upsertCustomers', 'customers', 'CustomerInput', items);
const orders = (items: unknown[]) => mutate('recordOrders', 'orders', 'OrderInput', items);
const events = (items: unknown[]) => mutate('recordEvents', 'events', 'EventInput', items);

async function storedCount(table: string, externalIds: string[]): Promise<number> {
  const [row] = await server.db.fork().getKnex()(table).whereIn('external_id', externalIds).count({ n: '*' });
  return Number(row.n);
}

const order = (externalId: string, extra: Record<string, unknown> = {}) => ({
  externalId,
  customerExternalId: 'edge-base',
  orderedAt: '2026-03-01T10:00:00Z',
  amount: 10,
  ...extra,
});
const event = (externalId: string, extra: Record<string, unknown> = {}) => ({
  externalId,
  customerExternalId: 'edge-base',
  name: 'page_view',
  occurredAt: '2026-03-01T10:00:00Z',
  ...extra,
});

describe('years 0000–0099 are read as written, then refused as before 1900', () => {
  test('customer dates', async () => {
    const result = await upsert([
      { externalId: 'year-1', birthDate: '0050-06-01' },
      { externalId: 'year-2', createdAt: '0099-12-31T23:59:59Z' },
      { externalId: 'year-3', lastVerifiedAt: '0000-02-29T12:00:00+02:00' },
      { externalId: 'year-ok', birthDate: '1900-01-01', createdAt: '2199-12-31T23:59:59.999Z' },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.rejected.map(({ index, field, message }) => [index, field, message])).toEqual([
      [0, 'birthDate', 'birthDate must be between 1900 and 2200'],
      [1, 'createdAt', 'createdAt must be between 1900 and 2200'],
      [2, 'lastVerifiedAt', 'lastVerifiedAt must be between 1900 and 2200'],
    ]);
    expect(await storedCount('customers', ['year-1', 'year-2', 'year-3', 'year-ok'])).toBe(1);
  });

  test('order and event dates', async () => {
    const recorded = await orders([
      order('year-o1', { orderedAt: '0026-03-01T10:00:00Z' }),
      order('year-o2'),
    ]);
    expect(recorded.accepted).toBe(1);
    expect(recorded.rejected.map(({ index, field }) => [index, field])).toEqual([[0, 'orderedAt']]);
    const happened = await events([event('year-e1'), event('year-e2', { occurredAt: '0001-01-01' })]);
    expect(happened.accepted).toBe(1);
    expect(happened.rejected.map(({ index, field }) => [index, field])).toEqual([[1, 'occurredAt']]);
  });

  test('a filter date keeps its year, in the answer and in a saved segment', async () => {
    // Before year 99 nobody was created; read as 1999 it would match a customer created in 1960.
    expect((await upsert([{ externalId: 'year-1960', createdAt: '1960-05-05' }])).accepted).toBe(1);
    const size = await server.post(
      '{ evaluateSegment(filter: { identity: { createdAt: { before: "0099-01-01" } } }) { size } }',
    );
    expect(size.body).toEqual({ data: { evaluateSegment: { size: 0 } } });
    const saved = await server.post(
      'mutation { createSegment(input: { name: "ancient", filter: { identity: { createdAt: { after: "0050-01-01T00:00:00Z" } } } }) { id filter } }',
    );
    expect(saved.body.errors).toBeUndefined();
    expect(saved.body.data.createSegment.filter).toEqual({
      identity: { createdAt: { after: '0050-01-01T00:00:00.000Z' } },
    });
    const reread = await server.post(
      `{ segment(id: "${saved.body.data.createSegment.id}") { filter size } }`,
    );
    expect(reread.body.data.segment.filter).toEqual({
      identity: { createdAt: { after: '0050-01-01T00:00:00.000Z' } },
    });
    const [everyone] = await server.db.fork().getKnex()('customers').count({ n: '*' });
    expect(reread.body.data.segment.size).toBe(Number(everyone.n));
  });
});

describe('amounts that cannot be summed safely are rejected per item', () => {
  test('above 10^12 is rejected, 10^12 itself is stored, and whole-base figures stay finite', async () => {
    expect((await upsert([{ externalId: 'rich', city: 'Fortune' }])).accepted).toBe(1);
    const rich = (externalId: string, amount: number) => ({
      ...order(externalId, { amount }),
      customerExternalId: 'rich',
    });
    const result = await orders([
      rich('amt-1', 1.7e308),
      rich('amt-2', 1e12),
      rich('amt-3', 1.7e308),
      rich('amt-4', 1e12 + 0.01),
      rich('amt-5', 5),
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map(({ index, field, message }) => [index, field, message])).toEqual([
      [0, 'amount', 'amount must be at most 1,000,000,000,000'],
      [2, 'amount', 'amount must be at most 1,000,000,000,000'],
      [3, 'amount', 'amount must be at most 1,000,000,000,000'],
    ]);
    const stats = await server.post(
      '{ evaluateSegment(filter: { identity: { city: { eq: "Fortune" } } }) { size stats { revenue revenuePerCustomer averageOrderValue } } }',
    );
    expect(stats.body).toEqual({
      data: {
        evaluateSegment: {
          size: 1,
          stats: { revenue: 1e12 + 5, revenuePerCustomer: 1e12 + 5, averageOrderValue: (1e12 + 5) / 2 },
        },
      },
    });
    const whole = await server.post(
      '{ evaluateSegment(filter: { behaviour: { purchase: { totalAmount: { gte: 0 } } } }) { stats { revenue } } }',
    );
    expect(whole.body.errors).toBeUndefined();
    expect(Number.isFinite(whole.body.data.evaluateSegment.stats.revenue)).toBe(true);
  });
});

describe('text no store keeps as written is rejected per item', () => {
  const NUL = 'a\u0000b';
  const HIGH = 'x\uD800y';
  const LOW = '\uDC00';

  test('customers: the bad items are rejected at their field, the others stored', async () => {
    const result = await upsert([
      { externalId: 'text-1', firstName: NUL },
      { externalId: 'text-2', city: 'Paris' },
      { externalId: 'text-3', interests: ['ok', HIGH] },
      { externalId: 'text-4', attributes: { note: LOW } },
      { externalId: `text-5${LOW}` },
      { externalId: 'text-6', attributes: { note: `fine ${NUL}` } },
      { externalId: 'text-7', lastName: 'Smile \uD83D\uDE00' },
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map(({ index, field, message }) => [index, field, message])).toEqual([
      [0, 'firstName', 'firstName contains a NUL character (U+0000)'],
      [2, 'interests.1', 'interests.1 contains a lone UTF-16 surrogate (not a Unicode character)'],
      [3, 'attributes.note', 'attributes.note contains a lone UTF-16 surrogate (not a Unicode character)'],
      [4, 'externalId', 'externalId contains a lone UTF-16 surrogate (not a Unicode character)'],
      [5, 'attributes.note', 'attributes.note contains a NUL character (U+0000)'],
    ]);
    expect(await storedCount('customers', ['text-2', 'text-7'])).toBe(2);
    // A character outside the BMP (a surrogate pair) is text: stored as sent, so its replay is a duplicate.
    expect(await upsert([{ externalId: 'text-7', lastName: 'Smile \uD83D\uDE00' }])).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: [],
    });
  });

  test('orders and events: the bad items are rejected, the rest of the batch is stored', async () => {
    const recorded = await orders([
      order('text-o1', { categories: [NUL] }),
      order('text-o2'),
      order(`text-o3${HIGH}`),
    ]);
    expect(recorded.accepted).toBe(1);
    expect(recorded.rejected.map(({ index, field }) => [index, field])).toEqual([
      [0, 'categories.0'],
      [2, 'externalId'],
    ]);
    const happened = await events([
      event('text-e1', { name: NUL }),
      event('text-e2', { properties: { campaign: LOW } }),
      event('text-e3', { properties: { campaign: 'spring \uD83C\uDF38' } }),
      event('text-e4', { customerExternalId: `edge${NUL}` }),
    ]);
    expect(happened.accepted).toBe(1);
    expect(happened.rejected.map(({ index, field }) => [index, field])).toEqual([
      [0, 'name'],
      [1, 'properties.campaign'],
      [3, 'customerExternalId'],
    ]);
    expect(await storedCount('orders', ['text-o2'])).toBe(1);
    expect(await storedCount('events', ['text-e3'])).toBe(1);
    expect(await events([event('text-e3', { properties: { campaign: 'spring \uD83C\uDF38' } })])).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: [],
    });
  });
});

describe('text no store keeps as written is BAD_USER_INPUT in every other argument', () => {
  test.each([
    ['a search', '{ segments(search: $text) { totalCount } }', 'search'],
    [
      'a filter value',
      '{ evaluateSegment(filter: { identity: { city: { eq: $text } } }) { size } }',
      'filter.identity.city.eq',
    ],
    [
      'a filter list',
      '{ customers(filter: { identity: { interests: { hasAny: ["a", $text] } } }) { totalCount } }',
      'filter.identity.interests.hasAny.1',
    ],
    [
      'an event property filter',
      '{ evaluateSegment(filter: { behaviour: { event: { properties: [{ key: "c", string: { contains: $text } }] } } }) { size } }',
      'filter.behaviour.event.properties.0.string.contains',
    ],
    ['a look-up', '{ customer(externalId: $text) { id } }', 'externalId'],
    ['a cursor', '{ customers(first: 1, after: $text) { totalCount } }', 'after'],
    [
      'a name',
      'mutation { createSegment(input: { name: $text, filter: { identity: { city: { eq: "Lyon" } } } }) { id } }',
      'input.name',
    ],
  ])('%s', async (_what, operation, path) => {
    const declared = operation.startsWith('mutation')
      ? operation.replace('mutation {', 'mutation($text: String!) {')
      : `query($text: String!) ${operation}`;
    for (const text of ['a\u0000b', 'a\uD800', '\uDFFFz']) {
      const { status, body } = await server.post(declared, { text });
      expect(status).toBe(400);
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', path });
    }
    expect(server.logged).toEqual([]);
  });

  test('a NUL written as an escape in the document is refused the same way', async () => {
    const { status, body } = await server.post('{ segments(search: "a\\u0000b") { totalCount } }');
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'search' });
    expect(server.logged).toEqual([]);
  });
});
