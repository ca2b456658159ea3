import type { EntityManager, Knex } from '@mikro-orm/knex';
import { idOf, parseId } from '../common/ids';
import { storedFilter } from '../filter/json';
import { personaOrderOf } from './persona-order';
import { filterPredicate } from '../filter/query';
import type { Sql } from '../filter/sql';
import type { ScoringRuleDefinition, SegmentFilter } from '../filter/types';
import {
  prepareFilter,
  prepareScoringModel,
  type FilterReferences,
  type PreparedFilter,
} from '../filter/validate';

/** Saved segments, personas and scoring models as the filter validator sees them. */
export function databaseReferences(em: EntityManager): FilterReferences {
  return storedReferences(em.getKnex());
}

/** The same, through a knex (a transaction sees what it has written). */
export function storedReferences(knex: Knex): FilterReferences {
  const exists = async (table: string, raw: string) => {
    const id = idOf(raw);
    return id !== null && (await knex(table).where('id', id).first('id')) !== undefined;
  };
  return {
    segmentFilter: async (raw) => {
      const id = parseId(raw, 'inSegment');
      if (id === null) return null;
      const row = await knex('segments').where('id', id).first('filter');
      return row ? storedFilter(row.filter) : null;
    },
    personaOrder: () => personaOrderOf(knex),
    scoringRules: async (raw) => {
      if (!(await exists('scoring_models', raw))) return null;
      return scoringRulesOf(knex, Number(raw));
    },
  };
}

/** A scoring model's rules as the engine reads them, in their order. */
export async function scoringRulesOf(knex: Knex, modelId: number): Promise<ScoringRuleDefinition[]> {
  const rows = await knex('scoring_rules')
    .where('model_id', modelId)
    .orderBy('position')
    .select('label', 'filter', 'points');
  return rows.map((row: { label: string; filter: unknown; points: number | string }) => ({
    label: row.label,
    filter: storedFilter(row.filter),
    points: Number(row.points),
  }));
}

/** Validates a filter from a request; problems become BAD_USER_INPUT errors with their input path. */
export async function prepareRequestFilter(
  em: EntityManager,
  filter: SegmentFilter | null | undefined,
  path = 'filter',
): Promise<PreparedFilter> {
  return prepareFilter(filter ?? {}, databaseReferences(em), path);
}

/** A scoring model named in a request (Customer.score, ordering by SCORE), loaded with what its rules reach. */
export async function prepareRequestScoringModel(
  em: EntityManager,
  id: string,
  path: string,
): Promise<PreparedFilter> {
  return prepareScoringModel(id, databaseReferences(em), path);
}

/** The SQL predicate of a request's filter as of asOf, validated first. */
export async function requestFilterPredicate(
  em: EntityManager,
  filter: SegmentFilter | null | undefined,
  asOf: Date,
): Promise<Sql> {
  return filterPredicate(em.getKnex(), await prepareRequestFilter(em, filter), asOf);
}
