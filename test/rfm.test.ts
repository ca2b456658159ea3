import { recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { quintileScore, rfmSegmentOf } from '../src/value/rfm';
import { RefreshMetricsDocument } from './generated/operations';
import { startTestServer, type TestServer } from './support/server';

/**
 * RFM by hand on six buyers and one contact without orders, ties included:
 * (orders, days since the last one): A (1, 400), B (1, 200), C (2, 100),
 * D (3, 40), E (5, 10), F (8, 10); every order is worth 10.
 */
const AS_OF = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const BUYERS: Array<[string, number, number]> = [
  ['A', 1, 400],
  ['B', 1, 200],
  ['C', 2, 100],
  ['D', 3, 40],
  ['E', 5, 10],
  ['F', 8, 10],
];
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const knex = server.db.fork().getKnex();
  await upsertCustomers(knex, [...BUYERS.map(([id]) => ({ externalId: id })), { externalId: 'G' }]);
  const orders = BUYERS.flatMap(([id, count, daysAgo]) =>
    Array.from({ length: count }, (_, k) => ({
      externalId: `${id}-${k}`,
      customerExternalId: id,
      orderedAt: new Date(AS_OF.getTime() - (daysAgo + 3 * k) * DAY),
      amount: 10,
    })),
  );
  // An order after asOf must not count.
  orders.push({
    externalId: 'A-late',
    customerExternalId: 'A',
    orderedAt: new Date(AS_OF.getTime() + DAY),
    amount: 1000,
  });
  expect((await recordOrders(knex, orders, 'EUR')).rejected).toEqual([]);
});
afterAll(async () => server.stop());

test('quintile scores give ties the same score', () => {
  expect([1, 1, 3, 4, 5, 6].map((rank) => quintileScore(rank, 6))).toEqual([1, 1, 3, 4, 5, 5]);
  expect(quintileScore(1, 1)).toBe(1);
  expect(rfmSegmentOf(5, 1)).toBe('NEW_CUSTOMERS');
  expect(rfmSegmentOf(1, 5)).toBe('CANNOT_LOSE');
});

test('refreshMetrics scores recency, frequency and monetary value with ties, and names the R × F segment', async () => {
  const refreshed = await server.run(RefreshMetricsDocument, { asOf: AS_OF.toISOString() });
  expect(refreshed.errors).toBeUndefined();
  expect(refreshed.data!.refreshMetrics.customers).toBe(6);
  const { body } = await server.post(
    `{ customers(first: 10) { edges { node { externalId value { orderCount lifetimeRevenue daysSinceLastOrder recencyScore frequencyScore monetaryScore rfmSegment } } } } }`,
  );
  const value = Object.fromEntries(
    body.data.customers.edges.map((edge: any) => [edge.node.externalId, edge.node.value]),
  );
  const scores = (id: string) => [
    value[id].recencyScore,
    value[id].frequencyScore,
    value[id].monetaryScore,
    value[id].rfmSegment,
  ];
  expect(scores('A')).toEqual([1, 1, 1, 'LOST']);
  expect(scores('B')).toEqual([2, 1, 1, 'HIBERNATING']);
  expect(scores('C')).toEqual([3, 3, 3, 'NEED_ATTENTION']);
  expect(scores('D')).toEqual([4, 4, 4, 'LOYAL']);
  expect(scores('E')).toEqual([5, 5, 5, 'CHAMPIONS']);
  expect(scores('F')).toEqual([5, 5, 5, 'CHAMPIONS']);
  expect(value.A).toMatchObject({ orderCount: 1, lifetimeRevenue: 10, daysSinceLastOrder: 400 });
  expect(value.G).toMatchObject({ orderCount: 0, lifetimeRevenue: 0, recencyScore: null, rfmSegment: null });

  const champions = await server.post(
    '{ evaluateSegment(filter: { value: { rfmSegment: [CHAMPIONS] } }) { size } }',
  );
  expect(champions.body.data.evaluateSegment.size).toBe(2);
  const model = await server.post('{ valueModel { asOf customers } }');
  expect(model.body.data.valueModel).toEqual({ asOf: AS_OF.toISOString(), customers: 6 });
});

test('ingestion refreshes metrics by itself after a quiet moment', async () => {
  const auto = await startTestServer({}, { metricsRefreshDelayMs: 50 });
  try {
    expect((await auto.post('{ metricsComputedAt valueModel { customers } }')).body.data).toEqual({
      metricsComputedAt: null,
      valueModel: null,
    });
    await auto.post('mutation { upsertCustomers(customers: [{ externalId: "auto-1" }]) { accepted } }');
    const before = Date.now();
    const recorded = await auto.post(
      `mutation { recordOrders(orders: [{ externalId: "auto-o1", customerExternalId: "auto-1", orderedAt: "${new Date(before - DAY).toISOString()}", amount: 42 }]) { accepted } }`,
    );
    expect(recorded.body.data.recordOrders.accepted).toBe(1);
    // The customer's upsert schedules a refresh too, which may run before the order arrives:
    // wait for the one that includes the order.
    let value: any = null;
    for (let attempt = 0; attempt < 100 && value?.orderCount !== 1; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = (
        await auto.post(
          '{ customer(externalId: "auto-1") { value { orderCount lifetimeRevenue computedAt } } }',
        )
      ).body.data.customer.value;
    }
    expect(value).toMatchObject({ orderCount: 1, lifetimeRevenue: 42 });
    const preview = await auto.post(
      '{ metricsComputedAt evaluateSegment(filter: { value: { orderCount: { gte: 1 } } }) { size metricsComputedAt } }',
    );
    expect(preview.body.data.evaluateSegment.size).toBe(1);
    expect(Date.parse(preview.body.data.metricsComputedAt)).toBeGreaterThanOrEqual(before);
    expect(preview.body.data.evaluateSegment.metricsComputedAt).toBe(preview.body.data.metricsComputedAt);
  } finally {
    await auto.stop();
  }
});
