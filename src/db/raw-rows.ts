/** The rows of a knex.raw result: an array on SQLite, `{ rows }` on PostgreSQL. */
export function rowsOf(result: unknown): any[] {
  return Array.isArray(result) ? result : (result as { rows: any[] }).rows;
}
