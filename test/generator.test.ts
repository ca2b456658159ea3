import { Channel, MESSAGE_SENT } from '../src/common/enums';
import { customerPatch } from '../src/ingest/customer-ingest';
import { DemoSeeder } from '../seeds/DemoSeeder';
import { generateCustomer } from '../seeds/generator';
import { createTestDatabase } from './support/database';

const options = { seed: 7, until: new Date(Date.UTC(2026, 10, 1)) };
const base = Array.from({ length: 3000 }, (_, i) => generateCustomer(i, options));

test('the same seed makes the same base; another seed another one', () => {
  expect(generateCustomer(123, options)).toEqual(base[123]);
  expect(JSON.stringify(generateCustomer(123, { ...options, seed: 8 }))).not.toEqual(
    JSON.stringify(base[123]),
  );
});

test('every generated customer passes ingestion validation', () => {
  for (const { customer } of base) expect(() => customerPatch(customer)).not.toThrow();
});

test('the base is believable: B2B and B2C, several countries, nulls, stale records, opt-ins', () => {
  const customers = base.map((g) => g.customer);
  const share = (predicate: (c: (typeof customers)[number]) => boolean) =>
    customers.filter(predicate).length / customers.length;
  expect(share((c) => c.companyName !== null)).toBeGreaterThan(0.2);
  expect(share((c) => c.companyName === null)).toBeGreaterThan(0.6);
  expect(new Set(customers.map((c) => c.country)).size).toBeGreaterThanOrEqual(8);
  expect(share((c) => c.birthDate === null)).toBeGreaterThan(0.03);
  expect(share((c) => c.phone === null)).toBeGreaterThan(0.2);
  const fourYearsAgo = options.until.getTime() - 4 * 365 * 86_400_000;
  expect(
    share((c) => c.lastVerifiedAt instanceof Date && c.lastVerifiedAt.getTime() < fourYearsAgo),
  ).toBeGreaterThan(0.03);
  expect(share((c) => c.emailOptIn === true)).toBeGreaterThan(0.5);
  expect(new Set(customers.map((c) => c.lifecycleStage)).size).toBe(5);
  expect(share((c) => Array.isArray(c.interests) && c.interests.length > 0)).toBeGreaterThan(0.6);
});

test('purchases are heavy-tailed, seasonal and categorised; events cover every channel, message_sent included', () => {
  const counts = base.map((g) => g.orders.length).sort((a, b) => b - a);
  const total = counts.reduce((a, b) => a + b, 0);
  // The top 10% of customers make a large share of the orders; many never buy.
  expect(counts.slice(0, 300).reduce((a, b) => a + b, 0) / total).toBeGreaterThan(0.35);
  expect(counts.filter((n) => n === 0).length / counts.length).toBeGreaterThan(0.2);
  const orders = base.flatMap((g) => g.orders);
  const byMonth = new Array(12).fill(0);
  for (const order of orders) byMonth[(order.orderedAt as Date).getUTCMonth()] += 1;
  expect(byMonth[11]).toBeGreaterThan(1.5 * byMonth[7]);
  expect(orders.every((order) => (order.categories as string[]).length > 0)).toBe(true);
  expect(orders.every((order) => (order.orderedAt as Date).getTime() < options.until.getTime())).toBe(true);
  const events = base.flatMap((g) => g.events);
  expect(new Set(events.map((event) => event.channel))).toEqual(new Set(Object.values(Channel)));
  expect(events.some((event) => event.name === MESSAGE_SENT)).toBe(true);
  const monthAgo = options.until.getTime() - 30 * 86_400_000;
  expect(events.filter((event) => (event.occurredAt as Date).getTime() >= monthAgo).length).toBeGreaterThan(
    events.length * 0.05,
  );
});

test('the MikroORM demo seeder stores the first demo customers with their history', async () => {
  const { db, drop } = await createTestDatabase();
  try {
    await db.orm.getSeeder().seed(DemoSeeder);
    const knex = db.fork().getKnex();
    const [{ n }] = await knex('customers').count({ n: '*' });
    expect(Number(n)).toBe(DemoSeeder.customers);
    const [{ orders }] = await knex('orders').count({ orders: '*' });
    expect(Number(orders)).toBeGreaterThan(DemoSeeder.customers / 2);
  } finally {
    await drop();
  }
});
