import type { EntityManager, Knex } from '@mikro-orm/knex';
import type { ConnectionShape } from '../graphql/connection.type';
import { toConnection } from '../graphql/connection.type';
import { conflict, notFound } from '../common/errors';
import { checkNamed } from '../common/named-input';
import { decodeCursor, toPage, type CursorFormat } from '../common/pagination';
import { parseId } from '../common/ids';
import { Segment } from '../entities';
import { describeFilter, hasEmailCriterion, type DescribeContext } from '../filter/describe';
import { filterFromJson, filterToJson } from '../filter/json';
import { filterPredicate } from '../filter/query';
import { likeLiteral, type Sql } from '../filter/sql';
import type { SegmentFilter } from '../filter/types';
import {
  FilterError,
  prepareFilter,
  savedRef,
  type FilterReferences,
  type PreparedFilter,
} from '../filter/validate';
import { databaseReferences } from '../saved-filters/filter.service';
import {
  forgetReferences,
  savedUsersOf,
  segmentNeighbours,
  writeReferences,
} from '../saved-filters/references';
import { insertReturningId } from '../db/insert-id';

export interface SegmentInputData {
  name: string;
  description?: string | null;
  filter: SegmentFilter;
}

/** Validates a filter to save; `self` (on update) makes a reference back to the segment a cycle. */
async function prepareToSave(
  em: EntityManager,
  filter: SegmentFilter,
  self?: number,
): Promise<PreparedFilter> {
  return prepareFilter(
    filter,
    databaseReferences(em),
    'input.filter',
    self === undefined ? [] : [savedRef.segment(self)],
  );
}

/** Names of the segments, scoring models and personas a prepared filter reaches, for plain-words descriptions. */
export async function savedNames(knex: Knex, prepared: PreparedFilter): Promise<DescribeContext> {
  const namesOf = async (table: string, ids: string[]) => {
    if (ids.length === 0) return new Map<string, string>();
    const rows: Array<{ id: number | string; name: string }> = await knex(table)
      .whereIn('id', ids.map(Number))
      .select('id', 'name');
    return new Map(rows.map((row) => [String(row.id), row.name]));
  };
  const segments = await namesOf('segments', [...prepared.segments.keys()]);
  const models = await namesOf('scoring_models', [...prepared.scoringModels.keys()]);
  const personas = new Map((prepared.personas ?? []).map((persona) => [persona.id, persona.name]));
  return {
    segmentName: (id) => segments.get(id),
    scoringModelName: (id) => models.get(id),
    personaName: (id) => personas.get(id),
  };
}

async function definitionOf(knex: Knex, filter: SegmentFilter, prepared: PreparedFilter): Promise<string> {
  return describeFilter(filter, await savedNames(knex, prepared));
}

/**
 * A filter given in a request (evaluateSegment), in the words a saved
 * segment's definition uses, naming the saved objects it reaches as they are now.
 */
export async function describeRequestFilter(em: EntityManager, filter: SegmentFilter): Promise<string> {
  const prepared = await prepareFilter(filter, databaseReferences(em), 'filter');
  return definitionOf(em.getKnex(), filter, prepared);
}

/**
 * The definition of a saved segment or persona with its email criteria as
 * `emailShown` writes them: the stored text when nothing is to be masked or
 * the filter has no email criterion, otherwise the filter put in words anew,
 * each address masked before it is written (with the names of the saved
 * objects it uses as they are now).
 */
