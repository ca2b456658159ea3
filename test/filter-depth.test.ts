import fc from 'fast-check';
import { recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { evaluate } from '../src/filter/evaluate';
import { loadCustomerFacts } from '../src/filter/facts-loader';
import { matchingCustomerIds } from '../src/filter/query';
import type { PersonaDefinition, ScoringRuleDefinition, SegmentFilter } from '../src/filter/types';
import {
  FILTER_LIMITS,
  FilterError,
  prepareFilter,
  savedLookups,
  type FilterReferences,
} from '../src/filter/validate';
import { createTestDatabase, type TestDatabase } from './support/database';
import { AS_OF, baseArb } from './support/filter-arbitraries';

/**
 * Filters nested exactly FILTER_LIMITS.levels deep, around the heaviest
 * criteria, in every alternation of and/or/not (chains of one operator are
 * flattened, so alternations are what nest), through saved segments, scoring
 * rules and personas: each runs on this store and means what the reference
 * evaluator says; one level more is refused with the path of the node.
 */
let database: TestDatabase;

const other: SegmentFilter = { identity: { country: { ne: 'FR' } } };
const purchase: SegmentFilter = {
  behaviour: {
    purchase: {
      category: { ne: 'books', in: Array.from({ length: 20 }, (_, i) => `c${i}`) },
      channel: ['WEB', 'EMAIL'] as never,
      orderAmount: { gt: 1 },
      within: { fromDaysAgo: 400, toDaysAgo: 1 },
      count: { gte: 1, in: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
      totalAmount: { gt: 3, lt: 1000 },
    },
  },
};
const LEAVES: Record<string, SegmentFilter> = {
  purchase,
  event: {
    behaviour: {
      event: {
        name: 'page_viewed',
        properties: [
          {
            key: 'tier',
            string: { ne: 'z', in: Array.from({ length: 12 }, (_, i) => `t${i}`) },
            number: { lt: 3 },
          },
        ],
        count: { in: [0, 1, 2] },
      },
    },
  },
  attributes: {
    identity: {
      attributes: [{ key: 'tier', string: { ne: 'z', notIn: ['a', 'b'] }, number: { ne: 3 } }],
      age: { in: [29, 30, 40, 41] },
    },
    value: { orderCount: { ne: 3 } },
  },
  // A score of a model whose first rule nests a purchase 3 levels down: the score is one level, its rules the next.
  score: { value: { score: { model: '1', gte: 10 } } },
  // The second persona excludes the first (a heavy filter) under a not: two levels below the persona node.
  persona: { persona: '2' },
};
/** Levels a leaf reaches below itself (score: the rules; persona: the earlier persona under not). */
const LEAF_LEVELS: Record<string, number> = {
  purchase: 1,
  event: 1,
  attributes: 1,
  score: 1 + 3,
  persona: 1 + 4,
};

const rules: ScoringRuleDefinition[] = [
  { label: 'heavy', points: 20, filter: { not: { and: [other, purchase] } } },
  { label: 'light', points: 5, filter: other },
];
const personas: PersonaDefinition[] = [
  { id: '1', name: 'first', filter: { not: { or: [other, purchase] } } },
  { id: '2', name: 'second', filter: other },
];
const references: FilterReferences = {
  segmentFilter: async (id) => (id === '1' ? { and: [other, { or: [other, purchase] }] } : null),
  personaOrder: async () => personas,
  scoringRules: async (id) => (id === '1' ? rules : null),
};

/** Wrappers adding levels: every alternation of and, or and not. */
const SHAPES: Record<string, (inner: SegmentFilter) => SegmentFilter> = {
  'and/or': (inner) => ({ and: [other, { or: [other, inner] }] }),
  'not/and': (inner) => ({ not: { and: [other, inner] } }),
  'not/or': (inner) => ({ not: { or: [other, inner] } }),
  'and/not': (inner) => ({ and: [other, { not: inner }] }),
  'or/not/and': (inner) => ({ or: [other, { not: { and: [other, inner] } }] }),
};

/** `leaf` wrapped one level at a time, cycling through the shape's levels, until the whole reaches `levels`. */
function nested(
  leaf: SegmentFilter,
  leafLevels: number,
  shape: (inner: SegmentFilter) => SegmentFilter,
  levels: number,
): SegmentFilter {
  // Build with the shape's full wrappers, then trim: a wrapper of k levels is k nodes on the path to the leaf.
  let filter = leaf;
  let reached = leafLevels;
  while (reached < levels) {
    const wrapped = shape(filter);
    const added = pathLength(wrapped, filter);
    if (reached + added > levels) {
      // Fill the remaining levels with single ands (flattened into nothing in SQL, but levels all the same).
      while (reached < levels) {
        filter = { or: [other, filter] };
        reached += 1;
      }
      break;
    }
    filter = wrapped;
    reached += added;
  }
  return filter;
}

/** Nodes from `outer` down to `inner` (inner excluded). */
function pathLength(outer: SegmentFilter, inner: SegmentFilter): number {
  if (outer === inner) return 0;
  const children = [...(outer.and ?? []), ...(outer.or ?? []), ...(outer.not ? [outer.not] : [])];
  for (const child of children) {
    const below = pathLength(child, inner);
    if (below >= 0) return below + 1;
  }
  return -1;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const knex = database.db.fork().getKnex();
  const base = fc.sample(baseArb(24), { numRuns: 1, seed: 7 })[0];
  await upsertCustomers(knex, base.map((item) => item.customer) as never);
  await recordOrders(
    knex,
    base.flatMap((item) => item.orders),
    'EUR',
  );
});
afterAll(async () => database.drop());

const cases = Object.keys(LEAVES).flatMap((leaf) =>
  Object.keys(SHAPES).map((shape) => [leaf, shape] as const),
);

test.each(cases)(
  `%s nested by %s to exactly ${FILTER_LIMITS.levels} levels runs; one more is refused`,
  async (leafName, shapeName) => {
    const knex = database.db.fork().getKnex();
    const atLimit = nested(LEAVES[leafName], LEAF_LEVELS[leafName], SHAPES[shapeName], FILTER_LIMITS.levels);
    const prepared = await prepareFilter(atLimit, references);
    const facts = await loadCustomerFacts(knex);
    const context = { asOf: AS_OF, ...savedLookups(prepared) };
    const expected = facts
      .filter((customer) => evaluate(customer, atLimit, context))
      .map((customer) => customer.id)
      .sort((x, y) => x - y);
    expect(await matchingCustomerIds(knex, prepared, AS_OF)).toEqual(expected);
    // Its complement, one level deeper through the saved segment that wraps it, is one too many.
    const over = { and: [other, { not: atLimit }] };
    await expect(prepareFilter(over, references)).rejects.toThrow(FilterError);
    await expect(prepareFilter(over, references)).rejects.toMatchObject({
      message: expect.stringContaining(`${FILTER_LIMITS.levels} levels`),
    });
  },
);

test('saved segments count their levels where they are used', async () => {
  // Segment 1 is 3 levels with its purchase: used at level 10 it reaches 12, at level 11 it reaches 13.
  const at = (levels: number) => nested({ inSegment: '1' }, 1, SHAPES['and/or'], levels);
  const knex = database.db.fork().getKnex();
  const prepared = await prepareFilter(at(FILTER_LIMITS.levels - 3), references);
  expect(Array.isArray(await matchingCustomerIds(knex, prepared, AS_OF))).toBe(true);
  await expect(prepareFilter(at(FILTER_LIMITS.levels - 2), references)).rejects.toMatchObject({
    path: expect.stringMatching(/inSegment$/),
  });
});
