import fc from 'fast-check';
import type { Knex } from '@mikro-orm/knex';
import { RfmSegment } from '../src/common/enums';
import { Dimension } from '../src/analysis/dimensions';
import { marketMap } from '../src/analysis/market-map.service';
import { populationFigures, type Facet } from '../src/analysis/population';
import { sampleCustomers } from '../src/personas/suggestions/sample';
import { filterPredicate, matchingCustomerIds } from '../src/filter/query';
import type { PersonaDefinition, ScoringRuleDefinition, SegmentFilter } from '../src/filter/types';
import { prepareFilter, type FilterReferences } from '../src/filter/validate';
import { refreshMetrics, type ValueModelFit } from '../src/value/metrics.service';
import { generateCustomer, type GeneratedCustomer } from '../seeds/generator';
import { storeGenerated } from '../seeds/load';
import { createTestDatabase, type TestDatabase } from './support/database';
import { filterArb, scoringRulesArb } from './support/filter-arbitraries';

/**
 * One synthetic base, loaded into a SQLite and a PostgreSQL database through
 * the ingestion services, refreshed at the same asOf, must answer the same on
 * both: every column of customer_metrics, the fitted value model, and the
 * members of random crossed filters. Orders, events and asOf fall at times of
 * day, so whole-day arithmetic is exercised. Needs TEST_DATABASE_URL (jest.config.js
 * leaves this file out without it).
 */
const AS_OF = new Date('2026-10-17T15:37:12.345Z');
const NOW = new Date('2026-10-18T08:00:00.000Z');
const CUSTOMERS = 1500;
const DAY = 86_400_000;
/** The base runs past asOf, so both stores must leave the same late orders out. */
const GENERATED = { seed: 20261017, until: new Date('2026-11-03T00:00:00Z') };
const RANDOM_FILTERS = 300;
const CROSSED_FILTERS = 300;

/**
 * Doubles are compared to a relative 1e-9, not exactly: sums of amounts
 * differ in their last bits between the stores, because SQLite's sum()
 * compensates rounding (Kahan–Babuška–Neumaier) while PostgreSQL adds plainly,
 * in whatever order its plan reads the rows. On this base the lifetime revenue
 * and what derives from it (average order and repeat occasion values, predicted
 * lifetime value) differ for a few dozen customers by about 1e-16 relative;
 * a real disagreement (a division of another type, an order counted on one
 * store only) moves a value by far more than 1e-9. Everything else (integers,
 * instants, texts) must be equal.
 */
const RELATIVE_TOLERANCE = 1e-9;

let base: GeneratedCustomer[];
let sqlite: TestDatabase;
let postgres: TestDatabase;
let fits: [ValueModelFit, ValueModelFit];

beforeAll(async () => {
  base = Array.from({ length: CUSTOMERS }, (_, i) => generateCustomer(i, GENERATED));
  [sqlite, postgres] = await Promise.all([
    createTestDatabase({}, 'sqlite'),
    createTestDatabase({}, 'postgresql'),
  ]);
  await Promise.all([sqlite, postgres].map((store) => storeGenerated(store.db.fork().getKnex(), base)));
  fits = (await Promise.all(
    [sqlite, postgres].map((store) => refreshMetrics(store.db.fork().getKnex(), AS_OF, NOW)),
  )) as [ValueModelFit, ValueModelFit];
}, 120_000);
afterAll(async () => Promise.all([sqlite, postgres].filter(Boolean).map((store) => store.drop())));

const knexOf = (store: TestDatabase): Knex => store.db.fork().getKnex();

function expectSameDouble(sqliteValue: unknown, postgresValue: unknown, what: string): void {
  if (sqliteValue === null || postgresValue === null) {
    if (sqliteValue !== postgresValue)
      expect({ what, value: sqliteValue }).toEqual({ what, value: postgresValue });
    return;
  }
  const [a, b] = [Number(sqliteValue), Number(postgresValue)];
  const scale = Math.max(Math.abs(a), Math.abs(b));
  if (Math.abs(a - b) > RELATIVE_TOLERANCE * scale) expect({ what, value: a }).toEqual({ what, value: b });
}