export async function definitionShown(
  em: EntityManager,
  saved: { filter: Record<string, unknown>; definition: string },
  emailShown: ((value: string) => string) | undefined,
): Promise<string> {
  if (!emailShown) return saved.definition;
  const filter = filterFromJson(saved.filter);
  if (!hasEmailCriterion(filter)) return saved.definition;
  let names: DescribeContext = { segmentName: () => undefined };
  try {
    names = await savedNames(em.getKnex(), await prepareFilter(filter, databaseReferences(em), 'filter'));
  } catch (error) {
    // One that no longer is valid (a persona deleted since) is still described, naming what it uses by id.
    if (!(error instanceof FilterError)) throw error;
  }
  return describeFilter(filter, { ...names, emailShown });
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
  const { name, description } = checkNamed(input, 'a segment');
  const prepared = await prepareToSave(em, input.filter);
  const knex = em.getKnex();
  const definition = await definitionOf(knex, input.filter, prepared);
  const now = Date.now();
  const id = await knex.transaction(async (trx) => {
    const row = {
      name,
      description,
      filter: JSON.stringify(filterToJson(input.filter)),
      definition,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    const segmentId = await insertReturningId(trx, 'segments', row);
    await writeReferences(trx, 'segment', segmentId, [input.filter]);
    return segmentId;
  });
  return (await em.fork().findOne(Segment, { id }))!;
}

export async function updateSegment(
  em: EntityManager,
  rawId: string,
  input: SegmentInputData,
  expectedVersion?: number | null,
): Promise<Segment> {
  const segment = await requireSegment(em, rawId);
  const { name, description } = checkNamed(input, 'a segment');
  const prepared = await prepareToSave(em, input.filter, segment.id);
  const knex = em.getKnex();
  const definition = await definitionOf(knex, input.filter, prepared);
  const version = expectedVersion ?? segment.version;
  await knex.transaction(async (trx) => {
    const changed = await trx('segments')
      .where({ id: segment.id, version })
      .update({
        name,
        description,
        filter: JSON.stringify(filterToJson(input.filter)),
        definition,
        version: version + 1,
        updated_at: Date.now(),
      });
    if (changed === 0) {
      throw conflict(
        `segment ${segment.id} is at version ${segment.version}${expectedVersion != null ? `, not ${expectedVersion}` : ''}: read it again and retry`,
      );
    }
    await writeReferences(trx, 'segment', segment.id, [input.filter]);
  });
  return (await em.fork().findOne(Segment, { id: segment.id }))!;
}

export async function deleteSegment(em: EntityManager, rawId: string): Promise<boolean> {
  const segment = await requireSegment(em, rawId);
  const knex = em.getKnex();
  await knex.transaction(async (trx) => {
    const users = await savedUsersOf(trx, 'segment', segment.id);
    if (users.length)
      throw conflict(`segment ${segment.id} is used by ${users.join(', ')}: change those first`);
    await forgetReferences(trx, 'segment', segment.id);
    await trx('segments').where('id', segment.id).delete();
  });
  return true;
}

/** The predicate of a saved segment's members as of asOf. */
export async function segmentPredicate(
  em: EntityManager,
  segment: Segment,
  asOf: Date,
  references: FilterReferences = databaseReferences(em),
): Promise<Sql> {
  const filter = filterFromJson(segment.filter);
  let prepared: PreparedFilter;
  try {
    prepared = await prepareFilter(filter, references, 'filter', [savedRef.segment(segment.id)]);
  } catch (error) {
    // Saved filters were valid when saved; one that no longer is (a persona or model deleted since) is named, not masked.
    if (error instanceof FilterError)
      throw conflict(
        `the saved filter of segment ${segment.id} is no longer valid: ${error.message} (at ${error.path})`,
      );
    throw error;
  }
  return filterPredicate(em.getKnex(), prepared, asOf);
}

/**
 * References for preparing many saved filters at once: segments are read from those already
 * loaded (every saved segment, for membership), the persona order and each scoring model's rules
 * once, so preparing N filters costs no statement per filter.
 */
export function referencesAmong(em: EntityManager, segments: readonly Segment[]): FilterReferences {
  const stored = databaseReferences(em);
  const filters = new Map(segments.map((segment) => [String(segment.id), segment.filter]));
  let personaOrder: ReturnType<FilterReferences['personaOrder']> | undefined;
  const rules = new Map<string, ReturnType<FilterReferences['scoringRules']>>();
  return {
    segmentFilter: (id) =>
      filters.has(id) ? Promise.resolve(filterFromJson(filters.get(id))) : stored.segmentFilter(id),
    personaOrder: () => (personaOrder ??= stored.personaOrder()),
    scoringRules: (id) => {
      if (!rules.has(id)) rules.set(id, stored.scoringRules(id));
      return rules.get(id)!;
    },
  };
}

/** How many segments are saved (what Customer.segments evaluates for each customer). */
export async function savedSegmentCount(em: EntityManager): Promise<number> {
  const [row] = await em.getKnex()('segments').count({ n: '*' });
  return Number(row.n);
}

/** Saved segments page by id, whatever the search. */
const SEGMENT_CURSOR: CursorFormat = { ordering: 'segments:ID:ASC', values: [] };

export async function listSegments(
  em: EntityManager,
  args: { first: number; after?: string | null; search?: string | null },
): Promise<ConnectionShape<Segment>> {
  const knex = em.getKnex();
  const where = (query: Knex.QueryBuilder) => {
    if (args.search)
      query.whereRaw("lower(name) like ? escape '\\'", [`%${likeLiteral(args.search.toLowerCase())}%`]);
    return query;
  };
  const query = where(knex('segments').select('*'));
  if (args.after != null) query.where('id', '>', decodeCursor(SEGMENT_CURSOR, args.after).id);
  const rows: Array<Record<string, unknown>> =
    args.first === 0 ? [] : await query.orderBy('id').limit(args.first + 1);
  const page = toPage(
    rows.map((row) => em.map(Segment, row)),
    args.first,
  );
  return toConnection(
    page,
    SEGMENT_CURSOR,
    (segment) => ({ values: [], id: segment.id }),
    args.after != null,
    async () => {
      const [row] = await where(knex('segments')).count({ n: '*' });
      return Number(row.n);
    },
  );
}

export async function referencesOf(
  em: EntityManager,
  segmentId: number,
  direction: 'uses' | 'usedBy',
): Promise<Segment[]> {
  const ids = await segmentNeighbours(em.getKnex(), segmentId, direction);
  return ids.length ? em.find(Segment, { id: { $in: ids } }, { orderBy: { id: 'asc' } }) : [];
}
