import type { Knex } from '@mikro-orm/knex';
import type { CursorPosition } from '../common/pagination';
import { joinSql, raw, type Sql } from '../filter/sql';
import { rowsOf } from '../db/raw-rows';
import { dialectName } from '../db/dialect-name';

/**
 * Pages of customers by walking the index of their order.
 *
 * Sorting every customer a filter selects to return fifty of them costs the
 * size of the selection (half a second for a third of a million customers on
 * SQLite), while walking the index that lists customers in the page's order
 * and keeping the ones the filter selects costs the number of rows walked.
 * Which is cheaper depends on how many customers the filter selects, which
 * neither store knows well for a compiled filter (SQLite not at all). So the
 * walk is tried first over a bounded window of the order: when the filter
 * selects enough customers in it (any broad filter), that is the page, in
 * one statement whose cost does not grow with the base; when it does not, the
 * filter is selective and the page falls back to the statement that selects
 * first and sorts what it selected, which is then small.
 *
 * An order is one or more stretches, each listed by one index: a metric
 * order is the customers with a value (the metric's index on
 * customer_metrics), then, after them descending or before them ascending,
 * those without one (sorted by id: the key is the same for all of them).
 */
export interface Stretch {
  /** Whether a cursor's position lies in this stretch. */
  holds(position: CursorPosition): boolean;
  /** The table walked, with its alias (`w`, or `m` for customer_metrics, which is then the metrics row joined). */
  walked: 'customers w' | 'customer_metrics m';
  /** What a walked row satisfies to be in the stretch, over the walked alias only. */
  walkedWhere?: string;
  /** The key of the walked index, the customer id last, over the walked alias. */
  keys: string[];
  /** The position as values of `keys`. */
  key(position: CursorPosition): Knex.Value[];
  /** What the customer satisfies to be in the stretch, beyond the walked row (over `c` and `m`). */
  member?: string;
}

/** An order as the stretches that list it, one after the other. */
export interface WalkedOrder {
  stretches: Stretch[];
  descending: boolean;
}

/** Below any real value, so customers without a metric sort first ascending and last descending. */
export const MISSING_NUMBER = -9007199254740991;

/** A stretch listed by an index on customers over `keys` (over `w`, the id last): the whole order. */
export function customersIndexStretch(keys: string[]): Stretch {
  return {
    holds: () => true,
    walked: 'customers w',
    keys,
    key: (position) => [...position.values, position.id] as Knex.Value[],
  };
}

/** Customers whose metric has a value, walked through the (metric, customer) index of customer_metrics. */
export function metricValueStretch(column: string): Stretch {
  return {
    holds: (position) => position.values[0] !== MISSING_NUMBER,
    walked: 'customer_metrics m',
    walkedWhere: `m.${column} is not null`,
    keys: [`m.${column}`, 'm.customer_id'],
    key: (position) => [position.values[0], position.id] as Knex.Value[],
  };
}

/**
 * Customers without a value of the metric (no metrics row yet, or a null):
 * one key, so in id order. The walk reads customers by id and the page
 * keeps those without a value.
 */
export function metricMissingStretch(column: string): Stretch {
  return {
    holds: (position) => position.values[0] === MISSING_NUMBER,
    walked: 'customers w',
    keys: ['w.id'],
    key: (position) => [position.id],
    member: `m.${column} is null`,
  };
}

/**
 * The first window: a filter selecting one customer in twenty fills a page
 * of fifty in it.
 */
export function walkWindow(limit: number): number {
  return Math.max(1000, 20 * limit);
}

/**
 * Rows a walk may read at most. Past it, sorting the selection is cheaper:
 * a filter that needs more rows than this to fill a page of fifty selects
 * fewer than one customer in two hundred (bench/member-pages.ts measures
 * both sides of the line).
 */
export const MAX_WINDOW = 20_000;

