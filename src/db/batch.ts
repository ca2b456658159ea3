import type { Knex } from '@mikro-orm/knex';
import { dialectName } from './dialect-name';

/**
 * Rows per multi-row INSERT and values per IN list. Kept well under SQLite's
 * 32,766 and PostgreSQL's 65,535 bound parameters with 30 columns a row.
 */
export const ROWS_PER_STATEMENT = 500;

/**
 * Values per IN list of selectWhereIn: a whole ingestion batch (5,000) in one
 * statement, well within both stores' bound-parameter limits.
 */
export const VALUES_PER_IN_LIST = 5_000;

export function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `select columns from table where column in (values)`, in as many statements
 * as the values need. With `lockForUpdate` (PostgreSQL) the rows are locked
 * in one order for everyone, the byte order of the values (collate "C"
 * compares bytes, whatever the database's locale): two batches naming the same
 * rows in different orders wait for each other instead of deadlocking.
 */
export async function selectWhereIn<R>(
  db: Knex | Knex.Transaction,
  table: string,
  columns: string[],
  column: string,
  values: ReadonlyArray<string | number>,
  lockForUpdate = false,
): Promise<R[]> {
  const rows: R[] = [];
  const distinct = [...new Set(values)];
  // SQLite has no row locks (its writer lock covers the transaction).
  const locking = lockForUpdate && dialectName(db) === 'postgresql';
  if (locking) distinct.sort(byteOrder);
  const postgres = dialectName(db) === 'postgresql';
  for (const part of chunks(distinct, VALUES_PER_IN_LIST)) {
    // PostgreSQL: one array parameter (typed as the column's array by the server), not
    // thousands of parameters to bind and plan: half the time for 5,000 keys.
    const query = postgres
      ? db(table)
          .select(columns)
          .whereRaw('?? = any(?)', [column, part as Knex.Value])
      : db(table).select(columns).whereIn(column, part);
    // No key update: the key stays, so inserting an order of the customer (a key-share lock) need not wait.
    if (locking) query.orderByRaw('?? collate "C"', [column]).forNoKeyUpdate();
    rows.push(...((await query) as R[]));
  }
  return rows;
}

/**
 * Orders values as PostgreSQL's "C" collation (UTF-8 bytes) and SQLite's
 * default BINARY collation do: by code point. Plain UTF-16 comparison puts
 * characters past U+FFFF (surrogate pairs) before U+E000–U+FFFF.
 */
export function byteOrder(a: string | number, b: string | number): number {
  if (typeof a === 'number' || typeof b === 'number') return Number(a) - Number(b);
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xPair = x >= 0xd800 && x <= 0xdfff;
    const yPair = y >= 0xd800 && y <= 0xdfff;
    if (xPair !== yPair) return xPair ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Bound parameters a statement may carry: SQLite's SQLITE_MAX_VARIABLE_NUMBER
 * (32,766 since 3.32) and PostgreSQL's protocol limit (65,535).
 */
export function boundParameterLimit(db: Knex | Knex.Transaction): number {
  return dialectName(db) === 'postgresql' ? 65_535 : 32_766;
}

/**
 * Inserts rows with multi-row INSERT … VALUES statements, as many rows a
 * statement as the bound-parameter limit allows (a batch of 5,000 events is
 * two statements on SQLite, one on PostgreSQL). knex's own multi-row insert
 * on SQLite is an INSERT … SELECT … UNION ALL SELECT …, capped at 500 rows by
 * SQLite's compound-select limit, and slower to plan; it is kept for rows
 * whose columns differ from row to row or that leave a value undefined (knex
 * writes DEFAULT there).
 */
export async function insertRows(
  db: Knex | Knex.Transaction,
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const uniform =
    columns.length > 0 &&
    rows.every((row) => {
      const keys = Object.keys(row);
      return (
        keys.length === columns.length && keys.every((key, i) => key === columns[i] && row[key] !== undefined)
      );
    });
  if (!uniform) {
    for (const part of chunks(rows)) await db(table).insert(part);
    return;
  }
  const perStatement = Math.floor(boundParameterLimit(db) / columns.length);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const head = `insert into ?? (${columns.map(() => '??').join(', ')}) values `;
  for (const part of chunks(rows, perStatement)) {
    const bindings: unknown[] = [table, ...columns];
    for (const row of part) for (const column of columns) bindings.push(row[column]);
    await db.raw(head + part.map(() => tuple).join(', '), bindings as Knex.RawBinding[]);
  }
}

/** JSON columns are written as text on both databases (jsonb accepts JSON text). */
export const jsonText = (value: unknown): string => JSON.stringify(value);

/** SQLite returns JSON columns as text and BIGINT as numbers, PostgreSQL as objects and strings. */
export function jsonValue<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function millis(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}
