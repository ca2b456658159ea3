import fc from 'fast-check';
import { recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { refreshMetrics } from '../src/value/metrics.service';
import { listCustomers } from '../src/customers/customer.service';
import { CustomerOrderField } from '../src/customers/customer.types';
import { SortDirection } from '../src/graphql/graphql-enums';
import { sql, type Sql } from '../src/filter/sql';
import { createTestDatabase, type TestDatabase } from './support/database';

/**
 * Member pages are found by walking the order's index in windows, falling
 * back to sorting the selected customers when a window does not fill the
 * page (src/customers/member-walks.ts). Whatever the window, the page size,
 * the filter and the ordering, paging to the end must list exactly the
 * selected customers in the order a plain sort in JavaScript gives, on a base
 * with ties on every key, names missing, customers without orders and
 * customers added after the metrics refresh (no metrics row at all).
 */
let database: TestDatabase;

const AS_OF = new Date(Date.UTC(2026, 5, 1));
const DAY = 86_400_000;
/** Lower-case ASCII only: the same order in JavaScript, SQLite and any PostgreSQL collation. */
const LAST_NAMES = ['ab', 'b', null, 'a', 'ab', 'abc', null, 'b'];
const FIRST_NAMES = [null, 'x', 'y', 'x'];
const COUNTRIES = ['FR', 'DE', 'FR', 'DE', 'FR', 'CA', 'DE', 'FR', 'DE', 'FR', 'DE', 'FR'];

interface Known {
  id: number;
  lastName: string | null;
  firstName: string | null;
  createdAt: number;
  country: string | null;
  lifetimeRevenue: number | null;
  lastOrderAt: number | null;
}

let known: Known[] = [];

function customer(i: number, prefix: string) {
  return {
    externalId: `${prefix}${i}`,
    lastName: LAST_NAMES[i % LAST_NAMES.length],
    firstName: FIRST_NAMES[(i * 3) % FIRST_NAMES.length],
    country: COUNTRIES[(i * 5) % COUNTRIES.length],
    // Four customers a creation instant: the id breaks ties.
    createdAt: new Date(AS_OF.getTime() - 400 * DAY + Math.floor(i / 4) * DAY),
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  const knex = database.db.fork().getKnex();
  await upsertCustomers(
    knex,
    Array.from({ length: 36 }, (_, i) => customer(i, 'M')),
  );
  // Two of every three customers buy; amounts and instants repeat, so revenues and last orders tie.
  const orders = Array.from({ length: 36 }, (_, i) => i)
    .filter((i) => i % 3 !== 0)
    .flatMap((i) =>
      Array.from({ length: 1 + (i % 2) }, (_, n) => ({
        externalId: `O${i}-${n}`,
        customerExternalId: `M${i}`,
        orderedAt: new Date(AS_OF.getTime() - ((i % 5) + n) * 10 * DAY),
        amount: 10 * ((i % 4) + 1),
      })),
    );
  expect((await recordOrders(knex, orders, 'EUR')).rejected).toEqual([]);
  await refreshMetrics(knex, AS_OF);
  // Added after the refresh: no metrics row, one of them with an order.
  await upsertCustomers(
    knex,
    Array.from({ length: 5 }, (_, i) => customer(i + 36, 'N')),
  );
  await recordOrders(
    knex,
    [{ externalId: 'ON', customerExternalId: 'N2', orderedAt: AS_OF, amount: 5 }],
    'EUR',
  );
  const rows: Array<Record<string, unknown>> = await knex('customers as c')
    .leftJoin('customer_metrics as m', 'm.customer_id', 'c.id')
    .select(
      'c.id',
      'c.last_name',
      'c.first_name',
      'c.created_at',
      'c.country',
      'm.lifetime_revenue',
      'm.last_order_at',
    );
  const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  known = rows.map((row) => ({
    id: Number(row.id),
    lastName: row.last_name as string | null,
    firstName: row.first_name as string | null,
    createdAt: Number(row.created_at),
    country: row.country as string | null,
    lifetimeRevenue: number(row.lifetime_revenue),
    lastOrderAt: number(row.last_order_at),
  }));
  expect(known.filter((row) => row.lifetimeRevenue === null)).toHaveLength(5);
});

afterAll(async () => database.drop());

type Key = Array<number | string>;

const MISSING = Number.NEGATIVE_INFINITY;
const KEYS: Record<string, (row: Known) => Key> = {
  [CustomerOrderField.CREATED_AT]: (row) => [row.createdAt, row.id],
  [CustomerOrderField.NAME]: (row) => [row.lastName ?? '', row.firstName ?? '', row.id],
  [CustomerOrderField.LIFETIME_REVENUE]: (row) => [row.lifetimeRevenue ?? MISSING, row.id],
  [CustomerOrderField.LAST_ORDER_AT]: (row) => [row.lastOrderAt ?? MISSING, row.id],
};

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

interface Filter {
  name: string;
  where?: Sql;
  holds(row: Known): boolean;
}

const FILTERS: Filter[] = [
  { name: 'everyone', holds: () => true },
  { name: 'FR (broad)', where: sql`c.country = ${'FR'}`, holds: (row) => row.country === 'FR' },
  { name: 'CA (rare)', where: sql`c.country = ${'CA'}`, holds: (row) => row.country === 'CA' },
  { name: 'nobody', where: sql`c.country = ${'ZZ'}`, holds: () => false },
  {
    name: 'late customers (all at the end of the creation order)',
    where: sql`c.created_at > ${AS_OF.getTime() - 300 * DAY}`,
    holds: (row) => row.createdAt > AS_OF.getTime() - 300 * DAY,
  },
];

async function pageThrough(
  field: CustomerOrderField,
  direction: SortDirection,
  filter: Filter,
  first: number,
  walkWindow: number,
): Promise<number[]> {
  const ids: number[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const connection = await listCustomers(database.db.fork(), {
      first,
      after,
      orderBy: { field, direction },
      where: filter.where,
      walkWindow,
    });
    ids.push(...connection.edges.map((edge) => edge.node.id));
    if (!connection.pageInfo.hasNextPage) return ids;
    expect(connection.edges).toHaveLength(first);
    after = connection.pageInfo.endCursor;
  }
  throw new Error('more than 100 pages');
}

test('every page, under every indexed ordering, whatever the window, is the next slice of a plain sort of the selected customers', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...(Object.keys(KEYS) as CustomerOrderField[])),
      fc.constantFrom(SortDirection.ASC, SortDirection.DESC),
      fc.constantFrom(...FILTERS),
      fc.integer({ min: 1, max: 7 }),
      fc.constantFrom(1, 2, 3, 5, 1000),
      async (field, direction, filter, first, walkWindow) => {
        const key = KEYS[field];
        const expected = known
          .filter(filter.holds)
          .sort((a, b) => compareKeys(key(a), key(b)) * (direction === SortDirection.DESC ? -1 : 1))
          .map((row) => row.id);
        expect(await pageThrough(field, direction, filter, first, walkWindow)).toEqual(expected);
      },
    ),
    { numRuns: 80, seed: 14 },
  );
});