test('the base has orders and events at times of day, and asOf is off midnight', () => {
  expect(AS_OF.getTime() % DAY).not.toBe(0);
  const orders = base.flatMap((g) => g.orders.map((order) => (order.orderedAt as Date).getTime()));
  const events = base.flatMap((g) => g.events.map((event) => (event.occurredAt as Date).getTime()));
  expect(orders.length).toBeGreaterThan(CUSTOMERS);
  expect(events.length).toBeGreaterThan(CUSTOMERS);
  expect(orders.filter((at) => at % DAY !== 0).length).toBeGreaterThan(0.99 * orders.length);
  expect(events.filter((at) => at % DAY !== 0).length).toBeGreaterThan(0.99 * events.length);
  expect(orders.filter((at) => at > AS_OF.getTime()).length).toBeGreaterThan(0);
});

test('every column of customer_metrics is the same on both stores, customer by customer', async () => {
  const meta = sqlite.db.orm.getMetadata().find('CustomerMetrics')!;
  const columns = Object.values(meta.properties).flatMap((property) =>
    property.fieldNames.map((field, i) => ({
      field,
      double: /double|real|float/i.test(property.columnTypes[i]),
      text: property.runtimeType === 'string',
    })),
  );
  const read = async (store: TestDatabase) =>
    knexOf(store)('customer_metrics as m')
      .join('customers as c', 'c.id', 'm.customer_id')
      .select('c.external_id as external_id', 'm.*')
      .orderBy('c.external_id');
  const [fromSqlite, fromPostgres] = await Promise.all([read(sqlite), read(postgres)]);
  expect(fromSqlite.map((row: any) => row.external_id)).toEqual(
    fromPostgres.map((row: any) => row.external_id),
  );
  expect(fromSqlite).toHaveLength(CUSTOMERS);
  // Every column the table has is compared (a new column joins by itself).
  expect(new Set(Object.keys(fromSqlite[0]))).toEqual(
    new Set(['external_id', ...columns.map((column) => column.field)]),
  );
  expect(new Set(Object.keys(fromPostgres[0]))).toEqual(
    new Set(['external_id', ...columns.map((column) => column.field)]),
  );
  for (const [i, row] of fromSqlite.entries()) {
    const other = fromPostgres[i];
    for (const column of columns) {
      const what = `${row.external_id}.${column.field}`;
      const [a, b] = [row[column.field], other[column.field]];
      if (column.double) expectSameDouble(a, b, what);
      else if (column.text) {
        if (a !== b) expect({ what, value: a }).toEqual({ what, value: b });
      } else {
        // Integers and instants: PostgreSQL hands bigints over as strings, so both are read as numbers, and must be whole.
        const [x, y] = [a === null ? null : Number(a), b === null ? null : Number(b)];
        if (x !== y) expect({ what, value: x }).toEqual({ what, value: y });
        if (x !== null && !Number.isInteger(x)) expect({ what, whole: false }).toEqual({ what, whole: true });
      }
    }
  }
  // The comparison covered customers with and without orders, and late buyers.
  expect(fromSqlite.filter((row: any) => row.days_since_last_order !== null).length).toBeGreaterThan(
    CUSTOMERS / 3,
  );
  expect(fromSqlite.filter((row: any) => row.order_count === 0).length).toBeGreaterThan(CUSTOMERS / 10);
});

