import type { EntityManager, Knex } from '@mikro-orm/knex';
import type { ConnectionShape } from '../common/connection.type';
import { toConnection } from '../common/connection.type';
import { badUserInput, conflict, notFound } from '../common/errors';
import { decodeCursor, toPage } from '../common/pagination';
import { parseId } from '../customers/customer.service';
import { Segment } from '../entities';
import { describeFilter } from '../filter/describe';
import { filterFromJson, filterToJson } from '../filter/json';
import { filterPredicate } from '../filter/query';
import { likeLiteral, type Sql } from '../filter/sql';
import type { SegmentFilter } from '../filter/types';
import { FilterError, prepareFilter, type PreparedFilter } from '../filter/validate';
import { databaseReferences } from './filter.service';

export interface SegmentInputData {
  name: string;
  description?: string | null;
  filter: SegmentFilter;
}

export const SEGMENT_LIMITS = { name: 200, description: 2000 } as const;

function checkInput(input: SegmentInputData): { name: string; description: string | null } {
  const name = input.name.trim();
  if (name === '') throw badUserInput('a segment needs a name', 'input.name');
  if (name.length > SEGMENT_LIMITS.name) throw badUserInput(`a segment name is at most ${SEGMENT_LIMITS.name} characters`, 'input.name');
  const description = input.description?.trim() || null;
  if (description && description.length > SEGMENT_LIMITS.description) {
    throw badUserInput(`a description is at most ${SEGMENT_LIMITS.description} characters`, 'input.description');
  }
  return { name, description };
}

/** Validates a filter to save; `self` (on update) makes a reference back to the segment a cycle. */
async function prepareToSave(em: EntityManager, filter: SegmentFilter, self?: number): Promise<PreparedFilter> {
  try {
    return await prepareFilter(filter, databaseReferences(em), 'input.filter', self === undefined ? [] : [String(self)]);
  } catch (error) {
    if (error instanceof FilterError) throw badUserInput(error.message, error.path);
    throw error;
  }
}

/** The segment ids a filter names directly (not through other segments). */
export function directReferences(filter: SegmentFilter): number[] {
  const ids = new Set<number>();
  const walk = (node: SegmentFilter) => {
    if (node.inSegment != null) ids.add(Number(node.inSegment));
    for (const part of [...(node.and ?? []), ...(node.or ?? [])]) walk(part);
    if (node.not) walk(node.not);
  };
  walk(filter);
  return [...ids];
}

/** The names of the segments a prepared filter reaches, by id, for plain-words descriptions. */
export async function segmentNames(knex: Knex, prepared: PreparedFilter): Promise<Map<string, string>> {
  const ids = [...prepared.segments.keys()].map(Number);
  if (ids.length === 0) return new Map();
  const rows: Array<{ id: number | string; name: string }> = await knex('segments').whereIn('id', ids).select('id', 'name');
  return new Map(rows.map((row) => [String(row.id), row.name]));
}

async function definitionOf(knex: Knex, filter: SegmentFilter, prepared: PreparedFilter): Promise<string> {
  const names = await segmentNames(knex, prepared);
  return describeFilter(filter, { segmentName: (id) => names.get(id) });
}

async function writeReferences(trx: Knex.Transaction, segmentId: number, filter: SegmentFilter): Promise<void> {
  await trx('segment_references').where('segment_id', segmentId).delete();
  const rows = directReferences(filter).map((referenced) => ({ segment_id: segmentId, referenced_id: referenced }));
  if (rows.length) await trx('segment_references').insert(rows);
}

export async function findSegment(em: EntityManager, rawId: string, path = 'id'): Promise<Segment | null> {
  const id = parseId(rawId, path);
  return id === null ? null : em.findOne(Segment, { id });
}

async function requireSegment(em: EntityManager, rawId: string): Promise<Segment> {
  const segment = await findSegment(em, rawId);
  if (!segment) throw notFound(`no segment has id "${rawId}"`);
  return segment;
}

