import { evaluate } from '../src/filter/evaluate';
import { loadCustomerFacts } from '../src/filter/facts-loader';
import type { CustomerFacts } from '../src/filter/facts';
import type { SegmentFilter } from '../src/filter/types';
import { DAY_MS } from '../src/filter/types';
import { refreshMetrics } from '../src/value/metrics.service';
import { generateCustomer } from '../seeds/generator';
import { storeGenerated } from '../seeds/load';
import {
  CreatePersonaDocument,
  CreateSegmentDocument,
  MarketMapDocument,
  PersonaDistributionDocument,
  PreviewStatsDocument,
  SegmentOverlapDocument,
  SegmentPerformanceDocument,
  SegmentStatsDocument,
} from './generated/operations';
import { startTestServer, type TestServer } from './support/server';

/**
 * The analysis a marketer reads, tied together on a seeded base: market-map
 * cells against evaluateSegment and a direct count, overlap against sizes,
 * stats and performance against figures computed here from the raw data.
 */
let server: TestServer;
let facts: CustomerFacts[];
const statements: string[] = [];
const until = new Date(Date.UTC(2026, 10, 1));
const asOf = until;
const segmentIds: string[] = [];

const SEGMENTS: Array<{ name: string; filter: SegmentFilter }> = [
  { name: 'French', filter: { identity: { country: { eq: 'FR' } } } },
  { name: 'Bought in 180 days', filter: { behaviour: { purchase: { within: { lastDays: 180 } } } } },
  {
    name: 'Customers by email',
    filter: { identity: { lifecycleStage: ['CUSTOMER'] as never, emailOptIn: true } },
  },
];

const context = { asOf, segmentFilter: () => ({}), scoringRules: () => [], personaOrder: () => [] };
const members = (filter: SegmentFilter, at = asOf) =>
  facts.filter((customer) => evaluate(customer, filter, { ...context, asOf: at }));
const revenueOf = (customer: CustomerFacts, at = asOf) =>
  customer.orders.filter((order) => order.orderedAt <= at).reduce((sum, order) => sum + order.amount, 0);

/** docs/API.md's preferred channel, computed from the raw events: most customer-initiated events in 180 days, ties to the most recent, then by name. */
function preferredChannel(customer: CustomerFacts, at = asOf): string | null {
  const since = at.getTime() - 180 * DAY_MS;
  const byChannel = new Map<string, { n: number; last: number }>();
  for (const event of customer.events) {
    const t = event.occurredAt.getTime();
    if (event.name === 'message_sent' || t < since || t > at.getTime()) continue;
    const entry = byChannel.get(event.channel) ?? { n: 0, last: -Infinity };
    byChannel.set(event.channel, { n: entry.n + 1, last: Math.max(entry.last, t) });
  }
  const ranked = [...byChannel].sort(([a, x], [b, y]) => y.n - x.n || y.last - x.last || (a < b ? -1 : 1));
  return ranked.length ? ranked[0][0] : null;
}

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => statements.push(sql) });
  const knex = server.db.fork().getKnex();
  await storeGenerated(
    knex,
    Array.from({ length: 300 }, (_, i) => generateCustomer(i, { seed: 11, until })),
  );
  await refreshMetrics(knex, asOf);
  facts = await loadCustomerFacts(knex);
  for (const segment of SEGMENTS) {
    const created = await server.run(CreateSegmentDocument, {
      input: { name: segment.name, filter: segment.filter as never },
    });
    segmentIds.push(created.data!.createSegment.id);
  }
}, 120_000);
afterAll(async () => server.stop());

async function sizeOf(filter: unknown): Promise<number> {
  const result = await server.post(
    'query($f: SegmentFilter!, $asOf: DateTime) { evaluateSegment(filter: $f, asOf: $asOf) { size } }',
    { f: filter, asOf: asOf.toISOString() },
  );
  expect(result.body.errors).toBeUndefined();
  return result.body.data.evaluateSegment.size;
}

