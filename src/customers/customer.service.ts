import type { EntityManager, Knex } from '@mikro-orm/knex';
import type { ConnectionShape } from '../graphql/connection.type';
import { toConnection } from '../graphql/connection.type';
import { badUserInput } from '../common/errors';
import { SortDirection } from '../graphql/graphql-enums';
import {
  decodeCursor,
  toPage,
  type CursorFormat,
  type CursorPosition,
  type CursorValueType,
} from '../common/pagination';
import { Customer } from '../entities';
import { parseId } from '../common/ids';
import { joinSql, placeholders, raw, sql, type Sql } from '../filter/sql';
import { CustomerOrderField } from './customer.types';
import { dialectName } from '../db/dialect-name';
import {
  MISSING_NUMBER,
  customersIndexStretch,
  metricMissingStretch,
  metricValueStretch,
  walkedRows,
  type WalkedOrder,
} from './member-walks';

export interface CustomerOrdering {
  field: CustomerOrderField;
  direction: SortDirection;
  scoreModel?: string | null;
  /** With SCORE: the compiled score of scoreModel (see resolveOrdering in src/scoring). */
  score?: Sql;
}

export const DEFAULT_CUSTOMER_ORDER: CustomerOrdering = {
  field: CustomerOrderField.CREATED_AT,
  direction: SortDirection.ASC,
};

/** A sort key column: a SQL expression over `c` (customers) and `m` (customer_metrics), with its bound values. */
interface SortColumn {
  sql: string;
  bindings?: Knex.Value[];
  /** The SQL type of the expression: what a cursor's value must fit. */
  type: CursorValueType;
}

const SORT_COLUMNS: Record<Exclude<CustomerOrderField, typeof CustomerOrderField.SCORE>, SortColumn[]> = {
  [CustomerOrderField.CREATED_AT]: [{ sql: 'c.created_at', type: 'bigint' }],
  [CustomerOrderField.NAME]: [
    { sql: "coalesce(c.last_name, '')", type: 'text' },
    { sql: "coalesce(c.first_name, '')", type: 'text' },
  ],
  [CustomerOrderField.LIFETIME_REVENUE]: [
    { sql: `coalesce(m.lifetime_revenue, ${MISSING_NUMBER})`, type: 'double' },
  ],
  [CustomerOrderField.LAST_ORDER_AT]: [
    { sql: `coalesce(m.last_order_at, ${MISSING_NUMBER})`, type: 'bigint' },
  ],
};

export async function findCustomer(
  em: EntityManager,
  by: { id?: string | null; externalId?: string | null },
): Promise<Customer | null> {
  const hasId = by.id !== undefined && by.id !== null;
  const hasExternalId = by.externalId !== undefined && by.externalId !== null;
  if (hasId === hasExternalId)
    throw badUserInput('give exactly one of id or externalId', hasId ? 'externalId' : 'id');
  if (hasId) {
    const id = parseId(by.id!, 'id');
    return id === null ? null : em.findOne(Customer, { id });
  }
  return em.findOne(Customer, { externalId: by.externalId! });
}

function sortColumns(ordering: CustomerOrdering): SortColumn[] {
  if (ordering.field === CustomerOrderField.SCORE) {
    if (!ordering.score)
      throw new Error('ordering by SCORE without its compiled score: resolve the ordering first');
    return [{ sql: ordering.score.text, bindings: ordering.score.bindings, type: 'int' }];
  }
  return SORT_COLUMNS[ordering.field];
}

/**
 * Customer lists (all customers, a segment's or a persona's members) share
 * their cursors per ordering: a position in one order of customers is the
 * same place in any subset of them. Under SCORE the model is part of the order.
 */
function customerCursorFormat(ordering: CustomerOrdering, columns: SortColumn[]): CursorFormat {
  const model = ordering.field === CustomerOrderField.SCORE ? [ordering.scoreModel] : [];
  return {
    ordering: ['customers', ordering.field, ordering.direction, ...model].join(':'),
    values: columns.map((column) => column.type),
  };
}

