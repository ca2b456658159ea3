import type { Knex } from '@mikro-orm/knex';

/**
 * Inserts one row and gives its generated id. `returning('id')` answers
 * `[{ id }]` on PostgreSQL and, through the sqlite3 driver, either that or the
 * bare id; both databases may hand a bigint id back as a string.
 */
export async function insertReturningId(
  db: Knex | Knex.Transaction,
  table: string,
  row: Record<string, unknown>,
): Promise<number> {
  const [inserted] = await db(table).insert(row).returning('id');
  return Number(typeof inserted === 'object' ? inserted.id : inserted);
}
