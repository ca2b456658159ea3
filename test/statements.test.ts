import { insertRows } from '../src/db/batch';
import { recordEvents, recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { startTestServer, type TestServer } from './support/server';

/**
 * Every relation goes through a per-request DataLoader: the number of SQL
 * statements of a customer page must not grow with the page size.
 */
let server: TestServer;
const statements: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => statements.push(sql) });
  const knex = server.db.fork().getKnex();
  const customers = Array.from({ length: 60 }, (_, i) => ({ externalId: `S${i}` }));
  await upsertCustomers(knex, customers);
  const day = (c: number, k: number) => new Date(Date.UTC(2026, 0, 1 + k, c % 24));
  await recordOrders(
    knex,
    customers.flatMap((c, ci) =>
      Array.from({ length: 5 }, (_, k) => ({
        externalId: `${c.externalId}-o${k}`,
        customerExternalId: c.externalId,
        orderedAt: day(ci, k),
        amount: 10 + k,
      })),
    ),
    'EUR',
  );
  await recordEvents(
    knex,
    customers.flatMap((c, ci) =>
      Array.from({ length: 5 }, (_, k) => ({
        externalId: `${c.externalId}-e${k}`,
        customerExternalId: c.externalId,
        name: k % 2 ? 'page_viewed' : 'message_sent',
        occurredAt: day(ci, k),
      })),
    ),
  );
});
afterAll(async () => server.stop());

const PAGE = `query($first: Int) {
  customers(first: $first) {
    totalCount
    edges { node {
      externalId
      value { orderCount }
      orders(first: 3) { totalCount edges { node { amount orderedAt customer { externalId } } } }
      events(first: 3) { totalCount edges { node { name occurredAt customer { externalId } } } }
      sent: events(first: 2, name: "message_sent") { totalCount edges { node { name } } }
    } }
  }
}`;

async function statementsFor(first: number): Promise<{ count: number; body: any }> {
  statements.length = 0;
  const { body } = await server.post(PAGE, { first });
  expect(body.errors).toBeUndefined();
  return { count: statements.filter((line) => /\b(select|insert|update|delete)\b/i.test(line)).length, body };
}

test('a page of 50 customers with orders(first: 3) and events(first: 3) costs as many statements as a page of 5', async () => {
  const small = await statementsFor(5);
  const large = await statementsFor(50);
  expect(large.body.data.customers.edges).toHaveLength(50);
  expect(small.body.data.customers.edges).toHaveLength(5);
  expect(large.count).toBe(small.count);
  console.log(`statements for a page of 5: ${small.count}, of 50: ${large.count}`);
  // customers + count + metrics + 3 pages + 3 counts + customers of orders and events (one loader, one batch)
  expect(large.count).toBeGreaterThanOrEqual(9);
  expect(large.count).toBeLessThanOrEqual(10);
});

test('the relation pages are right: newest first, three each, with their totals', async () => {
  const { body } = await statementsFor(50);
  const node = body.data.customers.edges.find((edge: any) => edge.node.externalId === 'S7').node;
  expect(node.orders.totalCount).toBe(5);
  expect(node.orders.edges.map((edge: any) => edge.node.amount)).toEqual([14, 13, 12]);
  expect(node.orders.edges[0].node.customer.externalId).toBe('S7');
  expect(node.events.totalCount).toBe(5);
  expect(node.sent.totalCount).toBe(3);
  expect(node.sent.edges).toHaveLength(2);
  expect(node.value).toBeNull();
});

test('first defaults to 50', async () => {
  const { body } = await server.post('{ customers { edges { node { id } } pageInfo { hasNextPage } } }');
  expect(body.data.customers.edges).toHaveLength(50);
  expect(body.data.customers.pageInfo.hasNextPage).toBe(true);
});

test('order pages continue after their cursor', async () => {
  const first = await server.post(
    '{ customer(externalId: "S3") { orders(first: 2) { edges { node { amount } } pageInfo { endCursor hasNextPage } } } }',
  );
  const { endCursor, hasNextPage } = first.body.data.customer.orders.pageInfo;
  expect(hasNextPage).toBe(true);
  const next = await server.post(
    `{ customer(externalId: "S3") { orders(first: 10, after: "${endCursor}") { edges { node { amount } } pageInfo { hasNextPage } } } }`,
  );
  expect(next.body.data.customer.orders.edges.map((edge: any) => edge.node.amount)).toEqual([12, 11, 10]);
  expect(next.body.data.customer.orders.pageInfo.hasNextPage).toBe(false);
});

