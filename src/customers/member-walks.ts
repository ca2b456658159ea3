import type { Knex } from '@mikro-orm/knex';
import type { CursorPosition } from '../common/pagination';
import type { Sql } from '../filter/sql';

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
  /** Ids (`id`) of at most `window` customers of the stretch in the order, strictly after `position` when given. */
  walk(position: CursorPosition | null, window: number, descending: boolean): Sql;
  /** What the customers of the stretch satisfy in the page statement, when the walk reads more than them. */
  member?: string;
}

/** What the page statement sorts by: SQL over `c` (customers) and `m` (customer_metrics). */
export interface WalkedOrder {
  stretches: Stretch[];
  /** The sort key, the id last. */
  keys: string[];
  descending: boolean;
}

/** Below any real value, so customers without a metric sort first ascending and last descending. */
export const MISSING_NUMBER = -9007199254740991;

const marks = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/** A stretch listed by an index on customers over `keys` (the id last): the whole order. */
export function customersIndexStretch(keys: string[]): Stretch {
  return {
    holds: () => true,
    walk(position, window, descending) {
      const direction = descending ? 'desc' : 'asc';
      const after = position
        ? `where (${keys.join(', ')}) ${descending ? '<' : '>'} (${marks(keys.length)}) `
        : '';
      return {
        text: `select c.id from customers c ${after}order by ${keys.map((key) => `${key} ${direction}`).join(', ')} limit ?`,
        bindings: [...(position ? [...position.values, position.id] : []), window] as Knex.Value[],
      };
    },
  };
}

/** Customers whose metric has a value, walked through the (metric, customer) index of customer_metrics. */
export function metricValueStretch(column: string): Stretch {
  return {
    holds: (position) => position.values[0] !== MISSING_NUMBER,
    walk(position, window, descending) {
      const direction = descending ? 'desc' : 'asc';
      const after = position ? ` and (m.${column}, m.customer_id) ${descending ? '<' : '>'} (?, ?)` : '';
      return {
        text: `select m.customer_id as id from customer_metrics m where m.${column} is not null${after} order by m.${column} ${direction}, m.customer_id ${direction} limit ?`,
        bindings: [...(position ? [position.values[0], position.id] : []), window] as Knex.Value[],
      };
    },
  };
}

/**
 * Customers without a value of the metric (no metrics row yet, or a null):
 * one key, so in id order. The walk reads customers by id and the page
 * statement keeps those without a value.
 */
export function metricMissingStretch(column: string): Stretch {
  return {
    holds: (position) => position.values[0] === MISSING_NUMBER,
    member: `m.${column} is null`,
    walk(position, window, descending) {
      const after = position ? `where c.id ${descending ? '<' : '>'} ? ` : '';
      return {
        text: `select c.id from customers c ${after}order by c.id ${descending ? 'desc' : 'asc'} limit ?`,
        bindings: [...(position ? [position.id] : []), window] as Knex.Value[],
      };
    },
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
    const wanted = limit - rows.length;
    let window: number | null = page.window ?? walkWindow(wanted);
    for (;;) {
      const walk = stretch.walk(i === start ? after : null, window, order.descending);
      const found = await walkedWindow(knex, order, stretch, walk, select, where, wanted);
      const walked = await walkedCount(knex, found, walk);
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

/** The customers of one window that the filter selects, in the order; each row says how many were walked. */
async function walkedWindow(
  knex: Knex,
  order: WalkedOrder,
  stretch: Stretch,
  walk: Sql,
  select: Sql,
  where: Sql | undefined,
  limit: number,
): Promise<Row[]> {
  const direction = order.descending ? 'desc' : 'asc';
  const conditions = [
    'c.id = w.id',
    ...(stretch.member ? [stretch.member] : []),
    ...(where ? [where.text] : []),
  ];
  // `cross join` keeps the window the outer loop on SQLite: the filter is tested on the walked rows only.
  const result = await knex.raw(
    `with w as (${walk.text})
     select ${select.text}, (select count(*) from w) as page_walked
     from w cross join customers c left join customer_metrics m on m.customer_id = c.id
     where ${conditions.join(' and ')}
     order by ${order.keys.map((key) => `${key} ${direction}`).join(', ')}
     limit ?`,
    [...walk.bindings, ...select.bindings, ...(where?.bindings ?? []), limit],
  );
  return (Array.isArray(result) ? result : result.rows) as Row[];
}

/** How many rows a window walked: read from its rows, or counted when the filter kept none of them. */
async function walkedCount(knex: Knex, found: Row[], walk: Sql): Promise<number> {
  if (found.length > 0) return Number(found[0].page_walked);
  const result = await knex.raw(`with w as (${walk.text}) select count(*) as n from w`, walk.bindings);
  const rows = (Array.isArray(result) ? result : result.rows) as Row[];
  return Number(rows[0].n);
}
