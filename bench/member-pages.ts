/**
 * Member pages (`customers(first: 50, filter, orderBy, after)`) for broad and
 * selective filters under each indexed ordering, the first page and a page a
 * quarter of the way into the order (through a cursor), each asked in the
 * same run through GraphQL over HTTP and as two hand-written statements:
 *   - walk: the order's index walked, the filter tested on each row (on SQLite
 *     the index is named with INDEXED BY, metrics rows drive the join);
 *   - sort: the plain statement the planner chooses for (on SQLite: select
 *     by the filter's index, then sort everything it selected).
 * and in process, through listCustomers given the same predicate as the
 * hand-written SQL (what building the page costs, without HTTP and GraphQL).
 * The ratio is the in-process page against the faster hand-written statement,
 * which only someone who knows the filter's selectivity can pick. All the
 * pages must be equal.
 *   node dist/bench/member-pages.js --database URL [--rounds 5]
 * Metric orders need refreshed metrics (refreshMetrics) on the base.
 * benchMemberPages is also one part of bench/scale.ts: one figure per filter,
 * its slowest page over HTTP against the faster hand-written statement of that page.
 */
import 'reflect-metadata';
import type { Knex } from '@mikro-orm/knex';
import { parseDatabaseUrl, toolSettings } from '../src/common/config';
import { dialectName } from '../src/db/dialect-name';
import { openDatabase, type Database } from '../src/orm/database';
import { createApp } from '../src/server/app';
import { listCustomers } from '../src/customers/customer.service';
import { CustomerOrderField } from '../src/customers/customer.types';
import { SortDirection } from '../src/graphql/graphql-enums';
import { raw } from '../src/filter/sql';
import { median, millis, option, timed, type Figure } from './measure';

const PAGE = 50;

interface FilterCase {
  name: string;
  graphql: string;
  sql: string;
}

const FILTERS: FilterCase[] = [
  { name: 'everyone', graphql: '{}', sql: '1 = 1' },
  { name: 'country FR (broad)', graphql: '{ identity: { country: { eq: "FR" } } }', sql: "c.country = 'FR'" },
  { name: 'country CA (3%)', graphql: '{ identity: { country: { eq: "CA" } } }', sql: "c.country = 'CA'" },
  {
    name: 'CA construction companies (rare)',
    graphql: '{ identity: { country: { eq: "CA" }, industry: { eq: "construction" } } }',
    sql: "c.country = 'CA' and c.industry = 'construction'",
  },
];

interface OrderCase {
  field: string;
  direction: 'ASC' | 'DESC';
  /** The sort key over c and m, the id last, as the service sorts (coalesced). */
  key: string[];
  /** The hand-written walk: its FROM clause and key (the index's own columns). */
  walkFrom(dialect: 'sqlite' | 'postgresql', index: (name: string) => string): string;
  walkKey: string[];
  /** A metric that can be null (sorted last descending, as the service's coalesced key does). */
  nullable?: boolean;
}

const ORDERS: OrderCase[] = [
  {
    field: 'CREATED_AT',
    direction: 'ASC',
    key: ['c.created_at', 'c.id'],
    walkFrom: (dialect, index) =>
      `customers c ${dialect === 'sqlite' ? `indexed by ${index('customers_created_at_id_index')} ` : ''}left join customer_metrics m on m.customer_id = c.id`,
    walkKey: ['c.created_at', 'c.id'],
  },
  {
    field: 'NAME',
    direction: 'ASC',
    key: ["coalesce(c.last_name, '')", "coalesce(c.first_name, '')", 'c.id'],
    walkFrom: (dialect, index) =>
      `customers c ${dialect === 'sqlite' ? `indexed by ${index('customers_name_order_index')} ` : ''}left join customer_metrics m on m.customer_id = c.id`,
    walkKey: ["coalesce(c.last_name, '')", "coalesce(c.first_name, '')", 'c.id'],
  },
  {
    field: 'LIFETIME_REVENUE',
    direction: 'DESC',
    key: ['coalesce(m.lifetime_revenue, -9007199254740991)', 'c.id'],
    walkFrom: (dialect, index) =>
      `customer_metrics m ${dialect === 'sqlite' ? `indexed by ${index('customer_metrics_lifetime_revenue_customer_id_index')} ` : ''}cross join customers c`,
    walkKey: ['m.lifetime_revenue', 'm.customer_id'],
  },
  {
    field: 'LAST_ORDER_AT',
    direction: 'DESC',
    key: ['coalesce(m.last_order_at, -9007199254740991)', 'c.id'],
    walkFrom: (dialect, index) =>
      `customer_metrics m ${dialect === 'sqlite' ? `indexed by ${index('customer_metrics_last_order_at_customer_id_index')} ` : ''}cross join customers c`,
    walkKey: ['m.last_order_at', 'm.customer_id'],
    nullable: true,
  },
];

