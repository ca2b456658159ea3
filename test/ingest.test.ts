import {
  CustomerByExternalIdDocument,
  RecordEventsDocument,
  RecordOrdersDocument,
  UpsertCustomersDocument,
} from './generated/operations';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.stop());

async function count(table: string): Promise<number> {
  const [row] = await server.db.fork().getKnex()(table).count({ n: '*' });
  return Number(row.n);
}

async function upsert(customers: Array<Record<string, unknown>>) {
  const result = await server.run(UpsertCustomersDocument, { customers: customers as never });
  expect(result.errors).toBeUndefined();
  return result.data!.upsertCustomers;
}

async function orders(items: Array<Record<string, unknown>>) {
  const result = await server.run(RecordOrdersDocument, { orders: items as never });
  expect(result.errors).toBeUndefined();
  return result.data!.recordOrders;
}

async function events(items: Array<Record<string, unknown>>) {
  const result = await server.run(RecordEventsDocument, { events: items as never });
  expect(result.errors).toBeUndefined();
  return result.data!.recordEvents;
}

async function customer(externalId: string) {
  const result = await server.run(CustomerByExternalIdDocument, { externalId });
  expect(result.errors).toBeUndefined();
  return result.data!.customer;
}

describe('upsertCustomers', () => {
  test('a new customer starts as a lead, opted out, with no interests and {} attributes', async () => {
    expect(await upsert([{ externalId: 'new-1' }])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const stored = await customer('new-1');
    expect(stored).toMatchObject({
      lifecycleStage: 'LEAD',
      emailOptIn: false,
      smsOptIn: false,
      interests: [],
      attributes: {},
      email: null,
    });
    expect(Date.parse(stored!.createdAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  test('stores every identity field and reads it back', async () => {
    const input = {
      externalId: 'full-1',
      email: 'ada@example.com',
      phone: '+33600000000',
      firstName: 'Ada',
      lastName: 'Lovelace',
      birthDate: '1990-12-10T00:00:00.000Z',
      gender: 'FEMALE',
      country: 'fr',
      region: 'Île-de-France',
      city: 'Paris',
      postalCode: '75011',
      companyName: 'Analytical SA',
      industry: 'software',
      companySize: 120,
      jobTitle: 'Purchasing Director',
      jobFunction: 'purchasing',
      lifecycleStage: 'QUALIFIED',
      acquisitionSource: 'trade_show',
      interests: ['tech', 'books', 'tech'],
      emailOptIn: true,
      smsOptIn: true,
      attributes: { loyalty_tier: 'gold', nps: 9, vip: true },
      lastVerifiedAt: '2026-01-02T03:04:05.678+01:00',
      createdAt: '2020-05-01T00:00:00Z',
    };
    expect(await upsert([input])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const stored = await customer('full-1');
    expect(stored).toMatchObject({
      ...input,
      country: 'FR',
      interests: ['tech', 'books'],
      lastVerifiedAt: '2026-01-02T02:04:05.678Z',
      createdAt: '2020-05-01T00:00:00.000Z',
    });
    // The index tables mirror the lists so that filters can use them.
    const knex = server.db.fork().getKnex();
    const tags = await knex('customer_interests')
      .where('customer_id', Number(stored!.id))
      .orderBy('tag')
      .pluck('tag');
    expect(tags).toEqual(['books', 'tech']);
    const attributes = await knex('customer_attributes')
      .where('customer_id', Number(stored!.id))
      .orderBy('key');
    expect(attributes.map((row: any) => [row.key, row.value_type])).toEqual([
      ['loyalty_tier', 'string'],
      ['nps', 'number'],
      ['vip', 'boolean'],
    ]);
  });

  test('a field left out keeps its value, an explicit null clears it', async () => {
    await upsert([
      { externalId: 'patch-1', email: 'a@example.com', city: 'Lyon', interests: ['wine'], emailOptIn: true },
    ]);
    expect(await upsert([{ externalId: 'patch-1', city: null, interests: null }])).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [],
    });
    const stored = await customer('patch-1');
    expect(stored).toMatchObject({ email: 'a@example.com', city: null, interests: [], emailOptIn: true });
    const knex = server.db.fork().getKnex();
    const [{ n }] = await knex('customer_interests')
      .where('customer_id', Number(stored!.id))
      .count({ n: '*' });
    expect(Number(n)).toBe(0);
  });

  test('a replay changes nothing and counts as a duplicate', async () => {
    const batch = [{ externalId: 'dup-1', email: 'd@example.com', attributes: { a: 1, b: 'x' } }];
    expect(await upsert(batch)).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const before = await customer('dup-1');
    // Same attributes in another key order are the same attributes.
    expect(
      await upsert([{ externalId: 'dup-1', email: 'd@example.com', attributes: { b: 'x', a: 1 } }]),
    ).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: [],
    });
    expect((await customer('dup-1'))!.updatedAt).toBe(before!.updatedAt);
  });

  test('invalid items are rejected with index, field and reason; the valid ones are stored', async () => {
    const result = await upsert([
      { externalId: 'mix-ok-1', city: 'Gent' },
      { externalId: '' },
      { externalId: 'mix-bad-email', email: 'not-an-email' },
      { externalId: 'mix-bad-country', country: 'FRA' },
      { externalId: 'mix-long', city: 'x'.repeat(256) },
      { externalId: 'mix-attr', attributes: { nested: { no: true } } },
      { externalId: 'mix-key', attributes: { 'bad key': 1 } },
      { externalId: 'mix-size', companySize: -1 },
      { externalId: 'mix-birth', birthDate: '2999-01-01T00:00:00Z' },
      { externalId: 'mix-ok-2', city: 'Liège' },
    ]);
    expect(result.accepted).toBe(2);
    expect(result.duplicates).toBe(0);
    expect(result.rejected.map((error) => [error.index, error.externalId, error.field])).toEqual([
      [1, '', 'externalId'],
      [2, 'mix-bad-email', 'email'],
      [3, 'mix-bad-country', 'country'],
      [4, 'mix-long', 'city'],
      [5, 'mix-attr', 'attributes.nested'],
      [6, 'mix-key', 'attributes.bad key'],
      [7, 'mix-size', 'companySize'],
      [8, 'mix-birth', 'birthDate'],
    ]);
    for (const error of result.rejected) expect(error.message.length).toBeGreaterThan(5);
    expect(await customer('mix-ok-2')).not.toBeNull();
    expect(await customer('mix-bad-email')).toBeNull();
  });

  test('a batch over 5,000 items is refused whole with BAD_USER_INPUT', async () => {
    const before = await count('customers');
    const customers = Array.from({ length: 5001 }, (_, i) => ({ externalId: `big-${i}` }));
    const { status, body } = await server.post(
      'mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }',
      { c: customers },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'customers' });
    expect(await count('customers')).toBe(before);
  });

  test('a value GraphQL cannot type (unknown enum, malformed date) fails the request before anything is written', async () => {
    const before = await count('customers');
    const { body } = await server.post(
      'mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }',
      {
        c: [{ externalId: 'typed-ok' }, { externalId: 'typed-bad', birthDate: '2020-02-30' }],
      },
    );
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toContain('c[1].birthDate');
    expect(await count('customers')).toBe(before);
  });
});

describe('recordOrders and recordEvents', () => {
  beforeAll(async () => {
    await upsert([{ externalId: 'buyer-1' }, { externalId: 'buyer-2' }]);
  });

  test('an externalId sent twice in one batch: the same content is a duplicate, other content is rejected', async () => {
    const event = {
      externalId: 'twice-1',
      customerExternalId: 'buyer-1',
      name: 'page_viewed',
      occurredAt: '2026-03-01T10:00:00Z',
      properties: { a: 1, b: 'x' },
    };
    // Same properties written in another key order: the same content.
    const same = { ...event, properties: { b: 'x', a: 1 } };
    const other = { ...event, name: 'message_sent' };
    const otherCustomer = { ...event, customerExternalId: 'buyer-2' };
    const conflict = (index: number) => ({
      index,
      externalId: 'twice-1',
      field: 'externalId',
      message: 'externalId "twice-1" is already recorded with other content',
    });
    expect(await events([event, same, other, otherCustomer])).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: [conflict(2), conflict(3)],
    });
    // Against the stored row, next batch: the same answers.
    expect(await events([other, same])).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: [conflict(0)],
    });
  });

  test('orders are stored with defaults, categories are indexed, and a replay counts duplicates', async () => {
    const batch = [
      {
        externalId: 'o-1',
        customerExternalId: 'buyer-1',
        orderedAt: '2026-03-01T10:00:00.123Z',
        amount: 99.9,
        categories: ['books', 'music'],
      },
      {
        externalId: 'o-2',
        customerExternalId: 'buyer-1',
        orderedAt: '2026-03-02T10:00:00Z',
        amount: 0,
        currency: 'usd',
        channel: 'STORE',
      },
    ];
    expect(await orders(batch)).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await orders(batch)).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    const knex = server.db.fork().getKnex();
    const stored = await knex('orders').whereIn('external_id', ['o-1', 'o-2']).orderBy('external_id');
    expect(stored.map((row: any) => [row.currency, row.channel, Number(row.ordered_at)])).toEqual([
      ['EUR', 'OTHER', Date.parse('2026-03-01T10:00:00.123Z')],
      ['USD', 'STORE', Date.parse('2026-03-02T10:00:00Z')],
    ]);
    const categories = await knex('order_categories')
      .where('order_id', stored[0].id)
      .orderBy('category')
      .pluck('category');
    expect(categories).toEqual(['books', 'music']);
  });

  test('an unknown customer, a negative amount and a reused externalId with other content are rejected; the rest is stored', async () => {
    const before = await count('orders');
    const result = await orders([
      { externalId: 'm-1', customerExternalId: 'buyer-2', orderedAt: '2026-04-01T00:00:00Z', amount: 10 },
      { externalId: 'm-2', customerExternalId: 'nobody', orderedAt: '2026-04-01T00:00:00Z', amount: 10 },
      { externalId: 'm-3', customerExternalId: 'buyer-2', orderedAt: '2026-04-01T00:00:00Z', amount: -5 },
      {
        externalId: 'o-1',
        customerExternalId: 'buyer-1',
        orderedAt: '2026-03-01T10:00:00.123Z',
        amount: 100,
      },
      {
        externalId: 'm-4',
        customerExternalId: 'buyer-2',
        orderedAt: '2026-04-01T00:00:00Z',
        amount: 10,
        currency: 'EURO',
      },
      {
        externalId: 'm-5',
        customerExternalId: 'buyer-2',
        orderedAt: '2026-04-01T00:00:00Z',
        amount: 10,
        categories: ['x'.repeat(101)],
      },
      { externalId: 'm-1', customerExternalId: 'buyer-2', orderedAt: '2026-04-01T00:00:00Z', amount: 10 },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.duplicates).toBe(1);
    expect(result.rejected.map((error) => [error.index, error.field])).toEqual([
      [1, 'customerExternalId'],
      [2, 'amount'],
      [3, 'externalId'],
      [4, 'currency'],
      [5, 'categories.0'],
    ]);
    expect(result.rejected[0].message).toContain('nobody');
    expect(await count('orders')).toBe(before + 1);
  });

  test('events are stored with their properties; invalid ones are rejected per item', async () => {
    const result = await events([
      {
        externalId: 'e-1',
        customerExternalId: 'buyer-1',
        name: 'message_sent',
        channel: 'EMAIL',
        occurredAt: '2026-05-01T08:00:00Z',
        properties: { campaign: 'spring' },
      },
      {
        externalId: 'e-2',
        customerExternalId: 'buyer-1',
        name: 'page_viewed',
        occurredAt: '2026-05-01T08:01:00Z',
      },
      {
        externalId: 'e-3',
        customerExternalId: 'ghost',
        name: 'page_viewed',
        occurredAt: '2026-05-01T08:01:00Z',
      },
      { externalId: 'e-4', customerExternalId: 'buyer-1', name: ' ', occurredAt: '2026-05-01T08:01:00Z' },
      {
        externalId: 'e-5',
        customerExternalId: 'buyer-1',
        name: 'x',
        occurredAt: '2026-05-01T08:01:00Z',
        properties: { list: [1, 2] },
      },
      { externalId: 'e-6', customerExternalId: 'buyer-1', name: 'x', occurredAt: '1800-01-01T00:00:00Z' },
    ]);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((error) => [error.index, error.field])).toEqual([
      [2, 'customerExternalId'],
      [3, 'name'],
      [4, 'properties.list'],
      [5, 'occurredAt'],
    ]);
    const stored = await customer('buyer-1');
    expect(stored!.events.totalCount).toBe(1); // the example asks for message_sent only
    expect(stored!.events.edges[0].node).toEqual({
      occurredAt: '2026-05-01T08:00:00.000Z',
      channel: 'EMAIL',
      properties: { campaign: 'spring' },
    });
    expect(
      await events([
        {
          externalId: 'e-1',
          customerExternalId: 'buyer-1',
          name: 'message_sent',
          channel: 'EMAIL',
          occurredAt: '2026-05-01T08:00:00Z',
          properties: { campaign: 'spring' },
        },
      ]),
    ).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: [],
    });
  });

  test('a failure while writing leaves nothing of the batch behind', async () => {
    const before = await count('orders');
    const knex = server.db.fork().getKnex();
    // Make the second statement of the write fail: categories cannot be indexed once the table is gone.
    await knex.schema.renameTable('order_categories', 'order_categories_away');
    try {
      const { body } = await server.post(
        'mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { accepted } }',
        {
          o: [
            {
              externalId: 'atomic-1',
              customerExternalId: 'buyer-2',
              orderedAt: '2026-06-01T00:00:00Z',
              amount: 1,
              categories: ['a'],
            },
          ],
        },
      );
      expect(body.errors?.[0]).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(JSON.stringify(body)).not.toMatch(/order_categories|insert|sqlite|relation/i);
    } finally {
      await knex.schema.renameTable('order_categories_away', 'order_categories');
    }
    expect(await count('orders')).toBe(before);
    expect(server.logged.length).toBeGreaterThan(0);
  });
});