/** The stretches of an order that indexes list (member-walks.ts); none for a computed score. */
function walkedOrder(ordering: CustomerOrdering): WalkedOrder | null {
  const descending = ordering.direction === SortDirection.DESC;
  switch (ordering.field) {
    case CustomerOrderField.CREATED_AT:
      return { stretches: [customersIndexStretch(['w.created_at', 'w.id'])], descending };
    case CustomerOrderField.NAME:
      // The expressions of customers_name_order_index, as SORT_COLUMNS sorts by them.
      return {
        stretches: [
          customersIndexStretch(["coalesce(w.last_name, '')", "coalesce(w.first_name, '')", 'w.id']),
        ],
        descending,
      };
    case CustomerOrderField.LIFETIME_REVENUE:
    case CustomerOrderField.LAST_ORDER_AT: {
      const column =
        ordering.field === CustomerOrderField.LIFETIME_REVENUE ? 'lifetime_revenue' : 'last_order_at';
      const withValue = metricValueStretch(column);
      const without = metricMissingStretch(column);
      return { stretches: descending ? [withValue, without] : [without, withValue], descending };
    }
    case CustomerOrderField.SCORE:
      return null;
  }
}

/**
 * A page of all customers in the given order, by keyset: the cursor holds the
 * sort values and the id of the last row, and the next page starts strictly
 * after it, so pages stay stable while customers are inserted. The page is
 * first looked for by walking the order's index (member-walks.ts); when the
 * filter is too selective for that, the filtered customers are sorted.
 */
export async function listCustomers(
  em: EntityManager,
  args: {
    first: number;
    after?: string | null;
    orderBy?: CustomerOrdering | null;
    where?: Sql;
    /** Rows walked per window (member-walks.ts); tests make it small to cross windows and stretches. */
    walkWindow?: number;
  },
): Promise<ConnectionShape<Customer>> {
  const ordering = args.orderBy ?? DEFAULT_CUSTOMER_ORDER;
  const columns = sortColumns(ordering);
  const knex = em.getKnex();
  const format = customerCursorFormat(ordering, columns);
  const position = args.after == null ? null : decodeCursor(format, args.after);
  const select = {
    text: ['c.*', ...columns.map((column, i) => `${column.sql} as sort_${i}`)].join(', '),
    bindings: columns.flatMap((column) => column.bindings ?? []),
  };
  const order = walkedOrder(ordering);
  const limit = args.first + 1;
  const rows: Array<Record<string, unknown>> =
    args.first === 0
      ? []
      : ((order &&
          (await walkedRows(knex, order, select, {
            after: position,
            where: args.where,
            limit,
            window: args.walkWindow,
          }))) ??
        (await sortedRows(knex, ordering, columns, position, args.where, limit)));
  const page = toPage(rows, args.first);
  const sortValues = new Map<Customer, Array<string | number>>();
  const customers = page.items.map((row) => {
    const customer = em.map(Customer, row);
    sortValues.set(
      customer,
      columns.map((column, i) =>
        column.type === 'text' ? String(row[`sort_${i}`]) : Number(row[`sort_${i}`]),
      ),
    );
    return customer;
  });
  return toConnection(
    { items: customers, hasNextPage: page.hasNextPage },
    format,
    (customer) => ({ values: sortValues.get(customer)!, id: customer.id }),
    position !== null,
    () => countCustomers(em, args.where),
  );
}