test('the fitted value model is the same on both stores', async () => {
  const [a, b] = fits;
  expect(a.customers).toBe(b.customers);
  expect(a.customers).toBeGreaterThan(CUSTOMERS / 3);
  expect(a.bgnbd && b.bgnbd).toBeTruthy();
  expect(a.gammaGamma && b.gammaGamma).toBeTruthy();
  // BG/NBD is fitted on whole numbers (occasions, days) read in the same order: the same arithmetic gives the same bits.
  expect(a.bgnbd).toEqual(b.bgnbd);
  for (const key of ['p', 'q', 'v'] as const)
    expectSameDouble(a.gammaGamma![key], b.gammaGamma![key], `gammaGamma.${key}`);
  expect(a.gammaGamma!.customers).toBe(b.gammaGamma!.customers);
  // What valueModel answers is what was stored.
  const stored = await Promise.all(
    [sqlite, postgres].map(async (store) => {
      const row = await knexOf(store)('value_models').orderBy('id', 'desc').first();
      const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
      return {
        asOf: Number(row.as_of),
        computedAt: Number(row.computed_at),
        customers: Number(row.customers),
        bgnbd: json(row.bgnbd),
        gammaGamma: json(row.gamma_gamma),
      };
    }),
  );
  expect(stored[0]).toMatchObject({
    asOf: AS_OF.getTime(),
    computedAt: NOW.getTime(),
    customers: a.customers,
  });
  expect(stored[1]).toMatchObject({
    asOf: AS_OF.getTime(),
    computedAt: NOW.getTime(),
    customers: b.customers,
  });
  expect(stored[0].bgnbd).toEqual(a.bgnbd);
  expect(stored[1].bgnbd).toEqual(b.bgnbd);
  expect(stored[0].gammaGamma).toEqual(a.gammaGamma);
  expect(stored[1].gammaGamma).toEqual(b.gammaGamma);
});

/** The base's real values, for filters that cross them. */
function realValues() {
  const distinct = <T>(values: T[]) =>
    [...new Set(values)].filter((value) => value !== null && value !== undefined).sort();
  const customers = base.map((g) => g.customer);
  return {
    countries: distinct(customers.map((c) => c.country as string)),
    interests: distinct(customers.flatMap((c) => c.interests as string[])),
    events: distinct(base.flatMap((g) => g.events.map((event) => event.name as string))),
    categories: distinct(base.flatMap((g) => g.orders.flatMap((order) => order.categories as string[]))),
    sources: distinct(customers.map((c) => c.acquisitionSource as string)),
  };
}

const crossedFilterArb = (): fc.Arbitrary<SegmentFilter> => {
  const real = realValues();
  const days = [0, 1, 7, 30, 90, 180, 365, 730];
  const leaf = fc.oneof(
    fc
      .subarray(real.countries, { minLength: 1, maxLength: 3 })
      .map((countries) => ({ identity: { country: { in: countries } } })),
    fc
      .subarray(real.interests, { minLength: 1, maxLength: 2 })
      .map((hasAny) => ({ identity: { interests: { hasAny } } })),
    fc.constantFrom(...real.sources).map((eq) => ({ identity: { acquisitionSource: { eq } } })),
    fc
      .record({ gte: fc.constantFrom(...days) })
      .map((daysSinceLastOrder) => ({ value: { daysSinceLastOrder } })),
    fc.constantFrom(...days).map((eq) => ({ value: { daysSinceLastOrder: { eq } } })),
    fc
      .record({ lte: fc.constantFrom(...days) })
      .map((daysSinceLastOrder) => ({ value: { daysSinceLastOrder } })),
    fc.integer({ min: 1, max: 5 }).map((recencyScore) => ({ value: { recencyScore: { eq: recencyScore } } })),
    fc
      .integer({ min: 1, max: 5 })
      .map((monetaryScore) => ({ value: { monetaryScore: { gte: monetaryScore } } })),
    fc
      .subarray(Object.values(RfmSegment), { minLength: 1, maxLength: 3 })
      .map((rfmSegment) => ({ value: { rfmSegment } })),
    fc.constantFrom(1, 2, 3, 5, 10).map((gte) => ({ value: { orderCount: { gte } } })),
    fc.constantFrom(50, 100, 250, 1000, 5000).map((gte) => ({ value: { lifetimeRevenue: { gte } } })),
    fc.constantFrom(0.1, 0.5, 0.9).map((gte) => ({ value: { probabilityAlive: { gte } } })),
    fc.constantFrom(0.2, 1, 3).map((gte) => ({ value: { expectedPurchases90d: { gte } } })),
    fc.constantFrom(50, 200, 1000).map((gte) => ({ value: { predictedLifetimeValue: { gte } } })),
    fc
      .record({
        name: fc.constantFrom(...real.events),
        lastDays: fc.constantFrom(...days.slice(1)),
        count: fc.constantFrom(1, 2, 5),
      })
      .map(({ name, lastDays, count }) => ({
        behaviour: { event: { name, within: { lastDays }, count: { gte: count } } },
      })),
    fc
      .record({
        category: fc.constantFrom(...real.categories),
        lastDays: fc.constantFrom(...days.slice(1)),
        total: fc.constantFrom(0, 50, 200),
      })
      .map(({ category, lastDays, total }) => ({
        behaviour: {
          purchase: { category: { eq: category }, within: { lastDays }, totalAmount: { gt: total } },
        },
      })),
  );
  const crossed = fc.array(leaf, { minLength: 2, maxLength: 3 });
  return fc.oneof(
    crossed.map((and) => ({ and })),
    crossed.map((or) => ({ or })),
    fc.tuple(crossed, leaf).map(([and, not]) => ({ and: [...and, { not }] })),
  );
};

