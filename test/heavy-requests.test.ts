import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_LIMITS } from '../src/common/config';
import { buildAppSchema } from '../src/server/schema';
import { FIELD_COSTS, SCAN } from '../src/server/field-costs';
import { measureOperation } from '../src/server/query-limits';
import { HeavyGate } from '../src/server/heavy-work';
import { startTestServer, type TestServer } from './support/server';

/**
 * Heavy fields are priced by the work they start, and the cost limit refuses
 * what would stall the service before anything runs.
 */

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAppSchema();
});

function costOf(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  return measureOperation(schema, document, operation, variables).cost;
}

/** `count` copies of a field under distinct aliases. */
function aliased(count: number, field: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
}

const SUGGESTIONS = 'personaSuggestions(k: 12) { label size share traits filter precision recall }';
const MARKET_MAP =
  'marketMap(rows: COUNTRY, columns: LIFECYCLE_STAGE) { total cells { row column customers } }';
const PAGE_WITH_SEGMENTS = (first: number) =>
  `customers(first: ${first}) { edges { node { id segments { id name } } } }`;

describe('the cost table', () => {
  test('every entry names a field of the schema, and the README lists each with its cost', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const limits = readme.slice(readme.indexOf('## Limits'), readme.indexOf('## The API'));
    for (const coordinate of Object.keys(FIELD_COSTS)) {
      const [type, field] = coordinate.split('.');
      const named = schema.getType(type) as { getFields?: () => Record<string, unknown> } | undefined;
      expect({ coordinate, known: Boolean(named?.getFields?.()[field]) }).toEqual({
        coordinate,
        known: true,
      });
      const row = limits
        .split('\n')
        .find((line) => line.startsWith('|') && line.includes(`\`${coordinate}\``));
      expect({ coordinate, row: row !== undefined }).toEqual({ coordinate, row: true });
      const cost = FIELD_COSTS[coordinate];
      const figure = (typeof cost === 'number' ? cost : cost(new Set(['filter']))).toLocaleString('en');
      expect(row!.split('|')[2]).toContain(figure);
    }
  });

  test('heavy fields weigh the work they start: one per field, the page times its first', () => {
    // Without the table each of these would cost a handful.
    expect(costOf(`{ ${MARKET_MAP} }`)).toBeGreaterThanOrEqual(SCAN);
    expect(costOf(`{ ${SUGGESTIONS} }`)).toBeGreaterThanOrEqual(4 * SCAN);
    expect(costOf('{ customers(first: 10) { edges { node { id } } } }')).toBeLessThan(50);
    expect(costOf('{ customers(first: 10, filter: {}) { edges { node { id } } } }')).toBeGreaterThanOrEqual(
      SCAN,
    );
    // A variable left unset is no filter; a variable set is one.
    const byVariable =
      'query ($f: SegmentFilter) { customers(first: 10, filter: $f) { edges { node { id } } } }';
    expect(costOf(byVariable)).toBeLessThan(50);
    expect(costOf(byVariable, { f: {} })).toBeGreaterThanOrEqual(SCAN);
    // Fragments are priced on the type they are spread on.
    expect(
      costOf('{ segments(first: 5) { edges { node { ...figures } } } } fragment figures on Segment { size }'),
    ).toBeGreaterThanOrEqual(5 * SCAN);
    // Per customer: a page of 500 with segments is 500 times the share of the page's statement.
    expect(costOf(`{ ${PAGE_WITH_SEGMENTS(500)} }`)).toBeGreaterThanOrEqual(500 * 20);
  });

  test('what the issue stalled the service with is refused or bounded under the default limit', () => {
    const limit = DEFAULT_LIMITS.cost;
    expect(costOf(aliased(500, MARKET_MAP))).toBeGreaterThan(limit);
    expect(costOf(aliased(60, MARKET_MAP))).toBeGreaterThan(limit);
    expect(costOf(aliased(45, MARKET_MAP))).toBeLessThanOrEqual(limit);
    expect(costOf(aliased(10, SUGGESTIONS))).toBeLessThanOrEqual(limit);
    expect(costOf(aliased(13, SUGGESTIONS))).toBeGreaterThan(limit);
    expect(costOf(`{ ${PAGE_WITH_SEGMENTS(500)} }`)).toBeLessThanOrEqual(limit);
    expect(costOf(aliased(5, PAGE_WITH_SEGMENTS(500)))).toBeGreaterThan(limit);
    expect(costOf(aliased(60, 'segments(first: 1) { totalCount }'))).toBeLessThanOrEqual(limit);
    expect(costOf('{ segments(first: 500) { edges { node { size } } } }')).toBeGreaterThan(limit);
  });

  test('every example operation of the playground (what the studio asks) is admitted', () => {
    const folder = join(__dirname, '..', 'schema', 'examples');
    const files = readdirSync(folder).filter((name) => name.endsWith('.graphql'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(join(folder, file), 'utf8');
      const document = parse(text);
      // The variables the playground opens the example with.
      const variables = JSON.parse(/^# variables: (.*)$/m.exec(text)?.[1] ?? '{}') as Record<string, unknown>;
      for (const operation of document.definitions) {
        if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
        const { cost } = measureOperation(schema, document, operation, variables);
        expect({ file, admitted: cost <= DEFAULT_LIMITS.cost }).toEqual({ file, admitted: true });
      }
    }
    // A studio tab: a page of 50 customers with what the customer list shows, a segment's figures.
    const studio = `{
      customers(first: 50, filter: { identity: { country: { in: ["FR"] } } }) {
        totalCount
        edges { node { id externalId firstName lastName country persona { name } value { lifetimeRevenue } segments { id name } } }
      }
      segment(id: "1") { name size stats { size } members(first: 20) { edges { node { id } } } }
    }`;
    expect(costOf(studio)).toBeLessThanOrEqual(DEFAULT_LIMITS.cost);
  });
});

describe('over HTTP, with the default limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.stop());

  test('a request past the cost limit is refused with QUERY_TOO_COSTLY before anything runs', async () => {
    for (const query of [
      aliased(13, SUGGESTIONS),
      aliased(60, MARKET_MAP),
      aliased(5, PAGE_WITH_SEGMENTS(500)),
    ]) {
      const answer = await server.post(query);
      expect(answer.status).toBe(400);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'QUERY_TOO_COSTLY', limit: DEFAULT_LIMITS.cost }),
        }),
      ]);
    }
  });
});

describe('the places for heavy work of one key', () => {
  test('at most its places run at once, the others in order of arrival; a wait too long is RATE_LIMITED', async () => {
    const gate = new HeavyGate(2, 200);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const work = (n: number) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push(n);
      running--;
      return n;
    };
    const done = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => gate.run(work(n))));
    expect(done).toEqual([1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
    expect(order.slice(2)).toEqual([3, 4, 5, 6]);
    expect(gate.idle).toBe(true);

    // Two hold the places past the wait: the third is refused, and the gate serves again afterwards.
    const hold = () => new Promise<void>((resolve) => setTimeout(resolve, 400));
    const held = [gate.run(hold), gate.run(hold)];
    await expect(gate.run(async () => 'never')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { limit: 2, retryAfter: 1 },
    });
    await Promise.all(held);
    expect(await gate.run(async () => 'again')).toBe('again');
    expect(gate.idle).toBe(true);
  });

  test('a failing piece of work gives its place back', async () => {
    const gate = new HeavyGate(1, 1000);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 1)).toBe(1);
    expect(gate.idle).toBe(true);
  });
});