test('market map by age band × country: cells sum to the total, and each cell filter selects exactly its customers', async () => {
  const filter = { behaviour: { purchase: { within: { lastDays: 730 } } } };
  const result = await server.run(MarketMapDocument, {
    rows: 'AGE_BAND' as never,
    columns: 'COUNTRY' as never,
    filter,
    asOf: asOf.toISOString(),
  });
  expect(result.errors).toBeUndefined();
  const map = result.data!.marketMap;
  expect(map.rows).toEqual(
    expect.arrayContaining(['18–24', '25–34', '35–44', '45–54', '55–64', '65+', 'unknown']),
  );
  expect(map.cells).toHaveLength(map.rows.length * map.columns.length);
  expect(map.cells.reduce((sum, cell) => sum + cell.customers, 0)).toBe(map.total);
  expect(map.total).toBe(members(filter).length);
  expect(map.total).toBeGreaterThan(50);
  const revenue = members(filter).reduce((sum, customer) => sum + revenueOf(customer), 0);
  expect(map.cells.reduce((sum, cell) => sum + cell.revenue, 0)).toBeCloseTo(revenue, 6);
  let nonEmpty = 0;
  for (const cell of map.cells) {
    expect(cell.filter).not.toBeNull();
    const size = await sizeOf(cell.filter);
    expect({ row: cell.row, column: cell.column, size }).toEqual({
      row: cell.row,
      column: cell.column,
      size: cell.customers,
    });
    expect(members(cell.filter as SegmentFilter)).toHaveLength(cell.customers);
    if (cell.customers > 0) nonEmpty += 1;
  }
  expect(nonEmpty).toBeGreaterThan(5);
}, 120_000);

test('market map rows by company size band and columns by preferred channel agree with counts made here, and each cell filter selects exactly its customers', async () => {
  const result = await server.run(MarketMapDocument, {
    rows: 'COMPANY_SIZE_BAND' as never,
    columns: 'PREFERRED_CHANNEL' as never,
    asOf: asOf.toISOString(),
  });
  expect(result.errors).toBeUndefined();
  const map = result.data!.marketMap;
  expect(map.total).toBe(facts.length);
  expect(map.rows).toEqual(['1–9', '10–49', '50–249', '250–999', '1000+', 'unknown']);
  const band = (size: number | null) =>
    size === null
      ? 'unknown'
      : size <= 9
        ? '1–9'
        : size <= 49
          ? '10–49'
          : size <= 249
            ? '50–249'
            : size <= 999
              ? '250–999'
              : '1000+';
  const expected = new Map<string, number>();
  for (const customer of facts) {
    const key = JSON.stringify([band(customer.companySize), preferredChannel(customer) ?? 'none']);
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const got = new Map(
    map.cells
      .filter((cell) => cell.customers > 0)
      .map((cell) => [JSON.stringify([cell.row, cell.column]), cell.customers]),
  );
  expect(got).toEqual(expected);
  expect(new Set(map.cells.map((cell) => cell.column)).size).toBeGreaterThan(3);
  // Each cell's filter (value.preferredChannel, or its complement for "none") selects
  // exactly the customers whose key, computed here from the raw events, is the cell's.
  expect(map.columns).toContain('none');
  for (const cell of map.cells) {
    expect(cell.filter).not.toBeNull();
    const ids = facts
      .filter(
        (customer) =>
          band(customer.companySize) === cell.row && (preferredChannel(customer) ?? 'none') === cell.column,
      )
      .map((customer) => customer.id);
    expect({ cell: [cell.row, cell.column], customers: cell.customers }).toEqual({
      cell: [cell.row, cell.column],
      customers: ids.length,
    });
    expect(members(cell.filter as SegmentFilter).map((customer) => customer.id)).toEqual(ids);
    expect(await sizeOf(cell.filter)).toBe(ids.length);
  }
}, 120_000);

test('market map by RFM segment × country (a stored column through a join) agrees with counts made here and its cell filters', async () => {
  const filter = { identity: { lifecycleStage: ['CUSTOMER', 'LEAD'] as never } };
  const result = await server.run(MarketMapDocument, {
    rows: 'RFM_SEGMENT' as never,
    columns: 'COUNTRY' as never,
    filter,
    asOf: asOf.toISOString(),
  });
  expect(result.errors).toBeUndefined();
  const map = result.data!.marketMap;
  const selected = members(filter);
  expect(map.total).toBe(selected.length);
  const expected = new Map<string, { customers: number; revenue: number }>();
  for (const customer of selected) {
    const key = JSON.stringify([customer.metrics?.rfmSegment ?? 'unknown', customer.country ?? 'unknown']);
    const cell = expected.get(key) ?? { customers: 0, revenue: 0 };
    expected.set(key, { customers: cell.customers + 1, revenue: cell.revenue + revenueOf(customer) });
  }
  const got = new Map(
    map.cells
      .filter((cell) => cell.customers > 0)
      .map((cell) => [JSON.stringify([cell.row, cell.column]), cell]),
  );
  expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, cell] of got) {
    expect(cell.customers).toBe(expected.get(key)!.customers);
    expect(cell.revenue).toBeCloseTo(expected.get(key)!.revenue, 6);
  }
  // Customers without orders have no segment: the missing key is there, and more than one segment.
  expect(map.rows).toContain('unknown');
  expect(new Set([...got.keys()].map((key) => JSON.parse(key)[0])).size).toBeGreaterThan(3);
  for (const cell of map.cells.filter((candidate) => candidate.customers > 0)) {
    expect(members(cell.filter as SegmentFilter)).toHaveLength(cell.customers);
  }
});

