import type { Knex } from '@mikro-orm/knex';
import { dialectName } from './dialect-name';

/**
 * Rows per multi-row INSERT and values per IN list. Kept well under SQLite's
 * 32,766 and PostgreSQL's 65,535 bound parameters with 30 columns a row.
 */
export const ROWS_PER_STATEMENT = 500;

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
  for (const part of chunks(distinct)) {
    const query = db(table).select(columns).whereIn(column, part);
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

export async function insertRows(
  db: Knex | Knex.Transaction,
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
): Promise<void> {
  for (const part of chunks(rows)) await db(table).insert(part);
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