test('random crossed filters select the same customers on both stores', async () => {
  const externalIds = await Promise.all(
    [sqlite, postgres].map(
      async (store) =>
        new Map(
          (await knexOf(store)('customers').select('id', 'external_id')).map((row: any) => [
            Number(row.id),
            row.external_id as string,
          ]),
        ),
    ),
  );
  // Saved objects the random filters may name: two scoring models, three personas, two segments.
  const models = new Map<string, ScoringRuleDefinition[]>();
  for (const id of ['1', '2'])
    models.set(
      id,
      fc.sample(scoringRulesArb({ models: [...models.keys()] }), { numRuns: 1, seed: 40 + Number(id) })[0],
    );
  const personas: PersonaDefinition[] = [];
  for (const id of ['3', '1', '2']) {
    const filter = fc.sample(
      filterArb(2, { models: [...models.keys()], personas: personas.map((p) => p.id) }),
      { numRuns: 1, seed: 50 + Number(id) },
    )[0];
    personas.push({ id, name: `persona ${id}`, filter });
  }
  const saved = new Map<string, SegmentFilter>();
  for (const id of ['1', '2'])
    saved.set(id, fc.sample(crossedFilterArb(), { numRuns: 1, seed: 60 + Number(id) })[0]);
  const references: FilterReferences = {
    segmentFilter: async (id) => saved.get(id) ?? null,
    personaOrder: async () => personas,
    scoringRules: async (id) => models.get(id) ?? null,
  };
  const everything = {
    segments: [...saved.keys()],
    models: [...models.keys()],
    personas: personas.map((p) => p.id),
  };
  /** How many filters of the list split the base (some customers in, some out). */
  const compare = async (filters: SegmentFilter[]): Promise<number> => {
    let splitting = 0;
    for (const filter of filters) {
      const prepared = await prepareFilter(filter, references);
      const members = await Promise.all(
        [sqlite, postgres].map(async (store, s) =>
          (await matchingCustomerIds(knexOf(store), prepared, AS_OF))
            .map((id) => externalIds[s].get(id)!)
            .sort(),
        ),
      );
      if (members[0].join() !== members[1].join())
        expect({ filter, members: members[0] }).toEqual({ filter, members: members[1] });
      if (members[0].length > 0 && members[0].length < CUSTOMERS) splitting += 1;
    }
    return splitting;
  };
  // Filters over the base's own values must mostly split it, or agreeing proves little; the
  // arbitraries' small pools (made for tiny bases) add every criterion kind and saved objects.
  expect(
    await compare(fc.sample(crossedFilterArb(), { numRuns: CROSSED_FILTERS, seed: 20261017 })),
  ).toBeGreaterThan(CROSSED_FILTERS * 0.6);
  expect(
    await compare(fc.sample(filterArb(4, everything), { numRuns: RANDOM_FILTERS, seed: 20261018 })),
  ).toBeGreaterThan(RANDOM_FILTERS * 0.15);
});

/**
 * Two answers of a service, one from each store, compared all the way down:
 * whole numbers (counts, instants, days) exactly, other numbers to RELATIVE_TOLERANCE.
 */