test("a map of the whole base (no filter) sums each key's revenue up to asOf, as computed here", async () => {
  const at = new Date(asOf.getTime() - 200 * DAY_MS);
  const result = await server.run(MarketMapDocument, {
    rows: 'RFM_SEGMENT' as never,
    asOf: at.toISOString(),
  });
  expect(result.errors).toBeUndefined();
  const map = result.data!.marketMap;
  expect(map.total).toBe(facts.length);
  const expected = new Map<string, { customers: number; revenue: number }>();
  for (const customer of facts) {
    const key = customer.metrics?.rfmSegment ?? 'unknown';
    const cell = expected.get(key) ?? { customers: 0, revenue: 0 };
    expected.set(key, { customers: cell.customers + 1, revenue: cell.revenue + revenueOf(customer, at) });
  }
  const got = map.cells.filter((cell) => cell.customers > 0);
  expect(got.map((cell) => cell.row).sort()).toEqual([...expected.keys()].sort());
  for (const cell of got) {
    expect(cell.customers).toBe(expected.get(cell.row)!.customers);
    expect(cell.revenue).toBeCloseTo(expected.get(cell.row)!.revenue, 6);
  }
  // Orders after asOf are left out: the base has some.
  expect(facts.some((customer) => customer.orders.some((order) => order.orderedAt > at))).toBe(true);
});

test("the refresh keeps each customer's preferred channel at its asOf, as computed here from the raw events", async () => {
  const stored: Array<{ customer_id: number | string; preferred_channel: string | null }> = await server.db
    .fork()
    .getKnex()('customer_metrics')
    .select('customer_id', 'preferred_channel');
  const byId = new Map(stored.map((row) => [Number(row.customer_id), row.preferred_channel]));
  expect(byId.size).toBe(facts.length);
  for (const customer of facts) {
    expect({ id: customer.id, channel: byId.get(customer.id) }).toEqual({
      id: customer.id,
      channel: preferredChannel(customer),
    });
  }
  expect(new Set(facts.map((customer) => preferredChannel(customer))).size).toBeGreaterThan(3);
  expect(facts.some((customer) => preferredChannel(customer) === null)).toBe(true);
});

test('a map without columns has one "all" column; an open axis shows its largest keys first', async () => {
  const result = await server.run(MarketMapDocument, { rows: 'COUNTRY' as never, asOf: asOf.toISOString() });
  const map = result.data!.marketMap;
  expect(map.columns).toEqual(['all']);
  const sizes = map.cells.filter((cell) => cell.row !== 'unknown').map((cell) => cell.customers);
  expect(sizes).toEqual([...sizes].sort((x, y) => y - x));
  expect(map.cells.reduce((sum, cell) => sum + cell.customers, 0)).toBe(facts.length);
});

