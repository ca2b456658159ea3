import type { EntityManager, Knex } from '@mikro-orm/knex';
import type { ConnectionShape } from '../graphql/connection.type';
import { toConnection } from '../graphql/connection.type';
import { badUserInput } from '../common/errors';
import { SortDirection } from '../graphql/graphql-enums';
import { decodeCursor, toPage, type CursorFormat, type CursorValueType } from '../common/pagination';
import { Customer } from '../entities';
import { parseId } from '../common/ids';
import { joinSql, placeholders, raw, sql, type Sql } from '../filter/sql';
import { CustomerOrderField } from './customer.types';

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

/** Below any real value, so customers without metrics sort first ascending and last descending. */
const MISSING_NUMBER = -9007199254740991;

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

/**
 * A page of all customers in the given order, by keyset: the cursor holds the
 * sort values and the id of the last row, and the next page starts strictly
 * after it, so pages stay stable while customers are inserted.
 */
export async function listCustomers(
  em: EntityManager,
  args: { first: number; after?: string | null; orderBy?: CustomerOrdering | null; where?: Sql },
): Promise<ConnectionShape<Customer>> {
  const ordering = args.orderBy ?? DEFAULT_CUSTOMER_ORDER;
  const columns = sortColumns(ordering);
  const knex = em.getKnex();
  const descending = ordering.direction === SortDirection.DESC;
  const query = knex
    .select(
      'c.*',
      ...columns.map((column, i) => knex.raw(`${column.sql} as sort_${i}`, column.bindings ?? [])),
    )
    .from('customers as c')
    .leftJoin('customer_metrics as m', 'm.customer_id', 'c.id');
  if (args.where) query.whereRaw(args.where.text, args.where.bindings);
  const format = customerCursorFormat(ordering, columns);
  if (args.after != null) {
    const { values, id } = decodeCursor(format, args.after);
    // Each sort expression brings its own bindings (a score's), then the cursor's values follow.
    const expressions = [
      ...columns.map((column) => ({ text: column.sql, bindings: column.bindings ?? [] })),
      raw('c.id'),
    ];
    const position = sql`(${joinSql(', ', expressions)}) ${raw(descending ? '<' : '>')} (${placeholders([...values, id])})`;
    query.whereRaw(position.text, position.bindings);
  }
  // A computed key (a score) is sorted by its output name, so the database computes it once per row.
  columns.forEach((column, i) =>
    query.orderByRaw(`${column.bindings ? `sort_${i}` : column.sql} ${descending ? 'desc' : 'asc'}`),
  );
  query.orderBy('c.id', descending ? 'desc' : 'asc').limit(args.first + 1);

  const rows: Array<Record<string, unknown>> = args.first === 0 ? [] : await query;
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
    args.after != null,
    () => countCustomers(em, args.where),
  );
}

/** How many customers (match the predicate): one statement, nothing loaded. */
export async function countCustomers(em: EntityManager, where?: Sql): Promise<number> {
  const query = em.getKnex()('customers as c').count({ n: '*' });
  if (where) query.whereRaw(where.text, where.bindings);
  const [row] = await query;
  return Number(row.n);
}