function expectSameAnswer(fromSqlite: unknown, fromPostgres: unknown, path: string): void {
  if (
    typeof fromSqlite === 'number' &&
    typeof fromPostgres === 'number' &&
    !(Number.isInteger(fromSqlite) && Number.isInteger(fromPostgres))
  ) {
    expectSameDouble(fromSqlite, fromPostgres, path);
  } else if (Array.isArray(fromSqlite) && Array.isArray(fromPostgres)) {
    if (fromSqlite.length !== fromPostgres.length)
      expect({ path, length: fromSqlite.length }).toEqual({ path, length: fromPostgres.length });
    fromSqlite.forEach((item, i) => expectSameAnswer(item, fromPostgres[i], `${path}.${i}`));
  } else if (
    fromSqlite !== null &&
    fromPostgres !== null &&
    typeof fromSqlite === 'object' &&
    typeof fromPostgres === 'object' &&
    !(fromSqlite instanceof Date)
  ) {
    const keys = [Object.keys(fromSqlite).sort(), Object.keys(fromPostgres).sort()];
    if (keys[0].join() !== keys[1].join()) expect({ path, keys: keys[0] }).toEqual({ path, keys: keys[1] });
    for (const key of Object.keys(fromSqlite))
      expectSameAnswer((fromSqlite as any)[key], (fromPostgres as any)[key], `${path}.${key}`);
  } else {
    if (fromSqlite !== fromPostgres)
      expect({ path, value: fromSqlite }).toEqual({ path, value: fromPostgres });
  }
}

const NO_SAVED: FilterReferences = {
  segmentFilter: async () => null,
  personaOrder: async () => [],
  scoringRules: async () => null,
};

test('population figures, market maps and persona-suggestion samples of crossed filters are the same on both stores', async () => {
  const facets: Facet[] = ['country', 'lifecycle', 'rfm', 'channel', 'interest', 'birthDate'];
  const filters: SegmentFilter[] = [{}, ...fc.sample(crossedFilterArb(), { numRuns: 8, seed: 7 })];
  let splitting: SegmentFilter | undefined;
  for (const [i, filter] of filters.entries()) {
    const prepared = await prepareFilter(filter, NO_SAVED);
    const [a, b] = await Promise.all(
      [sqlite, postgres].map(async (store) => {
        const knex = knexOf(store);
        const where = filterPredicate(knex, prepared, AS_OF);
        const figures = await populationFigures(knex, where, AS_OF, facets);
        // Samples are keyed by internal ids, which each store assigns: compare by external id.
        const externalIds = new Map(
          (await knex('customers').select('id', 'external_id')).map((row: any) => [
            Number(row.id),
            row.external_id as string,
          ]),
        );
        const sample = (await sampleCustomers(knex, where, figures.size, AS_OF)).map(({ id, ...rest }) => ({
          customer: externalIds.get(id),
          ...rest,
        }));
        return { figures, sample };
      }),
    );
    expectSameAnswer(a, b, `filter ${i} ${JSON.stringify(filter)}`);
    if (!splitting && a.figures.size > 10 && a.figures.size < CUSTOMERS) splitting = filter;
  }
  expect(splitting).toBeDefined();
  const axes: Array<[Dimension, Dimension | null]> = [
    [Dimension.COUNTRY, Dimension.AGE_BAND],
    [Dimension.RFM_SEGMENT, Dimension.PREFERRED_CHANNEL],
    [Dimension.LIFECYCLE_STAGE, Dimension.COMPANY_SIZE_BAND],
    [Dimension.INDUSTRY, null],
  ];
  for (const [rows, columns] of axes) {
    for (const filter of [null, splitting!]) {
      const [a, b] = await Promise.all(
        [sqlite, postgres].map((store) => marketMap(store.db.fork(), rows, columns, filter, AS_OF)),
      );
      expectSameAnswer(a, b, `market map ${rows} × ${columns} of ${JSON.stringify(filter)}`);
      expect(a.total).toBeGreaterThan(10);
    }
  }
});