test('segmentOverlap: both + onlyA is the size of a, both + onlyB that of b, both is the size of the intersection', async () => {
  const result = await server.run(SegmentOverlapDocument, { ids: segmentIds, asOf: asOf.toISOString() });
  expect(result.errors).toBeUndefined();
  const overlaps = result.data!.segmentOverlap;
  expect(overlaps).toHaveLength(3);
  for (const overlap of overlaps) {
    const a = SEGMENTS[segmentIds.indexOf(overlap.a)].filter;
    const b = SEGMENTS[segmentIds.indexOf(overlap.b)].filter;
    expect(overlap.both + overlap.onlyA).toBe(await sizeOf(a));
    expect(overlap.both + overlap.onlyB).toBe(await sizeOf(b));
    expect(overlap.both).toBe(members({ and: [a, b] }).length);
    expect(overlap.jaccard).toBeCloseTo(overlap.both / (overlap.both + overlap.onlyA + overlap.onlyB), 12);
  }
  expect(overlaps.some((overlap) => overlap.both > 0 && overlap.onlyA > 0)).toBe(true);
});

test('segmentOverlap refuses unknown and repeated ids at their place in the list', async () => {
  const unknown = await server.run(SegmentOverlapDocument, { ids: [segmentIds[0], '999999'] });
  expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'ids.1' });
  const twice = await server.run(SegmentOverlapDocument, {
    ids: [segmentIds[0], segmentIds[1], segmentIds[0]],
  });
  expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'ids.2' });
});

test('segment stats equal figures computed from the raw data, buckets sum to the size, in one statement', async () => {
  const id = segmentIds[1];
  statements.length = 0;
  const result = await server.run(SegmentStatsDocument, { id, asOf: asOf.toISOString() });
  expect(result.errors).toBeUndefined();
  const stats = result.data!.segment!.stats;
  const selected = members(SEGMENTS[1].filter);
  const revenue = selected.reduce((sum, customer) => sum + revenueOf(customer), 0);
  const orders = selected.reduce(
    (sum, customer) => sum + customer.orders.filter((order) => order.orderedAt <= asOf).length,
    0,
  );
  expect(stats.size).toBe(selected.length);
  expect(stats.shareOfBase).toBeCloseTo(selected.length / facts.length, 12);
  expect(stats.revenue).toBeCloseTo(revenue, 6);
  expect(stats.revenuePerCustomer).toBeCloseTo(revenue / selected.length, 6);
  expect(stats.averageOrderValue!).toBeCloseTo(revenue / orders, 6);
  for (const buckets of [stats.rfm, stats.lifecycle, stats.channels, stats.countries]) {
    expect(buckets.reduce((sum, bucket) => sum + bucket.customers, 0)).toBe(selected.length);
  }
  const count = <T>(values: T[]) =>
    values.reduce(
      (map, value) => map.set(String(value), (map.get(String(value)) ?? 0) + 1),
      new Map<string, number>(),
    );
  const asMap = (buckets: Array<{ key: string; customers: number }>) =>
    new Map(buckets.map((bucket) => [bucket.key, bucket.customers]));
  expect(asMap(stats.rfm)).toEqual(count(selected.map((customer) => customer.metrics?.rfmSegment ?? 'none')));
  expect(asMap(stats.lifecycle)).toEqual(count(selected.map((customer) => customer.lifecycleStage)));
  expect(asMap(stats.countries)).toEqual(count(selected.map((customer) => customer.country ?? 'unknown')));
  expect(asMap(stats.channels)).toEqual(
    count(selected.map((customer) => preferredChannel(customer) ?? 'none')),
  );
  // Reading the segment is one statement, validating its filter none here (no references), the stats one.
  expect(statements.filter((sql) => /union all/i.test(sql))).toHaveLength(1);
  expect(statements.length).toBeLessThanOrEqual(2);
});

test('preview stats describe the same customers as the preview size, in one statement besides the count', async () => {
  statements.length = 0;
  const result = await server.run(PreviewStatsDocument, { asOf: asOf.toISOString() });
  expect(result.errors).toBeUndefined();
  // size is one count, stats one statement; shareOfBase is not asked, so its base count must not run.
  expect(statements.filter((sql) => /union all/i.test(sql))).toHaveLength(1);
  expect(statements.filter((sql) => /^select count/i.test(sql.trim()))).toHaveLength(1);
  const preview = result.data!.evaluateSegment;
  const selected = members({
    value: { rfmSegment: ['AT_RISK', 'CANNOT_LOSE'] as never },
    behaviour: { purchase: { totalAmount: { gte: 200 } } },
  });
  expect(preview.size).toBe(selected.length);
  expect(preview.stats.revenue).toBeCloseTo(
    selected.reduce((sum, customer) => sum + revenueOf(customer), 0),
    6,
  );
  expect(preview.stats.countries.reduce((sum, bucket) => sum + bucket.customers, 0)).toBe(selected.length);
});

