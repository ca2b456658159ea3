import type { Knex } from '@mikro-orm/knex';
import { storedFilter } from '../filter/json';
import { directReferences, type DirectReferences } from '../filter/references';
import type { SegmentFilter } from '../filter/types';
import { chunks } from '../db/batch';

/**
 * Who uses which saved filter, in one place: the table
 * `saved_filter_references`, one row per "user uses referenced" where the user
 * is a segment, a scoring model (by any of its rules) or a persona, and what
 * it names directly is a segment, a scoring model or a persona. Each user's
 * rows are written with it, in the same transaction, so the graph never
 * disagrees with the stored filters. It answers a segment's references both
 * ways and every refusal to delete something still in use.
 */

/** The kinds of saved objects, as the graph stores them. */
export type SavedKind = 'segment' | 'scoring_model' | 'persona';

const TABLE = 'saved_filter_references';

const KIND_OF_REFERENCES: Record<keyof DirectReferences, SavedKind> = {
  segments: 'segment',
  scoringModels: 'scoring_model',
  personas: 'persona',
};

/** Users in refusals: segments first, then scoring models, then personas, each by id. */
const USER_ORDER: SavedKind[] = ['segment', 'scoring_model', 'persona'];

interface ReferenceRow {
  user_kind: SavedKind;
  user_id: number;
  referenced_kind: SavedKind;
  referenced_id: number;
}

/** The rows of one user: what any of its filters names directly, once each. */
function referenceRows(userKind: SavedKind, userId: number, filters: SegmentFilter[]): ReferenceRow[] {
  const rows = new Map<string, ReferenceRow>();
  for (const filter of filters) {
    const named = directReferences(filter);
    for (const key of Object.keys(KIND_OF_REFERENCES) as Array<keyof DirectReferences>) {
      for (const id of named[key]) {
        const row = {
          user_kind: userKind,
          user_id: userId,
          referenced_kind: KIND_OF_REFERENCES[key],
          referenced_id: id,
        };
        rows.set(`${row.referenced_kind}:${id}`, row);
      }
    }
  }
  return [...rows.values()];
}

/** Four bindings a row: well under SQLite's oldest limit of 999 variables a statement. */
const ROWS_PER_INSERT = 200;

async function insertRows(trx: Knex.Transaction, rows: ReferenceRow[]): Promise<void> {
  for (const part of chunks(rows, ROWS_PER_INSERT)) {
    await trx(TABLE)
      .insert(part)
      .onConflict(['user_kind', 'user_id', 'referenced_kind', 'referenced_id'])
      .ignore();
  }
}

/** Records what a saved object's filters name (a scoring model has one a rule), replacing what they named before. */
export async function writeReferences(
  trx: Knex.Transaction,
  userKind: SavedKind,
  userId: number,
  filters: SegmentFilter[],
): Promise<void> {
  await forgetReferences(trx, userKind, userId);
  await insertRows(trx, referenceRows(userKind, userId, filters));
}

/** Forgets what a deleted saved object used. */
export async function forgetReferences(
  trx: Knex.Transaction,
  userKind: SavedKind,
  userId: number,
): Promise<void> {
  await trx(TABLE).where({ user_kind: userKind, user_id: userId }).delete();
}

/**
 * Adds to the graph what every stored filter names (rows already there stay):
 * the backfill of the migration that created the graph, for filters saved
 * before it. Saved objects are few (hundreds), so they are read at once.
 */
export async function addStoredReferences(trx: Knex.Transaction): Promise<void> {
  const rows: ReferenceRow[] = [];
  for (const row of await trx('segments').select('id', 'filter').orderBy('id')) {
    rows.push(...referenceRows('segment', Number(row.id), [storedFilter(row.filter)]));
  }
  const rulesByModel = new Map<number, SegmentFilter[]>();
  for (const row of await trx('scoring_rules')
    .select('model_id', 'filter')
    .orderBy(['model_id', 'position'])) {
    const filters = rulesByModel.get(Number(row.model_id)) ?? [];
    filters.push(storedFilter(row.filter));
    rulesByModel.set(Number(row.model_id), filters);
  }
  for (const [modelId, filters] of rulesByModel)
    rows.push(...referenceRows('scoring_model', modelId, filters));
  for (const row of await trx('personas').select('id', 'filter').orderBy('id')) {
    rows.push(...referenceRows('persona', Number(row.id), [storedFilter(row.filter)]));
  }
  await insertRows(trx, rows);
}

/** The ids of the segments a segment uses, or of those that use it. */
export async function segmentNeighbours(
  knex: Knex,
  segmentId: number,
  direction: 'uses' | 'usedBy',
): Promise<number[]> {
  const [from, to] = direction === 'uses' ? ['user_id', 'referenced_id'] : ['referenced_id', 'user_id'];
  return (
    await knex(TABLE)
      .where({ user_kind: 'segment', referenced_kind: 'segment', [from]: segmentId })
      .orderBy(to)
      .pluck(to)
  ).map(Number);
}

/**
 * The saved objects whose filters name a segment, scoring model or persona
 * directly, as `segment ID "NAME"`, `scoring model ID "NAME"` or
 * `persona ID "NAME"`: one statement over the graph.
 */
export async function savedUsersOf(knex: Knex, kind: SavedKind, id: number): Promise<string[]> {
  const rows: Array<{ user_kind: SavedKind; user_id: number | string; name: string | null }> = await knex(
    `${TABLE} as r`,
  )
    .leftJoin('segments as s', (on) => on.on('s.id', 'r.user_id').andOnVal('r.user_kind', 'segment'))
    .leftJoin('scoring_models as m', (on) =>
      on.on('m.id', 'r.user_id').andOnVal('r.user_kind', 'scoring_model'),
    )
    .leftJoin('personas as p', (on) => on.on('p.id', 'r.user_id').andOnVal('r.user_kind', 'persona'))
    .where({ 'r.referenced_kind': kind, 'r.referenced_id': id })
    .select('r.user_kind', 'r.user_id', knex.raw('coalesce(s.name, m.name, p.name) as name'));
  return rows
    .filter((row) => row.name !== null)
    .sort(
      (a, b) =>
        USER_ORDER.indexOf(a.user_kind) - USER_ORDER.indexOf(b.user_kind) ||
        Number(a.user_id) - Number(b.user_id),
    )
    .map((row) => `${row.user_kind.replace('_', ' ')} ${row.user_id} "${row.name}"`);
}