test('a filter preview counts only the figures asked for, and counts the selection once for size and share', async () => {
  // Counting statements over customers: the selection's count and the base's count.
  const countsFor = async (fields: string) => {
    statements.length = 0;
    const { body } = await server.post(
      `query($f: SegmentFilter!) { evaluateSegment(filter: $f) { ${fields} } }`,
      {
        f: {},
      },
    );
    expect(body.errors).toBeUndefined();
    return {
      data: body.data.evaluateSegment,
      counts: statements.filter((line) => /count\(/i.test(line)).length,
    };
  };
  // The empty filter selects all 60 customers.
  expect(await countsFor('__typename')).toEqual({ data: { __typename: 'SegmentPreview' }, counts: 0 });
  expect(await countsFor('size')).toEqual({ data: { size: 60 }, counts: 1 });
  expect(await countsFor('size shareOfBase')).toEqual({ data: { size: 60, shareOfBase: 1 }, counts: 2 });
  expect(await countsFor('shareOfBase')).toEqual({ data: { shareOfBase: 1 }, counts: 2 });
});

test('Customer.segments costs the same statements for a page of 5 or 50, with 3 or 30 saved segments', async () => {
  const countries = ['FR', 'DE', 'ES'];
  await upsertCustomers(
    server.db.fork().getKnex(),
    Array.from({ length: 60 }, (_, i) => ({ externalId: `S${i}`, country: countries[i % 3] })),
  );
  const save = async (name: string, filter: unknown): Promise<string> => {
    const { body } = await server.post('mutation($i: SegmentInput!) { createSegment(input: $i) { id } }', {
      i: { name, filter },
    });
    expect(body.errors).toBeUndefined();
    return body.data.createSegment.id;
  };
  /** Which countries each saved segment holds, to know its members without asking the service. */
  const holds = new Map<string, string[]>();
  const saveSegments = async (count: number) => {
    for (let n = holds.size; n < count; n++) {
      const country = countries[n % 3];
      // Every third one reaches its country through another saved segment.
      const base = [...holds].find(([, held]) => held.length === 1 && held[0] === country);
      const id =
        n % 3 === 2 && base
          ? await save(`not ${country} ${n}`, { not: { inSegment: base[0] } })
          : await save(`${country} ${n}`, { identity: { country: { in: [country] } } });
      holds.set(id, n % 3 === 2 && base ? countries.filter((c) => c !== country) : [country]);
    }
  };
  const page = async (first: number) => {
    statements.length = 0;
    const { body } = await server.post(
      'query($first: Int) { customers(first: $first) { edges { node { externalId segments { id } } } } }',
      { first },
    );
    expect(body.errors).toBeUndefined();
    for (const { node } of body.data.customers.edges) {
      const country = countries[Number(node.externalId.slice(1)) % 3];
      const expected = [...holds].filter(([, held]) => held.includes(country)).map(([id]) => id);
      expect(node.segments.map((segment: { id: string }) => segment.id)).toEqual(expected);
    }
    return statements.filter((line) => /\b(select|insert|update|delete)\b/i.test(line)).length;
  };
  await saveSegments(3);
  const few = { small: await page(5), large: await page(50) };
  await saveSegments(30);
  const many = { small: await page(5), large: await page(50) };
  console.log(`Customer.segments statements, 3 segments: ${few.large}, 30 segments: ${many.large}`);
  expect([few.small, many.small, many.large]).toEqual([few.large, few.large, few.large]);
  // The count of saved segments (for the cost limit), the customers page, the saved segments, one membership statement.
  expect(few.large).toBe(4);
});

const RECORD_EVENTS = `mutation ($e: [EventInput!]!) { recordEvents(events: $e) { accepted duplicates rejected { index message } } }`;

test('a batch of 5,000 events costs two lookups, at most two multi-row inserts and one mark for the incremental refresh, ids in the order sent', async () => {
  const events = Array.from({ length: 5000 }, (_, i) => ({
    externalId: `bulk-${String((i * 7919) % 5000).padStart(4, '0')}`,
    customerExternalId: `S${(i * 13) % 60}`,
    name: 'page_viewed',
    occurredAt: new Date(Date.UTC(2026, 1, 1, 0, 0, i)).toISOString(),
    properties: { n: i, even: i % 2 === 0 },
  }));
  const writes = () => ({
    selects: statements.filter((line) => /^\s*select\b/i.test(line)).length,
    inserts: statements.filter((line) => /^\s*insert into\b/i.test(line) && !/metrics_dirty/.test(line))
      .length,
    marks: statements.filter((line) => /^\s*insert into\b/i.test(line) && /metrics_dirty/.test(line)).length,
  });
  statements.length = 0;
  const first = await server.post(RECORD_EVENTS, { e: events });
  expect(first.body.errors).toBeUndefined();
  expect(first.body.data.recordEvents).toEqual({ accepted: 5000, duplicates: 0, rejected: [] });
  // Customers by externalId, stored events by externalId; 5,000 rows × 7 columns fit in two
  // statements under SQLite's 32,766 bound parameters, in one under PostgreSQL's 65,535.
  expect(writes().selects).toBe(2);
  expect(writes().inserts).toBeLessThanOrEqual(2);
  // The 60 customers touched, marked for the incremental refresh in one multi-row insert.
  expect(writes().marks).toBe(1);

  const rows = await server.db
    .fork()
    .getKnex()('events')
    .select('id', 'external_id', 'properties')
    .where('external_id', 'like', 'bulk-%')
    .orderBy('id');
  expect(rows.map((row: { external_id: string }) => row.external_id)).toEqual(
    events.map((event) => event.externalId),
  );
  const properties = rows.map((row: { properties: unknown }) =>
    typeof row.properties === 'string' ? JSON.parse(row.properties) : row.properties,
  );
  expect(properties[4999]).toEqual({ n: 4999, even: false });

  statements.length = 0;
  const replay = await server.post(RECORD_EVENTS, { e: events });
  expect(replay.body.data.recordEvents).toEqual({ accepted: 0, duplicates: 5000, rejected: [] });
  expect(writes().inserts).toBe(0);
});

test('insertRows writes rows whose columns differ from row to row', async () => {
  const knex = server.db.fork().getKnex();
  const [{ id: customerId }] = await knex('customers').select('id').where('external_id', 'S1');
  const row = (externalId: string) => ({
    external_id: externalId,
    customer_id: customerId,
    name: 'mixed',
    channel: 'WEB',
    occurred_at: 1,
    properties: '{}',
    recorded_at: 2,
  });
  const { external_id, ...rest } = row('mixed-2');
  await insertRows(knex, 'events', [row('mixed-1'), { ...rest, external_id }]);
  const stored = await knex('events').select('external_id', 'channel').where('name', 'mixed').orderBy('id');
  expect(stored).toEqual([
    { external_id: 'mixed-1', channel: 'WEB' },
    { external_id: 'mixed-2', channel: 'WEB' },
  ]);
});