test('segment performance equals a direct computation over members at `from` and orders in [from, to)', async () => {
  const from = new Date(Date.UTC(2026, 4, 1));
  const to = new Date(Date.UTC(2026, 7, 1));
  const id = segmentIds[2];
  const result = await server.run(SegmentPerformanceDocument, {
    id,
    from: from.toISOString(),
    to: to.toISOString(),
  });
  expect(result.errors).toBeUndefined();
  const performance = result.data!.segment!.performance;
  const inWindow = (customer: CustomerFacts) =>
    customer.orders.filter((order) => order.orderedAt >= from && order.orderedAt < to);
  const memberIds = new Set(members(SEGMENTS[2].filter, from).map((customer) => customer.id));
  const inside = facts.filter((customer) => memberIds.has(customer.id));
  const outside = facts.filter((customer) => !memberIds.has(customer.id));
  const buyers = inside.filter((customer) => inWindow(customer).length > 0).length;
  const revenue = inside.reduce(
    (sum, customer) => sum + inWindow(customer).reduce((total, order) => total + order.amount, 0),
    0,
  );
  const baseline = outside.filter((customer) => inWindow(customer).length > 0).length / outside.length;
  expect(performance.members).toBe(inside.length);
  expect(performance.buyers).toBe(buyers);
  expect(performance.conversionRate).toBeCloseTo(buyers / inside.length, 12);
  expect(performance.revenue).toBeCloseTo(revenue, 6);
  expect(performance.revenuePerMember).toBeCloseTo(revenue / inside.length, 6);
  expect(performance.baselineConversionRate).toBeCloseTo(baseline, 12);
  expect(performance.lift!).toBeCloseTo(buyers / inside.length / baseline, 9);
  expect(buyers).toBeGreaterThan(0);

  const backwards = await server.run(SegmentPerformanceDocument, {
    id,
    from: to.toISOString(),
    to: from.toISOString(),
  });
  expect(backwards.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'to' });
});

test('market map by persona agrees with personaDistribution and with each persona criterion', async () => {
  const young = await server.run(CreatePersonaDocument, {
    input: { name: 'Young', priority: 1, filter: { identity: { age: { lte: 34 } } } },
  });
  const buyers = await server.run(CreatePersonaDocument, {
    input: { name: 'Recent buyers', filter: { behaviour: { purchase: { within: { lastDays: 180 } } } } },
  });
  const ids = [young.data!.createPersona.id, buyers.data!.createPersona.id];
  const distribution = (await server.run(PersonaDistributionDocument, { asOf: asOf.toISOString() })).data!
    .personaDistribution;
  expect(distribution.map((bucket) => bucket.key)).toEqual([...ids, 'unassigned']);
  expect(distribution.reduce((sum, bucket) => sum + bucket.customers, 0)).toBe(facts.length);
  const map = (
    await server.run(MarketMapDocument, {
      rows: 'PERSONA' as never,
      columns: 'LIFECYCLE_STAGE' as never,
      asOf: asOf.toISOString(),
    })
  ).data!.marketMap;
  expect(map.rows).toEqual([...ids, 'unassigned']);
  for (const bucket of distribution) {
    const row = map.cells
      .filter((cell) => cell.row === bucket.key)
      .reduce((sum, cell) => sum + cell.customers, 0);
    expect(row).toBe(bucket.customers);
  }
  for (const cell of map.cells) expect(await sizeOf(cell.filter)).toBe(cell.customers);
  // Exclusive: the young recent buyers count once, under the persona with the lower priority number.
  const youngBuyers = members({
    identity: { age: { lte: 34 } },
    behaviour: { purchase: { within: { lastDays: 180 } } },
  }).length;
  expect(youngBuyers).toBeGreaterThan(0);
  expect(distribution[1].customers).toBe(members(SEGMENTS[1].filter).length - youngBuyers);
}, 60_000);

test('none of the above logged an unexpected error', () => {
  expect(server.logged).toEqual([]);
});
