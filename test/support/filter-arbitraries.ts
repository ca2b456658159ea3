import fc from 'fast-check';
import { Channel, Gender, LifecycleStage, RfmSegment } from '../../src/common/enums';
import type {
  AttributeFilter,
  DateTimeFilter,
  FloatFilter,
  IntFilter,
  SegmentFilter,
  StringFilter,
  TimeWindow,
} from '../../src/filter/types';

/**
 * Random small customer bases and random filters of every criterion kind,
 * drawn from small pools so that values collide, nulls are common and
 * timestamps fall exactly on window edges.
 */
export const AS_OF = new Date('2026-06-15T12:00:00.000Z');
const DAY = 86_400_000;
const DAYS = [0, 1, 7, 30, 365];
const asOf = AS_OF.getTime();

/** Instants on and around the edges of every window the filters can ask for. */
export const EDGE_INSTANTS = [
  ...DAYS.flatMap((days) => [asOf - days * DAY, asOf - days * DAY - 1, asOf - days * DAY + 1]),
  asOf + 1,
  asOf + 5 * DAY,
  Date.parse('2020-01-01T00:00:00Z'),
].map((ms) => new Date(ms));

const STRINGS = ['Paris', 'paris', 'Lyon', 'PARIS-Nord', '50%_off', 'a\\b', 'O’Brien', 'Zürich', ''];
const COUNTRIES = ['FR', 'BE', 'DE'];
const TAGS = ['wine', 'tech', 'books', 'yoga'];
const KEYS = ['tier', 'nps', 'vip', 'x.y'];
const NAMES = ['message_sent', 'page_viewed', 'form_submitted'];
const CATEGORIES = ['books', 'music', 'Books', 'home_%'];
const CHANNELS = Object.values(Channel).slice(0, 4);
const BIRTHS = [
  '1996-06-15T00:00:00Z', // 30 on asOf's day
  '1996-06-16T00:00:00Z', // 30 tomorrow
  '1996-06-14T23:59:59.999Z',
  '2000-02-29T00:00:00Z',
  '1980-01-01T00:00:00Z',
].map((text) => new Date(text));

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });
const flatValue = fc.oneof(
  fc.constantFrom('gold', 'silver', 'Gold', ''),
  fc.constantFrom(0, 1, 9, 10, 2.5),
  fc.boolean(),
);
const flatObject = fc.dictionary(fc.constantFrom(...KEYS), flatValue, { maxKeys: 3 });
const amount = fc.integer({ min: 0, max: 400 }).map((quarters) => quarters / 4);

export interface BaseCustomer {
  customer: Record<string, unknown>;
  orders: Array<Record<string, unknown>>;
  events: Array<Record<string, unknown>>;
  metrics: Record<string, unknown> | null;
}

export const customerArb = (index: number): fc.Arbitrary<BaseCustomer> =>
  fc
    .record({
      customer: fc.record({
        externalId: fc.constant(`P${index}`),
        email: maybe(fc.constantFrom('ada@example.com', 'ADA@example.com', 'bob@test.fr')),
        birthDate: maybe(fc.constantFrom(...BIRTHS)),
        gender: maybe(fc.constantFrom(...Object.values(Gender))),
        country: maybe(fc.constantFrom(...COUNTRIES)),
        city: maybe(fc.constantFrom(...STRINGS.filter((s) => s.trim() !== ''))),
        companySize: maybe(fc.constantFrom(0, 9, 10, 250)),
        jobFunction: maybe(fc.constantFrom('purchasing', 'finance')),
        lifecycleStage: fc.constantFrom(...Object.values(LifecycleStage)),
        interests: fc.subarray(TAGS),
        emailOptIn: fc.boolean(),
        smsOptIn: fc.boolean(),
        attributes: flatObject,
        createdAt: fc.constantFrom(...EDGE_INSTANTS.filter((d) => d.getTime() <= asOf)),
        lastVerifiedAt: maybe(fc.constantFrom(...EDGE_INSTANTS)),
      }),
      orders: fc.array(
        fc.record({
          orderedAt: fc.constantFrom(...EDGE_INSTANTS),
          amount,
          channel: fc.constantFrom(...CHANNELS),
          categories: fc.subarray(CATEGORIES),
        }),
        { maxLength: 4 },
      ),
      events: fc.array(
        fc.record({
          name: fc.constantFrom(...NAMES),
          channel: fc.constantFrom(...CHANNELS),
          occurredAt: fc.constantFrom(...EDGE_INSTANTS),
          properties: flatObject,
        }),
        { maxLength: 5 },
      ),
      metrics: maybe(
        fc.record({
          order_count: fc.constantFrom(0, 1, 3),
          lifetime_revenue: fc.constantFrom(0, 10.5, 500),
          average_order_value: maybe(fc.constantFrom(10.5, 100)),
          days_since_last_order: maybe(fc.constantFrom(0, 30, 400)),
          recency_score: maybe(fc.integer({ min: 1, max: 5 })),
          frequency_score: maybe(fc.integer({ min: 1, max: 5 })),
          monetary_score: maybe(fc.integer({ min: 1, max: 5 })),
          rfm_segment: maybe(fc.constantFrom(...Object.values(RfmSegment).slice(0, 4))),
          preferred_channel: maybe(fc.constantFrom(...CHANNELS)),
          probability_alive: maybe(fc.constantFrom(0, 0.5, 1)),
          expected_purchases90d: maybe(fc.constantFrom(0.25, 2)),
          predicted_lifetime_value: maybe(fc.constantFrom(0, 120.5)),
        }),
      ),
    })
    .map((drawn) => ({
      ...drawn,
      orders: drawn.orders.map((order, k) => ({
        ...order,
        externalId: `P${index}-o${k}`,
        customerExternalId: `P${index}`,
      })),
      events: drawn.events.map((event, k) => ({
        ...event,
        externalId: `P${index}-e${k}`,
        customerExternalId: `P${index}`,
      })),
    }));

