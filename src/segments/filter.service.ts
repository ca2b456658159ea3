import type { EntityManager } from '@mikro-orm/knex';
import { badUserInput } from '../common/errors';
import { parseId } from '../customers/customer.service';
import { filterFromJson } from '../filter/json';
import { filterPredicate } from '../filter/query';
import type { Sql } from '../filter/sql';
import type { SegmentFilter } from '../filter/types';
import { FilterError, prepareFilter, type FilterReferences, type PreparedFilter } from '../filter/validate';

/** Saved segments, personas and scoring models as the filter validator sees them. */
export function databaseReferences(em: EntityManager): FilterReferences {
  const knex = em.getKnex();
  const exists = async (table: string, raw: string) => {
    const id = /^\d{1,15}$/.test(raw) ? Number(raw) : null;
    return id !== null && (await knex(table).where('id', id).first('id')) !== undefined;
  };
  return {
    segmentFilter: async (raw) => {
      const id = parseId(raw, 'inSegment');
      if (id === null) return null;
      const row = await knex('segments').where('id', id).first('filter');
      return row ? filterFromJson(typeof row.filter === 'string' ? JSON.parse(row.filter) : row.filter) : null;
    },
    personaExists: (id) => exists('personas', id),
    scoringModelExists: (id) => exists('scoring_models', id),
  };
}

/** Validates a filter from a request; problems become BAD_USER_INPUT errors with their input path. */
export async function prepareRequestFilter(em: EntityManager, filter: SegmentFilter | null | undefined, path = 'filter'): Promise<PreparedFilter> {
  try {
    return await prepareFilter(filter ?? {}, databaseReferences(em), path);
  } catch (error) {
    if (error instanceof FilterError) throw badUserInput(error.message, error.path);
    throw error;
  }
}

/** The SQL predicate of a request's filter as of asOf, validated first. */
export async function requestFilterPredicate(em: EntityManager, filter: SegmentFilter | null | undefined, asOf: Date): Promise<Sql> {
  return filterPredicate(em.getKnex(), await prepareRequestFilter(em, filter), asOf);
}
