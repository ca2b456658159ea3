import type { EntityManager } from '@mikro-orm/knex';
import { filterPredicate } from '../filter/query';
import { ordersUpTo, revenueUpTo } from '../filter/orders';
import { joinSql, sql, type Sql } from '../filter/sql';
import { rowsOf } from '../db/raw-rows';
import type { SegmentFilter } from '../filter/types';
import { compileContextFor } from '../filter/context';
import { prepareRequestPersonaAssignment } from '../saved-filters/persona-assignment';
import { prepareRequestFilter } from '../saved-filters/filter.service';
import { Dimension, DIMENSIONS, keyOf, type DimensionContext, type DimensionDefinition } from './dimensions';

const isSql = (join: Sql | undefined): join is Sql => join !== undefined;

/** An open axis (countries, industries…) shows its largest keys; the rest are folded into one "other" key. */
export const MARKET_MAP_LIMITS = { keysPerAxis: 50 } as const;
export const OTHER = 'other';

export interface MarketCellData {
  row: string;
  column: string;
  customers: number;
  revenue: number;
  revenuePerCustomer: number;
  share: number;
  /** The map's filter crossed with the cell's keys, when the filter language can say it. */
  filter: SegmentFilter | null;
}

export interface MarketMapData {
  rows: string[];
  columns: string[];
  cells: MarketCellData[];
  total: number;
}

/** The column of a map asked without columns. */
export const ALL = 'all';

/**
 * The market map: every customer the filter selects, counted and summed by
 * (row key, column key) in one grouped statement. Axes list every key of a
 * closed domain (bands, enumerations, personas) even when empty, and the
 * keys present of an open one, largest first; cells cover every row × column,
 * so they add up to `total`.
 */
export async function marketMap(
  em: EntityManager,
  rows: Dimension,
  columns: Dimension | null,
  filter: SegmentFilter | null,
  asOf: Date,
): Promise<MarketMapData> {
  const knex = em.getKnex();
  // Every persona's filter is read only when an axis assigns personas.
  const byPersona = rows === Dimension.PERSONA || columns === Dimension.PERSONA;
  const prepared = byPersona
    ? await prepareRequestPersonaAssignment(em, filter)
    : await prepareRequestFilter(em, filter);
  const context: DimensionContext = { asOf, compile: compileContextFor(knex, prepared, asOf) };
  const rowAxis = DIMENSIONS[rows];
  const columnAxis = columns ? DIMENSIONS[columns] : null;
  const rowKey = rowAxis.key(context);
  const columnKey = columnAxis ? columnAxis.key(context) : sql`null`;
  const where = filterPredicate(knex, prepared, asOf);
  // The whole base: every customer's revenue from one grouped pass over the orders, joined
  // (at 1M, 2.4 s instead of 5.5 s on PostgreSQL, 3.9 s instead of 4.9 s on SQLite, for a
  // sum per customer through the index); a filtered map sums only its customers' orders.
  const wholeBase = filter === null;
  const revenue = wholeBase ? sql`coalesce(map_revenue.amount, 0)` : revenueUpTo(asOf);
  const revenueJoin = sql`left join (select t.customer_id, sum(t.amount) as amount from orders t
      where ${ordersUpTo(asOf)} group by t.customer_id) map_revenue on map_revenue.customer_id = c.id`;
  // One grouped statement with the keys in its select list, like a hand-written one: a key
  // kept in a stored column is read through its axis's join, once per customer.
  const joins = [
    ...new Map([rowAxis.join, columnAxis?.join].filter(isSql).map((join) => [join.text, join])).values(),
    ...(wholeBase ? [revenueJoin] : []),
  ];
  const statement = sql`select ${rowKey} as row_key, ${columnKey} as column_key,
      count(*) as customers, sum(${revenue}) as revenue
    from customers c ${joinSql(' ', joins)}
    where ${where}
    group by row_key, column_key`;
  const grouped: Array<{
    row_key: unknown;
    column_key: unknown;
    customers: number | string;
    revenue: number | string | null;
  }> = await knex.raw(statement.text, statement.bindings).then(rowsOf);

  const rowKeys = axisKeys(
    rowAxis,
    context,
    grouped.map((g) => [keyOf(g.row_key, rowAxis), Number(g.customers)]),
  );
  const columnKeys = columnAxis
    ? axisKeys(
        columnAxis,
        context,
        grouped.map((g) => [keyOf(g.column_key, columnAxis), Number(g.customers)]),
      )
    : { keys: [ALL], shown: (key: string) => key };
  const cells = new Map<string, { customers: number; revenue: number }>();
  for (const g of grouped) {
    const row = rowKeys.shown(keyOf(g.row_key, rowAxis));
    const column = columnAxis ? columnKeys.shown(keyOf(g.column_key, columnAxis)) : ALL;
    const cell = cells.get(JSON.stringify([row, column])) ?? { customers: 0, revenue: 0 };
    cell.customers += Number(g.customers);
    cell.revenue += Number(g.revenue ?? 0);
    cells.set(JSON.stringify([row, column]), cell);
  }
  const total = grouped.reduce((sum, g) => sum + Number(g.customers), 0);
  const out: MarketCellData[] = [];
  for (const row of rowKeys.keys) {
    for (const column of columnKeys.keys) {
      const cell = cells.get(JSON.stringify([row, column])) ?? { customers: 0, revenue: 0 };
      const parts = [
        filter ?? {},
        axisFilter(rowAxis, row, rowKeys.keys, context),
        columnAxis ? axisFilter(columnAxis, column, columnKeys.keys, context) : {},
      ];
      out.push({
        row,
        column,
        customers: cell.customers,
        revenue: cell.revenue,
        revenuePerCustomer: cell.customers === 0 ? 0 : cell.revenue / cell.customers,
        share: total === 0 ? 0 : cell.customers / total,
        filter: parts.some((part) => part === null) ? null : { and: parts as SegmentFilter[] },
      });
    }
  }
  return { rows: rowKeys.keys, columns: columnKeys.keys, cells: out, total };
}