/**
 * The next window after one of `window` rows held `found` of the `wanted`
 * customers: twice what the rate observed says the page needs, or null (sort
 * instead) when that passes MAX_WINDOW or nothing was found.
 */
export function nextWindow(window: number, found: number, wanted: number): number | null {
  if (found === 0) return null;
  const next = Math.ceil((2 * window * wanted) / found);
  return next > MAX_WINDOW ? null : next;
}

type Row = Record<string, unknown>;

/**
 * The first `limit` customers of the order after `after` that `where`
 * selects, found by walking windows of its stretches (each window walks the
 * stretch again from the position, larger); null when the filter is too
 * selective for a walk (sort instead). `select` is the page's select list
 * over `c` and `m`; `window` the first window's size.
 */
export async function walkedRows(
  knex: Knex,
  order: WalkedOrder,
  select: Sql,
  page: { after: CursorPosition | null; where?: Sql; limit: number; window?: number },
): Promise<Row[] | null> {
  const { after, where, limit } = page;
  const start = after ? order.stretches.findIndex((stretch) => stretch.holds(after)) : 0;
  if (start < 0) return null;
  const rows: Row[] = [];
  for (let i = start; i < order.stretches.length; i++) {
    const stretch = order.stretches[i];
    const from = i === start && after ? stretch.key(after) : null;
    const wanted = limit - rows.length;
    let window: number | null = page.window ?? walkWindow(wanted);
    for (;;) {
      const walk = windowRows(order, stretch, from, window);
      const found =
        dialectName(knex) === 'postgresql'
          ? await windowAsTable(knex, order, stretch, walk, { select, where, limit: wanted })
          : await walkedWindow(knex, order, stretch, walk, { from, select, where, limit: wanted });
      const walked = found.length === wanted ? window : await walkedCount(knex, found, walk);
      for (const row of found) delete row.page_walked;
      if (found.length === wanted) return [...rows, ...found];
      if (walked < window) {
        rows.push(...found);
        break;
      }
      window = nextWindow(window, found.length, wanted);
      if (window === null) return null;
    }
  }
  return rows;
}

const marks = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/**
 * `(keys) > (key)` (`<` descending; `>=` with orEqual): after a key in the
 * order. The first key is also bounded alone, because SQLite seeks in an
 * index on expressions (the NAME order's) only for a bound on one expression.
 */
function after(descending: boolean, keys: string[], key: Knex.Value[], orEqual = false): Sql {
  const comparison = descending ? '<' : '>';
  return {
    text: `${keys[0]} ${comparison}= ? and (${keys.join(', ')}) ${comparison}${orEqual ? '=' : ''} (${marks(keys.length)})`,
    bindings: [key[0], ...key],
  };
}

/** The keys (`k0`, `k1`, …) of at most `window` rows of the stretch after `from`, read from its index alone. */
function windowRows(order: WalkedOrder, stretch: Stretch, from: Knex.Value[] | null, window: number): Sql {
  const direction = order.descending ? 'desc' : 'asc';
  const where = joinSql(' and ', [
    ...(stretch.walkedWhere ? [raw(stretch.walkedWhere)] : []),
    ...(from ? [after(order.descending, stretch.keys, from)] : []),
  ]);
  return {
    text: `select ${stretch.keys.map((key, i) => `${key} as k${i}`).join(', ')} from ${stretch.walked}
     ${where.text ? `where ${where.text}` : ''}
     order by ${stretch.keys.map((key) => `${key} ${direction}`).join(', ')} limit ?`,
    bindings: [...where.bindings, window],
  };
}

/**
 * The customers the filter selects in a window of the stretch, in the order,
 * each row with how many rows the window holds (`page_walked`). The walked
 * table comes first in a cross join, which SQLite keeps as the outer loop:
 * the index is walked in order from the position to the window's last row
 * (a bound read once, by a subquery over the index alone), each row's
 * customer is tested, and the walk stops at `limit` customers.
 */