export const baseArb = (size: number) => fc.tuple(...Array.from({ length: size }, (_, i) => customerArb(i)));

// ---- filters ---------------------------------------------------------------

/** One or two operators of a filter input, never none. */
function someOf<T extends object>(entries: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  const keys = Object.keys(entries) as Array<keyof T>;
  return fc
    .subarray(keys, { minLength: 1, maxLength: 2 })
    .chain(
      (chosen) =>
        fc.record(Object.fromEntries(chosen.map((key) => [key, entries[key]])) as never) as fc.Arbitrary<T>,
    );
}

const stringFilter = (pool: string[]): fc.Arbitrary<StringFilter> =>
  someOf<StringFilter>({
    eq: fc.constantFrom(...pool),
    ne: fc.constantFrom(...pool),
    in: fc.subarray(pool),
    notIn: fc.subarray(pool),
    contains: fc.constantFrom('ar', 'AR', '%', '_', '\\', 'ü', ''),
    startsWith: fc.constantFrom('pa', 'P', '50%', 'a\\', 'bo'),
    isNull: fc.boolean(),
  });

const intFilter = (values: number[]): fc.Arbitrary<IntFilter> =>
  someOf<IntFilter>({
    eq: fc.constantFrom(...values),
    ne: fc.constantFrom(...values),
    gt: fc.constantFrom(...values),
    gte: fc.constantFrom(...values),
    lt: fc.constantFrom(...values),
    lte: fc.constantFrom(...values),
    in: fc.subarray(values),
    isNull: fc.boolean(),
  });

const floatFilter = (values: number[]): fc.Arbitrary<FloatFilter> =>
  someOf<FloatFilter>({
    eq: fc.constantFrom(...values),
    ne: fc.constantFrom(...values),
    gt: fc.constantFrom(...values),
    gte: fc.constantFrom(...values),
    lt: fc.constantFrom(...values),
    lte: fc.constantFrom(...values),
    isNull: fc.boolean(),
  });

const dateFilter: fc.Arbitrary<DateTimeFilter> = someOf<DateTimeFilter>({
  before: fc.constantFrom(...EDGE_INSTANTS),
  after: fc.constantFrom(...EDGE_INSTANTS),
  withinLastDays: fc.constantFrom(...DAYS),
  isNull: fc.boolean(),
});

const attributeFilter: fc.Arbitrary<AttributeFilter> = fc
  .tuple(
    fc.constantFrom(...KEYS),
    someOf<Omit<AttributeFilter, 'key'>>({
      string: stringFilter(['gold', 'Gold', 'silver', '']),
      number: floatFilter([0, 1, 2.5, 9, 10]),
      bool: fc.boolean(),
      exists: fc.boolean(),
    }),
  )
  .map(([key, rest]) => ({ key, ...rest }));