/** The page by selecting every customer `where` selects after the position, then sorting them (a selective filter, or SCORE). */
async function sortedRows(
  knex: Knex,
  ordering: CustomerOrdering,
  columns: SortColumn[],
  position: CursorPosition | null,
  where: Sql | undefined,
  limit: number,
): Promise<Array<Record<string, unknown>>> {
  const descending = ordering.direction === SortDirection.DESC;
  const query = knex
    .select(
      'c.*',
      ...columns.map((column, i) => knex.raw(`${column.sql} as sort_${i}`, column.bindings ?? [])),
    )
    .from('customers as c')
    .leftJoin('customer_metrics as m', 'm.customer_id', 'c.id');
  if (where) query.whereRaw(where.text, where.bindings);
  if (position) {
    // This statement serves filters too selective for a walk: the position is kept opaque to the planner
    // (`+ 0`, `|| ''`), or SQLite walks the order's index from it, past the whole rest of the base.
    const opaque = (column: { sql: string; type: CursorValueType }) =>
      column.type === 'text' ? `(${column.sql} || '')` : `(${column.sql} + 0)`;
    // Each sort expression brings its own bindings (a score's), then the cursor's values follow.
    const expressions: Sql[] = [
      ...columns.map((column) => ({ text: opaque(column), bindings: column.bindings ?? [] })),
      raw(opaque({ sql: 'c.id', type: 'int' })),
    ];
    const after = sql`(${joinSql(', ', expressions)}) ${raw(descending ? '<' : '>')} (${placeholders([...position.values, position.id])})`;
    query.whereRaw(after.text, after.bindings);
  }
  // A computed key (a score) is sorted by its output name, so the database computes it once per row.
  columns.forEach((column, i) =>
    query.orderByRaw(`${column.bindings ? `sort_${i}` : column.sql} ${descending ? 'desc' : 'asc'}`),
  );
  return query.orderBy('c.id', descending ? 'desc' : 'asc').limit(limit);
}

/** How many customers (match the predicate): one statement, nothing loaded. */
export async function countCustomers(em: EntityManager, where?: Sql): Promise<number> {
  const query = em.getKnex()('customers as c').count({ n: '*' });
  if (where) query.whereRaw(where.text, where.bindings);
  const [row] = await query;
  return Number(row.n);
}

/**
 * A keyset page of the customers `where` selects, by id: those after `afterId`
 * up to `throughId`, at most `limit`, with the columns named (the metrics' as
 * `m_<column>`, null without a metrics row). Long exports read the base with
 * it a page per statement, so no statement or transaction lasts longer than
 * one page. The id order is the table's own (SQLite's rowid, PostgreSQL's
 * primary key): the walk from the position stops at the limit, and over the
 * whole export each customer is read once. On SQLite the customers are walked
 * `not indexed` (the rowid range still applies): its planner, which knows
 * nothing of how many customers a compiled filter selects, would otherwise
 * take an index a criterion names (country) and sort everything it selects
 * for each page.
 */
export async function customerRowsById(
  knex: Knex,
  page: {
    where?: Sql;
    afterId: number;
    throughId: number;
    limit: number;
    /** Columns of customers to select (default every one). */
    columns?: readonly string[];
    metrics?: readonly string[];
  },
): Promise<Array<Record<string, unknown>>> {
  const from = dialectName(knex) === 'sqlite' ? 'customers as c not indexed' : 'customers as c';
  const query = knex
    .select(
      ...(page.columns ?? ['*']).map((column) => `c.${column}`),
      ...(page.metrics ?? []).map((column) => `m.${column} as m_${column}`),
    )
    .from(knex.raw(from))
    .leftJoin('customer_metrics as m', 'm.customer_id', 'c.id')
    .where('c.id', '>', page.afterId)
    .andWhere('c.id', '<=', page.throughId);
  if (page.where) query.whereRaw(page.where.text, page.where.bindings);
  return query.orderBy('c.id').limit(page.limit);
}

/** The largest customer id, 0 for an empty base: where a long read stops, so customers created during it stay out. */
export async function lastCustomerId(knex: Knex): Promise<number> {
  const [row] = await knex('customers').max({ id: 'id' });
  return Number(row?.id ?? 0);
}