async function walkedWindow(
  knex: Knex,
  order: WalkedOrder,
  stretch: Stretch,
  walk: Sql,
  page: { from: Knex.Value[] | null; select: Sql; where?: Sql; limit: number },
): Promise<Row[]> {
  const { from } = page;
  const direction = order.descending ? 'desc' : 'asc';
  const reverse = order.descending ? 'asc' : 'desc';
  const keys = stretch.keys;
  const lastKeys = keys.map((_, i) => `k${i}`);
  const last = (columns: string[]): Sql => ({
    text: `(select ${columns.join(', ')} from (${walk.text}) t order by ${lastKeys.map((key) => `${key} ${reverse}`).join(', ')} limit 1)`,
    bindings: walk.bindings,
  });
  const until = order.descending ? '>=' : '<=';
  const walksMetrics = stretch.walked === 'customer_metrics m';
  const where = joinSql(' and ', [
    raw(walksMetrics ? 'c.id = m.customer_id' : 'c.id = w.id'),
    ...(stretch.walkedWhere ? [raw(stretch.walkedWhere)] : []),
    ...(from ? [after(order.descending, keys, from)] : []),
    // To the window's last row: alone, the first key is what SQLite seeks an index on expressions with.
    { text: `${keys[0]} ${until} ${last(['k0']).text}`, bindings: last(['k0']).bindings },
    { text: `(${keys.join(', ')}) ${until} ${last(lastKeys).text}`, bindings: last(lastKeys).bindings },
    ...(stretch.member ? [raw(stretch.member)] : []),
    ...(page.where ? [page.where] : []),
  ]);
  const result = await knex.raw(
    `select ${page.select.text}, (select count(*) from (${walk.text}) t) as page_walked
     from ${stretch.walked} cross join customers c${walksMetrics ? '' : ' left join customer_metrics m on m.customer_id = c.id'}
     where ${where.text}
     order by ${keys.map((key) => `${key} ${direction}`).join(', ')}
     limit ?`,
    [...page.select.bindings, ...walk.bindings, ...where.bindings, page.limit],
  );
  return rowsOf(result) as Row[];
}

/**
 * The same rows on PostgreSQL, from the window as a derived table: its order
 * and its limit carry to the outer statement, which walks it in a nested loop
 * and stops at `limit` customers. (The bounds of walkedWindow are parameters
 * PostgreSQL cannot estimate: it planned a parallel scan of the index, whose
 * workers cost more than the page.)
 */
async function windowAsTable(
  knex: Knex,
  order: WalkedOrder,
  stretch: Stretch,
  walk: Sql,
  page: { select: Sql; where?: Sql; limit: number },
): Promise<Row[]> {
  const direction = order.descending ? 'desc' : 'asc';
  const id = `t.k${stretch.keys.length - 1}`;
  const where = joinSql(' and ', [
    raw(`c.id = ${id}`),
    ...(stretch.member ? [raw(stretch.member)] : []),
    ...(page.where ? [page.where] : []),
  ]);
  const result = await knex.raw(
    `select ${page.select.text}, (select count(*) from (${walk.text}) n) as page_walked
     from (${walk.text}) t cross join customers c left join customer_metrics m on m.customer_id = c.id
     where ${where.text}
     order by ${stretch.keys.map((_, i) => `t.k${i} ${direction}`).join(', ')}
     limit ?`,
    [...page.select.bindings, ...walk.bindings, ...walk.bindings, ...where.bindings, page.limit],
  );
  return rowsOf(result) as Row[];
}

/** How many rows a window holds: read from the page's rows, or counted when the filter kept none. */
async function walkedCount(knex: Knex, found: Row[], walk: Sql): Promise<number> {
  if (found.length > 0) return Number(found[0].page_walked);
  const result = await knex.raw(`select count(*) as n from (${walk.text}) t`, walk.bindings);
  return Number((rowsOf(result) as Row[])[0].n);
}