const windowArb: fc.Arbitrary<TimeWindow> = fc.oneof(
  fc.constantFrom(...DAYS).map((lastDays) => ({ lastDays })),
  fc
    .tuple(fc.constantFrom(...DAYS), fc.constantFrom(...DAYS))
    .map(([a, b]) => ({ fromDaysAgo: Math.max(a, b), toDaysAgo: Math.min(a, b) })),
  fc.constantFrom(...DAYS).map((toDaysAgo) => ({ toDaysAgo })),
  fc
    .tuple(fc.constantFrom(...EDGE_INSTANTS), fc.constantFrom(...EDGE_INSTANTS))
    .map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a })),
);

const identityArb = someOf<NonNullable<SegmentFilter['identity']>>({
  email: stringFilter(['ada@example.com', 'bob@test.fr']),
  age: intFilter([0, 29, 30, 31, 46]),
  gender: fc.subarray(Object.values(Gender)),
  country: stringFilter(COUNTRIES),
  city: stringFilter(STRINGS),
  companySize: intFilter([0, 9, 10, 250]),
  jobFunction: stringFilter(['purchasing', 'finance']),
  lifecycleStage: fc.subarray(Object.values(LifecycleStage)),
  interests: someOf({ hasAny: fc.subarray(TAGS), hasAll: fc.subarray(TAGS), hasNone: fc.subarray(TAGS) }),
  emailOptIn: fc.boolean(),
  smsOptIn: fc.boolean(),
  createdAt: dateFilter,
  lastVerifiedAt: dateFilter,
  attributes: fc.array(attributeFilter, { minLength: 1, maxLength: 2 }),
});

const valueArb = someOf<NonNullable<SegmentFilter['value']>>({
  rfmSegment: fc.subarray(Object.values(RfmSegment).slice(0, 4)),
  preferredChannel: fc.subarray(CHANNELS),
  recencyScore: intFilter([1, 3, 5]),
  frequencyScore: intFilter([1, 3, 5]),
  monetaryScore: intFilter([1, 3, 5]),
  orderCount: intFilter([0, 1, 3]),
  lifetimeRevenue: floatFilter([0, 10.5, 500]),
  averageOrderValue: floatFilter([10.5, 100]),
  daysSinceLastOrder: intFilter([0, 30, 400]),
  probabilityAlive: floatFilter([0, 0.5, 1]),
  expectedPurchases90d: floatFilter([0.25, 2]),
  predictedLifetimeValue: floatFilter([0, 120.5]),
});

const countArb = intFilter([0, 1, 2, 3]).map((filter) => {
  // A count is never missing: isNull alone is still a valid (if odd) question.
  return filter;
});

const eventArb = fc.record(
  {
    name: fc.constantFrom(...NAMES),
    channel: fc.subarray(CHANNELS, { minLength: 1 }),
    properties: fc.array(attributeFilter, { minLength: 1, maxLength: 2 }),
    within: windowArb,
    count: countArb,
  },
  { requiredKeys: [] },
);

const purchaseArb = fc.record(
  {
    category: stringFilter(CATEGORIES),
    channel: fc.subarray(CHANNELS, { minLength: 1 }),
    orderAmount: floatFilter([0, 10, 25.5, 100]),
    within: windowArb,
    count: countArb,
    totalAmount: floatFilter([0, 10, 25.5, 100, 200]),
  },
  { requiredKeys: [] },
);

/** Bounds on and around the clamp edges and typical thresholds. */
const SCORE_BOUNDS = [0, 1, 10, 25, 50, 99, 100];

const scoreArb = (modelIds: string[]): fc.Arbitrary<SegmentFilter> =>
  fc
    .tuple(
      fc.constantFrom(...modelIds),
      someOf<{ gte: number; lte: number }>({
        gte: fc.constantFrom(...SCORE_BOUNDS),
        lte: fc.constantFrom(...SCORE_BOUNDS),
      }),
    )
    .map(([model, bounds]) => ({ value: { score: { model, ...bounds } } }));

/** Rule points: both signs, zero, and sums that cross 0 and 100. */
export const POINTS = [-100, -40, -10, 0, 10, 25, 60, 100];

/** The saved objects a random filter may name; each list only holds objects that cannot reach the one being generated. */
export interface SavedIds {
  segments?: string[];
  models?: string[];
  personas?: string[];
}