/**
 * The keys an axis shows: a closed domain in its order (keys always shown,
 * others when present); an open one by size, the missing key last, and past
 * MARKET_MAP_LIMITS.keysPerAxis the smallest folded into OTHER.
 */
function axisKeys(
  axis: DimensionDefinition,
  context: DimensionContext,
  present: Array<[string, number]>,
): { keys: string[]; shown(key: string): string } {
  const counts = new Map<string, number>();
  for (const [key, customers] of present) counts.set(key, (counts.get(key) ?? 0) + customers);
  const order = axis.order(context);
  if (order) {
    const always = new Set(axis.alwaysShown(context));
    return { keys: order.filter((key) => always.has(key) || counts.has(key)), shown: (key) => key };
  }
  const known = [...counts.keys()].filter((key) => key !== axis.missing);
  known.sort((x, y) => counts.get(y)! - counts.get(x)! || (x < y ? -1 : x > y ? 1 : 0));
  const kept = known.slice(0, MARKET_MAP_LIMITS.keysPerAxis);
  const keep = new Set(kept);
  const keys = [
    ...kept,
    ...(known.length > kept.length ? [OTHER] : []),
    ...(counts.has(axis.missing) ? [axis.missing] : []),
  ];
  return { keys, shown: (key) => (key === axis.missing || keep.has(key) ? key : OTHER) };
}

/** The filter of one key of an axis; OTHER is every known key that is not shown. */
function axisFilter(
  axis: DimensionDefinition,
  key: string,
  shownKeys: string[],
  context: DimensionContext,
): SegmentFilter | null {
  if (key !== OTHER) return axis.filterOf(key, context);
  return (
    axis.filterOfOthers?.(
      shownKeys.filter((candidate) => candidate !== OTHER && candidate !== axis.missing),
    ) ?? null
  );
}
