import { knex as createKnex, type Knex } from '@mikro-orm/knex';
import { dialectName } from './dialect-name';
import { allowLongStatements } from './statement-timeout';

/**
 * How long a batch's publishing step waits for SQLite's write lock: an
 * ingestion batch holds it for a moment, and the batch must not fail for it.
 */
const PUBLISH_BUSY_TIMEOUT_MS = 60_000;

/**
 * Long batch work over the whole base (a metrics refresh) in two steps, so
 * that nobody waits for it: `compute` reads the base and builds its results in
 * temporary tables, holding no lock that readers or writers queue behind;
 * `publish` then writes them in one short transaction, and readers see the
 * previous results until it commits. Temporary tables belong to one
 * connection, so both steps run on the same one.
 *
 * PostgreSQL: one transaction from a pooled connection; its snapshot keeps
 * readers on the previous rows until commit and the pool serves them meanwhile.
 * SQLite: the service has a single connection, and every reader would queue
 * behind a transaction on it; so a file store gets a connection of its own for
 * the batch. With write-ahead logging its reads block nobody, and only
 * `publish` takes the write lock (BEGIN IMMEDIATE). An in-memory store has no
 * second connection: there both steps run in one transaction on the only one.
 */
export async function computeThenPublish<C, T>(
  knex: Knex,
  compute: (db: Knex) => Promise<C>,
  publish: (trx: Knex, computed: C) => Promise<T>,
): Promise<T> {
  const filename = sqliteFile(knex);
  if (filename === null) {
    return knex.transaction(async (trx) => {
      // Batch work: the per-statement time limit of interactive queries does not apply.
      const restoreLimit = await allowLongStatements(trx);
      try {
        return await publish(trx, await compute(trx));
      } finally {
        restoreLimit();
      }
    });
  }
  const own = await openOwnSqliteConnection(knex, filename);
  try {
    const computed = await compute(own);
    await own.raw('begin immediate');
    try {
      const result = await publish(own, computed);
      await own.raw('commit');
      return result;
    } catch (error) {
      await own.raw('rollback').catch(() => undefined);
      throw error;
    }
  } finally {
    await own.destroy();
  }
}

/** The file of a SQLite store, or null for PostgreSQL and in-memory SQLite. */
function sqliteFile(knex: Knex): string | null {
  if (dialectName(knex) !== 'sqlite') return null;
  const filename = (knex.client.config.connection as { filename?: string } | undefined)?.filename;
  return filename && filename !== ':memory:' && !filename.startsWith('file::memory:') ? filename : null;
}

/**
 * A second connection to the store's file, through the same knex client class
 * (MikroORM's SQLite dialect), with the service's settings. No statement time
 * limit is armed on it: it only runs batch work.
 */
async function openOwnSqliteConnection(knex: Knex, filename: string): Promise<Knex> {
  const own = createKnex({
    client: knex.client.constructor as typeof Knex.Client,
    connection: { filename },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  });
  try {
    await own.raw(`pragma busy_timeout = ${PUBLISH_BUSY_TIMEOUT_MS}`);
    await own.raw('pragma foreign_keys = on');
    await own.raw('pragma synchronous = normal');
    await own.raw('pragma cache_size = -65536');
    return own;
  } catch (error) {
    await own.destroy();
    throw error;
  }
}
