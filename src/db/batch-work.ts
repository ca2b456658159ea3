import { knex as createKnex, type Knex } from '@mikro-orm/knex';
import { dialectName } from './dialect-name';
import { allowLongStatements } from './statement-timeout';

/**
 * How long a batch's writing waits for SQLite's write lock: an ingestion batch
 * holds it for a moment, and the refresh must not fail for it.
 */
const PUBLISH_BUSY_TIMEOUT_MS = 60_000;

/** Keys per transaction when a SQLite store's table is refilled: each holds the write lock for a moment only. */
const KEYS_PER_CHUNK = 10_000;

/** A statement or a predicate with its bound values, in the order of its placeholders. */
export interface SqlText {
  text: string;
  bindings: Knex.Value[];
}

/**
 * All the rows that replace a table's: an INSERT…SELECT into a given table,
 * narrowed to a range of keys by a predicate in its where clause.
 */
export interface TableReplacement {
  table: string;
  /** The statement, writing into `target` the rows whose key satisfies the predicate `range`. */
  insertSelect(target: string, range: SqlText): SqlText;
  /** The keys the rows are made from: the table they are read from, its key column, and that column as `range` names it. */
  keys: { table: string; column: string; qualified: string };
}

/**
 * Long batch work over the whole base (a metrics refresh) in two steps, so
 * that nobody waits for it: `compute` reads the base and builds its results in
 * temporary tables, holding no lock that readers or writers queue behind; then
 * the table named by `replacement` gets all its rows replaced, and `finish`
 * runs in the transaction that publishes them. Readers see the previous rows
 * until that transaction commits. Temporary tables belong to one connection,
 * so everything runs on the same one.
 *
 * PostgreSQL: one transaction from a pooled connection (delete, then the
 * INSERT…SELECT); its snapshot keeps readers on the previous rows until commit,
 * and the pool serves them meanwhile.
 * SQLite: the service has a single writer connection, and every write would
 * queue behind a transaction on it; so a file store gets a connection of its
 * own for the batch, and with write-ahead logging its reads block nobody. Only
 * one writer at a time, though, and a million rows take many seconds to write:
 * an ingestion batch would wait for them (queries would not: they have read
 * connections of their own, database.ts). So the new rows go to a twin table, filled in short
 * transactions of KEYS_PER_CHUNK keys, and one short transaction swaps the
 * twin in by renaming; the old table is emptied the same way, then dropped. An in-memory store
 * has no second connection: there it all runs in one transaction on the only one.
 */
export async function computeThenPublish<C, T>(
  knex: Knex,
  compute: (db: Knex) => Promise<C>,
  replacement: (computed: C) => TableReplacement,
  finish: (trx: Knex, computed: C) => Promise<T>,
): Promise<T> {
  const filename = sqliteFile(knex);
  if (filename === null) {
    return knex.transaction(async (trx) => {
      // Batch work: the per-statement time limit of interactive queries does not apply.
      const restoreLimit = await allowLongStatements(trx);
      try {
        const computed = await compute(trx);
        const { table, insertSelect } = replacement(computed);
        // Two replacements at once would each delete the rows of a snapshot
        // and insert theirs over the other's: the second waits for the first.
        if (dialectName(trx) === 'postgresql')
          await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`replace ${table}`]);
        await trx(table).delete();
        const statement = insertSelect(table, { text: '1 = 1', bindings: [] });
        await trx.raw(statement.text, statement.bindings);
        return await finish(trx, computed);
      } finally {
        restoreLimit();
      }
    });
  }
  const own = await openOwnSqliteConnection(knex, filename);
  try {
    const computed = await compute(own);
    const rows = replacement(computed);
    // One twin per table: two refreshes of the same store (the scheduler's and
    // an explicit one) take turns to fill and swap it.
    return await oneAtATime(`${filename}\n${rows.table}`, async () => {
      const twin = await fillTwin(own, rows);
      return inWriteTransaction(own, async () => {
        await own.raw(`alter table ${quote(twin.table)} rename to ${quote(twin.retired)}`);
        await own.raw(`alter table ${quote(twin.name)} rename to ${quote(twin.table)}`);
        return finish(own, computed);
      }).finally(() => retire(own, twin.retired));
    });
  } finally {
    await own.destroy();
  }
}