/** The rules of a random scoring model: filters over the given saved objects, overlapping by construction. */
export const scoringRulesArb = (saved: SavedIds) =>
  fc.array(
    fc.record({
      label: fc.constantFrom('role', 'budget', 'downloads', 'recent contact'),
      filter: filterArb(2, saved),
      points: fc.constantFrom(...POINTS),
    }),
    { minLength: 1, maxLength: 5 },
  );

const leafArb = ({
  segments: segmentIds = [],
  models: modelIds = [],
  personas: personaIds = [],
}: SavedIds): fc.Arbitrary<SegmentFilter> =>
  fc.oneof(
    { weight: 3, arbitrary: identityArb.map((identity) => ({ identity })) },
    { weight: 2, arbitrary: valueArb.map((value) => ({ value })) },
    { weight: 3, arbitrary: eventArb.map((event) => ({ behaviour: { event } })) },
    { weight: 3, arbitrary: purchaseArb.map((purchase) => ({ behaviour: { purchase } })) },
    {
      weight: segmentIds.length ? 1 : 0,
      arbitrary: fc
        .constantFrom(...(segmentIds.length ? segmentIds : ['none']))
        .map((inSegment) => ({ inSegment })),
    },
    { weight: modelIds.length ? 2 : 0, arbitrary: modelIds.length ? scoreArb(modelIds) : fc.constant({}) },
    {
      weight: personaIds.length ? 2 : 0,
      arbitrary: fc
        .constantFrom(...(personaIds.length ? personaIds : ['none']))
        .map((persona) => ({ persona })),
    },
    { weight: 1, arbitrary: fc.constant({}) },
  );

/** Filters up to `depth` levels of and/or/not over every criterion kind, using the given saved segments, scoring models and personas. */
export function filterArb(depth: number, saved: SavedIds = {}): fc.Arbitrary<SegmentFilter> {
  if (depth <= 1) return leafArb(saved);
  const inner = filterArb(depth - 1, saved);
  return fc.oneof(
    { weight: 3, arbitrary: leafArb(saved) },
    { weight: 1, arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((and) => ({ and })) },
    { weight: 1, arbitrary: fc.array(inner, { minLength: 1, maxLength: 3 }).map((or) => ({ or })) },
    { weight: 1, arbitrary: inner.map((not) => ({ not })) },
    { weight: 1, arbitrary: fc.tuple(leafArb(saved), inner).map(([a, b]) => ({ ...a, not: b })) },
  );
}

// ---- long lists ---------------------------------------------------------------

/** Keys whose value is a list of enum values: lengthened by repeating what is there (no other value would be valid). */
const ENUM_LISTS = new Set(['gender', 'lifecycleStage', 'channel', 'rfmSegment', 'preferredChannel']);
const VALUE_LISTS = new Set(['in', 'notIn', 'hasAny', 'hasAll', 'hasNone']);

/**
 * The same filter with every non-empty list lengthened to `length` values
 * (10–1,000), so lists are bound as one parameter: by repeating its values
 * (`repeat`), or with values nobody has (strings) and a run of consecutive and
 * scattered integers (ages, sizes, counts) mixed in.
 */
export function lengthenLists(filter: SegmentFilter, length: number, repeat: boolean): SegmentFilter {
  const lengthen = (key: string, list: unknown[]): unknown[] => {
    if (list.length === 0) return list;
    if (repeat || ENUM_LISTS.has(key)) return Array.from({ length }, (_, i) => list[i % list.length]);
    const extra = Array.from({ length: length - list.length }, (_, i) =>
      typeof list[0] === 'number' ? (i % 3 === 0 ? 1000 + i : 100 + i) : `absent-${i}`,
    );
    return [...list, ...extra];
  };
  const walk = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) {
      if (VALUE_LISTS.has(key) || ENUM_LISTS.has(key)) return lengthen(key, value);
      return value.map((item) => walk(item, ''));
    }
    if (value === null || typeof value !== 'object' || value instanceof Date) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
  };
  return walk(filter, '') as SegmentFilter;
}

/** Filters whose lists hold 10 to 1,000 values. */
export const longListFilterArb = (depth: number, saved: SavedIds = {}): fc.Arbitrary<SegmentFilter> =>
  fc
    .tuple(
      filterArb(depth, saved),
      fc.oneof(fc.integer({ min: 10, max: 30 }), fc.integer({ min: 31, max: 1000 })),
      fc.boolean(),
    )
    .map(([filter, length, repeat]) => lengthenLists(filter, length, repeat));
