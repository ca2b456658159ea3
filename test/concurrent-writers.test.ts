import { openDatabase } from '../src/orm/database';
import { recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { countCustomers } from '../src/customers/customer.service';
import { createTestTarget } from './support/database';
import { startTestServer, type TestServer } from './support/server';

/**
 * Two handles on one store — a second process on the same SQLite file, the
 * keys CLI or a seeding script beside the service — write and read at the
 * same time: every batch is stored, none fails with "database is locked".
 */
test('concurrent writers on separate connections never see "database is locked"', async () => {
  const target = await createTestTarget();
  const first = await openDatabase(target.target);
  const second = await openDatabase(target.target);
  try {
    await upsertCustomers(
      first.fork().getKnex(),
      Array.from({ length: 100 }, (_, i) => ({ externalId: `c${i}` })),
    );
    const writer = async (db: typeof first, tag: string) => {
      const outcomes: string[] = [];
      for (let batch = 0; batch < 20; batch++) {
        const orders = Array.from({ length: 200 }, (_, i) => ({
          externalId: `${tag}-${batch}-${i}`,
          customerExternalId: `c${i % 100}`,
          orderedAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
          amount: 5 + i,
          currency: 'EUR',
          channel: 'WEB',
          categories: [],
        }));
        try {
          const result = await recordOrders(db.fork().getKnex(), orders, 'EUR');
          outcomes.push(result.accepted === 200 ? 'ok' : `accepted ${result.accepted}`);
        } catch (error) {
          outcomes.push(error instanceof Error ? error.message.slice(-60) : String(error));
        }
        await countCustomers(db.fork());
      }
      return outcomes;
    };
    const [a, b] = await Promise.all([writer(first, 'a'), writer(second, 'b')]);
    expect([...a, ...b].filter((outcome) => outcome !== 'ok')).toEqual([]);
    const [{ n }] = await first.fork().getKnex()('orders').count({ n: '*' });
    expect(Number(n)).toBe(2 * 20 * 200);
  } finally {
    await first.close();
    await second.close();
    await target.remove();
  }
});

/**
 * Many clients sending the same ingestion at once through the service (an
 * integrator's retries, two workers of one sync): on PostgreSQL they run in
 * parallel transactions. A replay must still count as a duplicate and no
 * field of any request may be lost, whoever commits first.
 */
describe('concurrent identical ingestion through the service', () => {
  const CLIENTS = 12;
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.stop());

  type Tally = { accepted: number; duplicates: number; rejected: unknown[] };
  async function send(field: string, argument: string, type: string, items: unknown[]): Promise<Tally> {
    const { status, body } = await server.post(
      `mutation($items: [${type}!]!) { ${field}(${argument}: $items) { accepted duplicates rejected { index message } } }`,
      { items },
    );
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data[field];
  }
  const all = (results: Tally[]) => ({
    accepted: results.reduce((sum, r) => sum + r.accepted, 0),
    duplicates: results.reduce((sum, r) => sum + r.duplicates, 0),
    rejected: results.flatMap((r) => r.rejected),
  });
  const rounds = <T>(make: (client: number) => Promise<T>) =>
    Promise.all(Array.from({ length: CLIENTS }, (_, client) => make(client)));

  test('the same new customers: one request stores them, the others are duplicates', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => ({
      externalId: `same-${i}`,
      city: 'Nantes',
      interests: ['a', 'b'],
      attributes: { tier: 'gold' },
    }));
    const results = await rounds((client) =>
      send('upsertCustomers', 'customers', 'CustomerInput', client % 2 ? [...batch].reverse() : batch),
    );
    expect(all(results)).toEqual({ accepted: 30, duplicates: 30 * (CLIENTS - 1), rejected: [] });
    const rows = await server.db
      .fork()
      .getKnex()('customers')
      .where('external_id', 'like', 'same-%')
      .select('city');
    expect(rows).toHaveLength(30);
    const [interests] = await server.db.fork().getKnex()('customer_interests').count({ n: '*' });
    expect(Number(interests.n)).toBe(60);
    expect(server.logged).toEqual([]);
  });

  test('the same new customers, each request setting another field: every field is kept', async () => {
    const fields = [
      'firstName',
      'lastName',
      'region',
      'city',
      'postalCode',
      'companyName',
      'industry',
      'jobTitle',
      'jobFunction',
      'acquisitionSource',
      'phone',
      'email',
    ];
    expect(fields).toHaveLength(CLIENTS);
    const value = (field: string) => (field === 'email' ? 'fields@example.org' : `${field}-value`);
    const ids = Array.from({ length: 500 }, (_, i) => `fields-${i}`);
    const results = await rounds((client) =>
      send(
        'upsertCustomers',
        'customers',
        'CustomerInput',
        ids.map((externalId) => ({ externalId, [fields[client]]: value(fields[client]) })),
      ),
    );
    expect(all(results)).toEqual({ accepted: CLIENTS * ids.length, duplicates: 0, rejected: [] });
    const column = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    const rows = await server.db
      .fork()
      .getKnex()('customers')
      .whereIn('external_id', ids)
      .select(fields.map(column));
    expect(rows).toHaveLength(ids.length);
    const expected = Object.fromEntries(fields.map((field) => [column(field), value(field)]));
    for (const row of rows) expect(row).toEqual(expected);
  });

  test('the same new orders and events: stored once, every replay a duplicate', async () => {
    await send(
      'upsertCustomers',
      'customers',
      'CustomerInput',
      Array.from({ length: 10 }, (_, i) => ({ externalId: `buyer-${i}` })),
    );
    const orders = Array.from({ length: 40 }, (_, i) => ({
      externalId: `race-o${i}`,
      customerExternalId: `buyer-${i % 10}`,
      orderedAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      amount: 10 + i,
      categories: ['shoes', `c${i % 3}`],
    }));
    const events = orders.map((order, i) => ({
      externalId: `race-e${i}`,
      customerExternalId: order.customerExternalId,
      name: 'visit',
      occurredAt: order.orderedAt,
      properties: { i },
    }));
    const shuffled = <T>(items: T[], client: number) =>
      items
        .map((item, i) => [(i * (client + 7)) % 41, item] as const)
        .sort(([a], [b]) => a - b)
        .map(([, item]) => item);
    const [orderResults, eventResults] = await Promise.all([
      rounds((client) => send('recordOrders', 'orders', 'OrderInput', shuffled(orders, client))),
      rounds((client) => send('recordEvents', 'events', 'EventInput', shuffled(events, client))),
    ]);
    expect(all(orderResults)).toEqual({ accepted: 40, duplicates: 40 * (CLIENTS - 1), rejected: [] });
    expect(all(eventResults)).toEqual({ accepted: 40, duplicates: 40 * (CLIENTS - 1), rejected: [] });
    const knex = server.db.fork().getKnex();
    expect(Number((await knex('orders').count({ n: '*' }))[0].n)).toBe(40);
    expect(Number((await knex('order_categories').count({ n: '*' }))[0].n)).toBe(80);
    expect(Number((await knex('events').count({ n: '*' }))[0].n)).toBe(40);
    expect(server.logged).toEqual([]);
  });
});
