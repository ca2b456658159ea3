import type { Knex } from '@mikro-orm/knex';
import { storedFilter } from '../filter/json';
import { directReferences, type DirectReferences } from '../filter/references';
import type { SegmentFilter } from '../filter/types';

/**
 * Who uses which saved filter, in one place. A segment's uses of other
 * segments are its rows of `segment_references`, written with the segment;
 * that one graph answers a segment's references both ways and refuses to
 * delete a segment still in use. The other uses (of scoring models and
 * personas, and by scoring rules and personas) have no table: saved objects
 * are few (hundreds), so they are read from the stored filters when asked.
 */

/** Records the segments a segment's filter names, replacing what it named before. */
export async function writeSegmentReferences(
  trx: Knex.Transaction,
  segmentId: number,
  filter: SegmentFilter,
): Promise<void> {
  await trx('segment_references').where('segment_id', segmentId).delete();
  const rows = directReferences(filter).segments.map((referenced) => ({
    segment_id: segmentId,
    referenced_id: referenced,
  }));
  if (rows.length) await trx('segment_references').insert(rows);
}

/** Forgets what a deleted segment used. */
export async function forgetSegmentReferences(trx: Knex.Transaction, segmentId: number): Promise<void> {
  await trx('segment_references').where('segment_id', segmentId).delete();
}

/** The ids of the segments a segment uses, or of those that use it. */
export async function segmentNeighbours(
  knex: Knex,
  segmentId: number,
  direction: 'uses' | 'usedBy',
): Promise<number[]> {
  const [from, to] = direction === 'uses' ? ['segment_id', 'referenced_id'] : ['referenced_id', 'segment_id'];
  return (await knex('segment_references').where(from, segmentId).pluck(to)).map(Number);
}

/** The segments whose filters name a saved object directly, as "segment ID "NAME"", by id. */
async function segmentUsers(
  knex: Knex,
  kind: keyof DirectReferences,
  id: number,
  uses: (filter: unknown) => boolean,
): Promise<string[]> {
  if (kind === 'segments') {
    const rows = await knex('segment_references as r')
      .join('segments as s', 's.id', 'r.segment_id')
      .where('r.referenced_id', id)
      .select('s.id', 's.name')
      .orderBy('s.id');
    return rows.map((row) => `segment ${row.id} "${row.name}"`);
  }
  const rows = await knex('segments').select('id', 'name', 'filter').orderBy('id');
  return rows.filter((row) => uses(row.filter)).map((row) => `segment ${row.id} "${row.name}"`);
}

/** The saved objects whose filters name a segment, scoring model or persona directly: segments, scoring models (by a rule) and personas. */
export async function savedUsersOf(knex: Knex, kind: keyof DirectReferences, id: number): Promise<string[]> {
  const uses = (filter: unknown) => directReferences(storedFilter(filter))[kind].includes(id);
  const users = await segmentUsers(knex, kind, id, uses);
  const rules = await knex('scoring_rules as r')
    .join('scoring_models as m', 'm.id', 'r.model_id')
    .select('m.id', 'm.name', 'r.filter')
    .orderBy('m.id');
  for (const row of rules) {
    const user = `scoring model ${row.id} "${row.name}"`;
    if (uses(row.filter) && !users.includes(user)) users.push(user);
  }
  for (const row of await knex('personas').select('id', 'name', 'filter').orderBy('id')) {
    if (uses(row.filter)) users.push(`persona ${row.id} "${row.name}"`);
  }
  return users;
}
