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

/** `select columns from table where column in (values)`, in as many statements as the values need. */
export async function selectWhereIn<R>(
  db: Knex | Knex.Transaction,
  table: string,
  columns: string[],
  column: string,
  values: ReadonlyArray<string | number>,
  lockForUpdate = false,
): Promise<R[]> {
  const rows: R[] = [];
  for (const part of chunks([...new Set(values)])) {
    const query = db(table).select(columns).whereIn(column, part);
    // SQLite has no row locks (its writer lock covers the transaction).
    if (lockForUpdate && dialectName(db) === 'postgresql') query.forUpdate();
    rows.push(...((await query) as R[]));
  }
  return rows;
}

export async function insertRows(db: Knex | Knex.Transaction, table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
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
