import { recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { startTestServer, type TestServer } from './support/server';

/**
 * Days since the last order are whole days, floor((asOf − last order) / 24 h),
 * whatever the times of day: asOf and the orders here are off midnight, and
 * several customers sit a few hours either side of a whole number of days.
 */
const AS_OF = new Date('2026-06-01T15:37:12.345Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** (customer, how long before asOf its only order was): expected whole days in the comment. */
const LAST_ORDERS: Array<[string, number]> = [
  ['old', 400 * DAY + 5 * HOUR], // 400
  ['almost31', 31 * DAY - 1], // 30
  ['past30', 30 * DAY + HOUR], // 30
  ['exactly30', 30 * DAY], // 30
  ['under30', 30 * DAY - HOUR], // 29
  ['yesterdayEvening', 16 * HOUR + 37 * 60_000], // 0: the previous calendar day, but less than 24 h ago
  ['minutesAgo', 10 * 60_000], // 0
];
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const knex = server.db.fork().getKnex();
  await upsertCustomers(knex, [...LAST_ORDERS.map(([id]) => ({ externalId: id })), { externalId: 'none' }]);
  const orders = LAST_ORDERS.map(([id, ago]) => ({
    externalId: `${id}-1`,
    customerExternalId: id,
    orderedAt: new Date(AS_OF.getTime() - ago),
    amount: 10,
  }));
  expect((await recordOrders(knex, orders, 'EUR')).rejected).toEqual([]);
  const refreshed = await server.post(
    'mutation($asOf: DateTime) { refreshMetrics(asOf: $asOf) { customers } }',
    { asOf: AS_OF.toISOString() },
  );
  expect(refreshed.body.errors).toBeUndefined();
});
afterAll(async () => server.stop());

test('refreshMetrics stores whole days since the last order, floored', async () => {
  const rows = await server.db
    .fork()
    .getKnex()('customer_metrics as m')
    .join('customers as c', 'c.id', 'm.customer_id')
    .select('c.external_id', 'm.days_since_last_order');
  const stored = Object.fromEntries(rows.map((row: any) => [row.external_id, row.days_since_last_order]));
  expect(stored).toEqual({
    old: 400,
    almost31: 30,
    past30: 30,
    exactly30: 30,
    under30: 29,
    yesterdayEvening: 0,
    minutesAgo: 0,
    none: null,
  });
});

test('Customer.value answers daysSinceLastOrder as an Int, and recency scores tie on whole days', async () => {
  const { body } = await server.post(
    '{ customers(first: 20) { edges { node { externalId value { daysSinceLastOrder recencyScore } } } } }',
  );
  expect(body.errors).toBeUndefined();
  const value = Object.fromEntries(
    body.data.customers.edges.map((edge: any) => [edge.node.externalId, edge.node.value]),
  );
  // Ranked by days, most first, ties sharing a rank: 400 (1), 30 ×3 (2), 29 (5), 0 ×2 (6) among 7 buyers,
  // so the scores are 1 + floor(5 (rank − 1) / 6).
  expect(value).toEqual({
    old: { daysSinceLastOrder: 400, recencyScore: 1 },
    almost31: { daysSinceLastOrder: 30, recencyScore: 1 },
    past30: { daysSinceLastOrder: 30, recencyScore: 1 },
    exactly30: { daysSinceLastOrder: 30, recencyScore: 1 },
    under30: { daysSinceLastOrder: 29, recencyScore: 4 },
    yesterdayEvening: { daysSinceLastOrder: 0, recencyScore: 5 },
    minutesAgo: { daysSinceLastOrder: 0, recencyScore: 5 },
    none: { daysSinceLastOrder: null, recencyScore: null },
  });
});

test('the daysSinceLastOrder criterion matches whole days', async () => {
  const members = async (criterion: string) => {
    const { body } = await server.post(
      `{ customers(first: 20, filter: { value: { daysSinceLastOrder: ${criterion} } }) { edges { node { externalId } } } }`,
    );
    expect(body.errors).toBeUndefined();
    return body.data.customers.edges.map((edge: any) => edge.node.externalId).sort();
  };
  expect(await members('{ eq: 30 }')).toEqual(['almost31', 'exactly30', 'past30']);
  expect(await members('{ in: [0, 29] }')).toEqual(['minutesAgo', 'under30', 'yesterdayEvening']);
  expect(await members('{ gt: 29, lt: 31 }')).toEqual(['almost31', 'exactly30', 'past30']);
  expect(await members('{ lte: 0 }')).toEqual(['minutesAgo', 'yesterdayEvening']);
});