async function rows(knex: Knex, text: string, bindings: Knex.Value[] = []): Promise<any[]> {
  const result = await knex.raw(text, bindings);
  return Array.isArray(result) ? result : result.rows;
}

/**
 * The SQLite index names as the store has them now: a metrics refresh
 * swaps in a twin table whose index names alternate with a `__twin` suffix
 * (db/batch-work.ts).
 */
async function indexNames(knex: Knex): Promise<(name: string) => string> {
  if (dialectName(knex) !== 'sqlite') return (name) => name;
  const present = new Set(
    (await rows(knex, "select name from sqlite_master where type = 'index'")).map((row) => String(row.name)),
  );
  return (name) => (present.has(name) ? name : `${name}__twin`);
}

const ordered = (key: string[], direction: string) => key.map((part) => `${part} ${direction}`).join(', ');

export async function benchMemberPages(db: Database, rounds = 5): Promise<Figure[]> {
  const app = await createApp(db, toolSettings(db.target), console);
  const port = await app.listen(0, '127.0.0.1');
  const knex = db.fork().getKnex();
  const dialect = dialectName(knex);
  const index = await indexNames(knex);
  const post = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as any;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data.customers as { edges: Array<{ node: { id: string } }>; pageInfo: { endCursor: string } };
  };
  const ratios: number[] = [];
  const worst: number[] = [];
  const [{ refreshed }] = await rows(knex, 'select count(*) as refreshed from customer_metrics');
  const orders = ORDERS.filter((order) => Number(refreshed) > 0 || !order.field.startsWith('L'));
  if (orders.length < ORDERS.length)
    console.log('member pages: no metrics on this base (run refreshMetrics): metric orders left out');
  const figures: Figure[] = [];
  try {
    for (const filter of FILTERS) {
      let slowest = { http: -1, hand: 0, page: '' };
      let selected = 0;
      for (const order of orders) {
        const orderBy = `{ field: ${order.field}, direction: ${order.direction} }`;
        const query = `query($after: String) { customers(first: ${PAGE}, after: $after, orderBy: ${orderBy}, filter: ${filter.graphql}) { edges { node { id } } pageInfo { endCursor } } }`;
        const comparison = order.direction === 'DESC' ? '<' : '>';
        const dir = order.direction.toLowerCase();
        // A customer a quarter of the way into the selected customers' order, and its cursor.
        const [{ n }] = await rows(knex, `select count(*) as n from customers c where ${filter.sql}`);
        const [deep] = await rows(
          knex,
          `select c.email, ${order.key.map((part, i) => `${part} as k${i}`).join(', ')} from customers c left join customer_metrics m on m.customer_id = c.id
           where ${filter.sql} and c.email is not null order by ${ordered(order.key, dir)} limit 1 offset ?`,
          [Math.floor(Number(n) / 4)],
        );
        const deepCursor = (
          await post(
            `query { customers(first: 1, orderBy: ${orderBy}, filter: { and: [${filter.graphql}, { identity: { email: { eq: ${JSON.stringify(deep.email)} } } }] }) { edges { node { id } } pageInfo { endCursor } } }`,
            {},
          )
        ).pageInfo.endCursor;
        const deepKey = order.key.map((_, i) => deep[`k${i}`]);
        for (const [place, after, key] of [
          ['first page', null, null],
          ['deep page', deepCursor, deepKey],
        ] as const) {
          const joined = order.walkKey[1] === 'm.customer_id' ? 'c.id = m.customer_id and ' : '';
          // Descending, a null metric comes last: SQLite's index order already, PostgreSQL's only when asked.
          const nullsLast = order.nullable && dialect === 'postgresql' ? ' nulls last' : '';
          const walkAfter = !key
            ? ''
            : order.nullable
              ? ` and ((${order.walkKey.join(', ')}) ${comparison} (?, ?) or ${order.walkKey[0]} is null)`
              : ` and (${order.walkKey.join(', ')}) ${comparison} (${key.map(() => '?').join(', ')})`;
          const walkSql = `select c.* from ${order.walkFrom(dialect, index)}
             where ${joined}${filter.sql}${walkAfter}
             order by ${order.walkKey[0]} ${dir}${nullsLast}, ${ordered(order.walkKey.slice(1), dir)} limit ${PAGE + 1}`;
          const sortSql = `select c.* from customers c left join customer_metrics m on m.customer_id = c.id
             where ${filter.sql}${key ? ` and (${order.key.join(', ')}) ${comparison} (${key.map(() => '?').join(', ')})` : ''}
             order by ${ordered(order.key, dir)} limit ${PAGE + 1}`;
          const service: number[] = [];
          const inProcess: number[] = [];
          const walk: number[] = [];
          const sort: number[] = [];
          let pages: string[][] = [];
          // Round 0 warms the caches for all four and is not counted.
          for (let round = 0; round <= rounds; round++) {
            const asked = await timed(() => post(query, { after }));
            const listed = await timed(() =>
              listCustomers(db.fork(), {
                first: PAGE,
                after,
                orderBy: {
                  field: order.field as CustomerOrderField,
                  direction: order.direction as SortDirection,
                },
                where: raw(filter.sql),
              }),
            );
            const walked = await timed(() => rows(knex, walkSql, (key ?? []) as Knex.Value[]));
            const sorted = await timed(() => rows(knex, sortSql, (key ?? []) as Knex.Value[]));
            if (round > 0) {
              service.push(asked.ms);
              inProcess.push(listed.ms);
              walk.push(walked.ms);
              sort.push(sorted.ms);
            }
            pages = [
              asked.value.edges.map((edge) => String(edge.node.id)),
              listed.value.edges.map((edge) => String(edge.node.id)),
              walked.value.slice(0, PAGE).map((row) => String(row.id)),
              sorted.value.slice(0, PAGE).map((row) => String(row.id)),
            ];
          }
          if (pages.some((page) => page.join() !== pages[0].join()))
            throw new Error(
              `${filter.name}, ${orderBy}, ${place}: the service's page differs from the hand-written SQL`,
            );
          const best = Math.min(median(walk), median(sort));
          const ratio = median(inProcess) / best;
          ratios.push(ratio);
          worst.push(median(service));
          selected = Number(n);
          if (median(service) > slowest.http)
            slowest = {
              http: median(service),
              hand: best,
              page: `${order.field} ${order.direction}, ${place}`,
            };
          console.log(
            `member page ${filter.name} (${Number(n).toLocaleString('en')}), ${order.field} ${order.direction}, ${place}: GraphQL over HTTP ${median(service).toFixed(1)} ms, in process ${median(inProcess).toFixed(1)} ms;` +
              ` hand-written walk ${median(walk).toFixed(1)} ms, sort ${median(sort).toFixed(1)} ms; ratio in process / faster ${ratio.toFixed(2)}×`,
          );
        }
      }
      figures.push({
        measure: `member page of 50, ${filter.name} (${selected.toLocaleString('en')}): slowest of ${orders.length * 2} pages (${slowest.page}) over HTTP vs faster hand-written SQL`,
        service: millis(slowest.http),
        baseline: millis(slowest.hand),
        ratio: slowest.http / slowest.hand,
        goal: '< 50 ms',
      });
    }
    console.log(
      `member pages: slowest over HTTP ${Math.max(...worst).toFixed(1)} ms, worst ratio ${Math.max(...ratios).toFixed(2)}×, median ratio ${median(ratios).toFixed(2)}×`,
    );
    return figures;
  } finally {
    await app.stop();
  }
}

if (require.main === module) {
  (async () => {
    const db = await openDatabase(parseDatabaseUrl(option('database', 'sqlite:/tmp/segments-bench.sqlite')));
    await db.fork().getKnex().raw('analyze');
    await benchMemberPages(db, Number(option('rounds', '5')));
    await db.close();
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