export async function createSegment(em: EntityManager, input: SegmentInputData): Promise<Segment> {
  const { name, description } = checkInput(input);
  const prepared = await prepareToSave(em, input.filter);
  const knex = em.getKnex();
  const definition = await definitionOf(knex, input.filter, prepared);
  const now = Date.now();
  const id = await knex.transaction(async (trx) => {
    const row = { name, description, filter: JSON.stringify(filterToJson(input.filter)), definition, version: 1, created_at: now, updated_at: now };
    const [inserted] = await trx('segments').insert(row).returning('id');
    const segmentId = Number(typeof inserted === 'object' ? inserted.id : inserted);
    await writeReferences(trx, segmentId, input.filter);
    return segmentId;
  });
  return (await em.fork().findOne(Segment, { id }))!;
}

export async function updateSegment(em: EntityManager, rawId: string, input: SegmentInputData, expectedVersion?: number | null): Promise<Segment> {
  const segment = await requireSegment(em, rawId);
  const { name, description } = checkInput(input);
  const prepared = await prepareToSave(em, input.filter, segment.id);
  const knex = em.getKnex();
  const definition = await definitionOf(knex, input.filter, prepared);
  const version = expectedVersion ?? segment.version;
  await knex.transaction(async (trx) => {
    const changed = await trx('segments')
      .where({ id: segment.id, version })
      .update({ name, description, filter: JSON.stringify(filterToJson(input.filter)), definition, version: version + 1, updated_at: Date.now() });
    if (changed === 0) {
      throw conflict(`segment ${segment.id} is at version ${segment.version}${expectedVersion != null ? `, not ${expectedVersion}` : ''}: read it again and retry`);
    }
    await writeReferences(trx, segment.id, input.filter);
  });
  return (await em.fork().findOne(Segment, { id: segment.id }))!;
}

export async function deleteSegment(em: EntityManager, rawId: string): Promise<boolean> {
  const segment = await requireSegment(em, rawId);
  const knex = em.getKnex();
  await knex.transaction(async (trx) => {
    const users = await trx('segment_references as r').join('segments as s', 's.id', 'r.segment_id').where('r.referenced_id', segment.id).select('s.id', 's.name');
    if (users.length) {
      throw conflict(`segment ${segment.id} is used by ${users.map((user: any) => `${user.id} "${user.name}"`).join(', ')}: change those first`);
    }
    await trx('segment_references').where('segment_id', segment.id).delete();
    await trx('segments').where('id', segment.id).delete();
  });
  return true;
}

/** The predicate of a saved segment's members as of asOf. */
export async function segmentPredicate(em: EntityManager, segment: Segment, asOf: Date): Promise<Sql> {
  const filter = filterFromJson(segment.filter);
  let prepared: PreparedFilter;
  try {
    prepared = await prepareFilter(filter, databaseReferences(em), 'filter', [String(segment.id)]);
  } catch (error) {
    // Saved filters were valid when saved; one that no longer is (a persona or model deleted since) is named, not masked.
    if (error instanceof FilterError) throw conflict(`the saved filter of segment ${segment.id} is no longer valid: ${error.message} (at ${error.path})`);
    throw error;
  }
  return filterPredicate(em.getKnex(), prepared, asOf);
}

export async function listSegments(em: EntityManager, args: { first: number; after?: string | null; search?: string | null }): Promise<ConnectionShape<Segment>> {
  const knex = em.getKnex();
  const where = (query: Knex.QueryBuilder) => {
    if (args.search) query.whereRaw("lower(name) like ? escape '\\'", [`%${likeLiteral(args.search.toLowerCase())}%`]);
    return query;
  };
  const query = where(knex('segments').select('*'));
  if (args.after) query.where('id', '>', Number(decodeCursor(args.after, 1)[0]));
  const rows: Array<Record<string, unknown>> = args.first === 0 ? [] : await query.orderBy('id').limit(args.first + 1);
  const page = toPage(rows.map((row) => em.map(Segment, row)), args.first);
  return toConnection(page, (segment) => [segment.id], Boolean(args.after), async () => {
    const [row] = await where(knex('segments')).count({ n: '*' });
    return Number(row.n);
  });
}

export async function referencesOf(em: EntityManager, segmentId: number, direction: 'uses' | 'usedBy'): Promise<Segment[]> {
  const [from, to] = direction === 'uses' ? ['segment_id', 'referenced_id'] : ['referenced_id', 'segment_id'];
  const ids = (await em.getKnex()('segment_references').where(from, segmentId).pluck(to)).map(Number);
  return ids.length ? em.find(Segment, { id: { $in: ids } }, { orderBy: { id: 'asc' } }) : [];
}