/** Work under way by key, each chained after the previous one. */
const queues = new Map<string, Promise<unknown>>();

async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const current = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
  queues.set(key, current);
  try {
    return await current;
  } finally {
    if (queues.get(key) === current) queues.delete(key);
  }
}

/** A SQLite identifier, quoted. */
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function inWriteTransaction<T>(own: Knex, work: () => Promise<T>): Promise<T> {
  await own.raw('begin immediate');
  try {
    const result = await work();
    await own.raw('commit');
    return result;
  } catch (error) {
    await own.raw('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * The twin of the replaced table (same definition, same indexes), filled with
 * the new rows a range of keys at a time. Index names must be unique in the
 * store, so the twin's carry a suffix, or drop it if the table's already do:
 * they alternate between the two names from one refresh to the next.
 */
async function fillTwin(
  own: Knex,
  replacement: TableReplacement,
): Promise<{ name: string; table: string; retired: string }> {
  const { table, keys } = replacement;
  const name = `${table}_next`;
  const retired = `${table}_previous`;
  const schema: Array<{ type: string; name: string; sql: string }> = await own.raw(
    `select type, name, sql from sqlite_master where tbl_name = ? and sql is not null order by type desc`,
    [table],
  );
  await inWriteTransaction(own, async () => {
    // Leftovers of an interrupted refresh.
    await own.raw(`drop table if exists ${quote(name)}`);
    await own.raw(`drop table if exists ${quote(retired)}`);
    for (const entry of schema) {
      if (entry.type === 'table') {
        await own.raw(entry.sql.replace(/^(create table\s+)(["`]?)[^"`\s(]+\2/i, `$1${quote(name)}`));
      } else if (entry.type === 'index') {
        const twinIndex = entry.name.endsWith('__twin')
          ? entry.name.slice(0, -'__twin'.length)
          : `${entry.name}__twin`;
        await own.raw(
          entry.sql
            .replace(/^(create (?:unique )?index\s+)(["`]?)[^"`\s]+\2/i, `$1${quote(twinIndex)}`)
            .replace(/(\son\s+)(["`]?)[^"`\s(]+\2/i, `$1${quote(name)}`),
        );
      }
    }
  });
  await inKeyRanges(own, keys.table, keys.column, (from, to) => {
    const range = { text: `${keys.qualified} > ? and ${keys.qualified} <= ?`, bindings: [from, to] };
    const { text, bindings } = replacement.insertSelect(name, range);
    return own.raw(text, bindings);
  });
  return { name, table, retired };
}

/**
 * Drops the table the twin replaced, emptied first a range of rows per
 * transaction: dropping a million rows and their indexes at once would hold
 * the write lock for as long as writing them.
 */
async function retire(own: Knex, table: string): Promise<void> {
  const [{ found }]: Array<{ found: number }> = await own.raw(
    "select count(*) as found from sqlite_master where type = 'table' and name = ?",
    [table],
  );
  if (Number(found) === 0) return;
  await inKeyRanges(own, table, 'rowid', (from, to) =>
    own.raw(`delete from ${quote(table)} where rowid > ? and rowid <= ?`, [from, to]),
  );
  await inWriteTransaction(own, () => own.raw(`drop table ${quote(table)}`));
}

/** Runs `work` on consecutive ranges (from, to] of KEYS_PER_CHUNK keys of a table's column, each in its own write transaction. */
async function inKeyRanges(
  own: Knex,
  table: string,
  column: string,
  work: (from: number, to: number) => Promise<unknown>,
): Promise<void> {
  const [bounds]: Array<{ low: number | null; high: number | null }> = await own.raw(
    `select min(${quote(column)}) as low, max(${quote(column)}) as high from ${quote(table)}`,
  );
  if (bounds.low === null || bounds.high === null) return;
  const high = Number(bounds.high);
  for (let from = Number(bounds.low) - 1; from < high; from += KEYS_PER_CHUNK)
    await inWriteTransaction(own, () => work(from, Math.min(from + KEYS_PER_CHUNK, high)));
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
    // The connection lives for one batch: a page cache large enough for the
    // rewritten table's indexes (random inserts), sorts and scratch tables in memory.
    await own.raw('pragma cache_size = -524288');
    await own.raw('pragma temp_store = memory');
    return own;
  } catch (error) {
    await own.destroy();
    throw error;
  }
}
