import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths';
import { expectAgreement } from './support/agreement';
import { recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { expectedPurchases } from '../src/value/bgnbd';
import { refreshMetrics } from '../src/value/metrics.service';
import { createTestDatabase, type TestDatabase } from './support/database';

/**
 * End to end on the CDNOW sample: its transactions go in through the ingestion
 * services (orders at midnight UTC on their date) and one refresh as of
 * 1997-09-30 must reproduce the published model estimates.
 */
const SAMPLE = join(PROJECT_ROOT, 'test', 'fixtures', 'cdnow', 'CDNOW_sample.txt');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const lines = readFileSync(SAMPLE, 'utf8').trim().split(/\r?\n/);
  const orders = lines.map((line, i) => {
    const [, sampleId, date, , dollars] = line.trim().split(/\s+/);
    return {
      externalId: `cdnow-${i}`,
      customerExternalId: `cdnow-${sampleId}`,
      orderedAt: new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T00:00:00Z`),
      amount: Number(dollars),
      currency: 'USD',
    };
  });
  const knex = database.db.fork().getKnex();
  const customers = [...new Set(orders.map((order) => order.customerExternalId))].map((externalId) => ({
    externalId,
  }));
  expect(customers).toHaveLength(2357);
  expect((await upsertCustomers(knex, customers)).accepted).toBe(2357);
  for (let i = 0; i < orders.length; i += 5000) {
    const result = await recordOrders(knex, orders.slice(i, i + 5000), 'USD');
    expect(result.rejected).toEqual([]);
  }
});
afterAll(async () => database.drop());

test('refreshMetrics(asOf 1997-09-30) on CDNOW reproduces the published BG/NBD and Gamma-Gamma estimates', async () => {
  const fit = await refreshMetrics(database.db.fork().getKnex(), new Date('1997-09-30T00:00:00Z'));
  expect(fit.customers).toBe(2357);
  expectAgreement(fit.bgnbd!.r, 0.243, 3);
  expectAgreement(fit.bgnbd!.alpha, 4.414, 3);
  expectAgreement(fit.bgnbd!.a, 0.793, 3);
  expectAgreement(fit.bgnbd!.b, 2.426, 3);
  expectAgreement(fit.bgnbd!.logLikelihood, -9582.4, 3);
  expect(fit.gammaGamma!.customers).toBe(946);
  expectAgreement(fit.gammaGamma!.p, 6.25, 2);
  expectAgreement(fit.gammaGamma!.q, 3.74, 2);
  expectAgreement(fit.gammaGamma!.v, 15.44, 2);
  expect(expectedPurchases(fit.bgnbd!, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 2);

  // The first sample customer is that x = 2, t_x = 30.43, T = 38.86 customer.
  const knex = database.db.fork().getKnex();
  const first = await knex('customer_metrics as m')
    .join('customers as c', 'c.id', 'm.customer_id')
    .where('c.external_id', 'cdnow-0001')
    .first('m.*');
  expect(Number(first.repeat_occasions)).toBe(2);
  expect(Number(first.last_occasion_day) - Number(first.first_occasion_day)).toBe(213);
  const e39 = expectedPurchases(
    fit.bgnbd!,
    39,
    2,
    213 / 7,
    (Date.parse('1997-09-30T00:00:00Z') / 86_400_000 - Number(first.first_occasion_day)) / 7,
  );
  expect(e39).toBeCloseTo(1.226, 2);
  expect(Number(first.probability_alive)).toBeGreaterThan(0);
  expect(Number(first.probability_alive)).toBeLessThanOrEqual(1);
  expect(Number(first.predicted_lifetime_value)).toBeGreaterThan(0);
  // Only orders at or before asOf count: the sample runs to mid-1998.
  const [{ n }] = await knex('customer_metrics')
    .where('last_order_at', '>', Date.parse('1997-09-30T00:00:00Z'))
    .count({ n: '*' });
  expect(Number(n)).toBe(0);
});
