import type { TestServer } from './server';

/** Renames a table for the duration of `run`: the service then meets a store that fails, as after a bad migration. */
export async function withoutTable<T>(server: TestServer, table: string, run: () => Promise<T>): Promise<T> {
  const knex = server.db.fork().getKnex();
  await knex.raw(`alter table ${table} rename to ${table}_away`);
  try {
    return await run();
  } finally {
    await knex.raw(`alter table ${table}_away rename to ${table}`);
  }
}
