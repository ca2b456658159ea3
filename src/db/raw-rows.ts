/**
 * A row as the driver returns it: column types differ between the stores (bigint as string on
 * PostgreSQL, booleans as 0/1 on SQLite), so callers convert each column they read.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

/**
 * The rows of a knex.raw result: an array on SQLite, `{ rows }` on PostgreSQL. Untyped on
 * purpose: each caller declares the shape its own select produces.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function rowsOf(result: unknown): any[] {
  return Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
}
