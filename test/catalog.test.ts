import { upsertCustomers } from '../src/ingest/customer-ingest';
import { CATALOG_LIMITS, catalogValues } from '../src/catalog/catalog.service';
import { generateCustomer, type GeneratedCustomer } from '../seeds/generator';
import { storeGenerated } from '../seeds/load';
import { CatalogDocument } from './generated/operations';
import { startTestServer, type TestServer } from './support/server';

/**
 * The catalog for pickers, on a seeded base: every list and count equal to the
 * one counted here from the generated data itself, `first` cutting the largest,
 * and the one-minute memory of an answer.
 */
let server: TestServer;
let generated: GeneratedCustomer[];
const until = new Date(Date.UTC(2026, 10, 1));
const statements: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => statements.push(sql) });
  generated = Array.from({ length: 120 }, (_, i) => generateCustomer(i, { seed: 23, until }));
  await storeGenerated(server.db.fork().getKnex(), generated);
}, 120_000);
afterAll(async () => server.stop());

type Counted = Array<{ value: string; count: number }>;

/** Counts as the catalog lists them: largest first, ties by value. */
function ranked(counts: Map<string, number>): Counted {
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : 1));
}
function tally<T>(items: T[], keysOf: (item: T) => Iterable<unknown>): Counted {
  const counts = new Map<string, number>();
  for (const item of items)
    for (const key of new Set(keysOf(item))) {
      if (key === null || key === undefined) continue;
      counts.set(String(key), (counts.get(String(key)) ?? 0) + 1);
    }
  return ranked(counts);
}

const customers = () => generated.map((g) => g.customer);
const orders = () => generated.flatMap((g) => g.orders) as Array<{ categories?: string[] }>;
const events = () =>
  generated.flatMap((g) => g.events) as Array<{
    name: string;
    channel: string;
    properties: Record<string, unknown>;
  }>;

test('each list holds the values of the seeded data with their counts, largest first', async () => {
  const answer = await server.run(CatalogDocument, { first: 500 });
  expect(answer.errors).toBeUndefined();
  const catalog = answer.data!.catalog;

  expect(catalog.countries).toEqual(tally(customers(), (c) => [c.country]));
  expect(catalog.jobFunctions).toEqual(tally(customers(), (c) => [c.jobFunction]));
  expect(catalog.industries).toEqual(tally(customers(), (c) => [c.industry]));
  expect(catalog.interests).toEqual(tally(customers(), (c) => (c.interests ?? []) as string[]));
  expect(catalog.categories).toEqual(tally(orders(), (o) => o.categories ?? []));
  expect(catalog.countries.length).toBeGreaterThan(3);
  expect(catalog.categories.length).toBeGreaterThan(3);

  const attributes = tally(customers(), (c) =>
    Object.entries(c.attributes ?? {}).map(([key, value]) => `${key}:${typeof value}`),
  ).map(({ value, count }) => {
    const [key, type] = value.split(':');
    return { key, type: type.toUpperCase(), customers: count };
  });
  // Ties (same count) are ordered by key, then type, as the statement orders them.
  expect(catalog.attributes).toEqual(
    attributes.sort((x, y) => y.customers - x.customers || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)),
  );
  expect(catalog.attributes.map((a) => a.type)).toEqual(
    expect.arrayContaining(['STRING', 'NUMBER', 'BOOLEAN']),
  );

  const names = tally(events(), (e) => [e.name]);
  // Every name has fewer events than the sample reads, so its channels and keys are exact counts here.
  expect(Math.max(...names.map((n) => n.count))).toBeLessThan(CATALOG_LIMITS.eventSample);
  expect(catalog.events).toEqual(
    names.map(({ value: name, count }) => {
      const ofName = events().filter((e) => e.name === name);
      return {
        name,
        events: count,
        sampled: count,
        channels: tally(ofName, (e) => [e.channel]).map(({ value, count: n }) => ({
          channel: value,
          count: n,
        })),
        properties: tally(ofName, (e) => Object.keys(e.properties)),
      };
    }),
  );
  expect(catalog.events.some((e) => e.properties.length > 0)).toBe(true);
});

test('first keeps the most frequent values; past 500 it is refused at its path', async () => {
  const all = (await server.run(CatalogDocument, { first: 500 })).data!.catalog;
  const two = (await server.run(CatalogDocument, { first: 2 })).data!.catalog;
  expect(two.countries).toEqual(all.countries.slice(0, 2));
  expect(two.events.map((e) => e.name)).toEqual(all.events.slice(0, 2).map((e) => e.name));
  const refused = await server.run(CatalogDocument, { first: 501 });
  expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(refused.errors?.[0].extensions?.path).toBe('first');
});

test('an answer is kept for a minute per store, then counted again', async () => {
  const knex = server.db.fork().getKnex();
  const at = Date.UTC(2030, 0, 1);
  const before = await catalogValues(knex, 'countries', 500, at);
  await upsertCustomers(knex, [{ externalId: 'new-in-iceland', country: 'IS' }]);
  statements.length = 0;
  const kept = await catalogValues(knex, 'countries', 500, at + CATALOG_LIMITS.cacheMs - 1);
  expect(kept).toEqual(before);
  expect(statements).toEqual([]);
  const fresh = await catalogValues(knex, 'countries', 500, at + CATALOG_LIMITS.cacheMs);
  expect(fresh).toContainEqual({ value: 'IS', count: 1 });
  expect(fresh.length).toBe(before.length + 1);
});
