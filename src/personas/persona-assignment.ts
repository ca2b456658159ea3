import type { EntityManager } from '@mikro-orm/knex';
import { badUserInput, conflict } from '../common/errors';
import { UNASSIGNED } from '../analysis/dimensions';
import type { BucketData } from '../analysis/population';
import { dialectName } from '../db/dialect-name';
import { compilePersonaAssignment } from '../filter/compile';
import { dialectFor } from '../filter/dialect';
import type { SegmentFilter } from '../filter/types';
import { FilterError, preparePersonaAssignment, savedLookups, type PreparedFilter } from '../filter/validate';
import { databaseReferences } from '../segments/filter.service';

const ASSIGNMENT_PATH = 'personas';

/**
 * Every persona's filter, prepared for the assignment expression, with an
 * optional request filter beside it. A problem in the request's filter is the
 * caller's (BAD_USER_INPUT at its path); one in the saved personas, checked
 * when saved, is named as a CONFLICT.
 */
export async function prepareRequestPersonaAssignment(em: EntityManager, filter?: SegmentFilter | null, path = 'filter'): Promise<PreparedFilter> {
  try {
    return await preparePersonaAssignment(databaseReferences(em), path, filter ?? {}, ASSIGNMENT_PATH);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    if (error.path === ASSIGNMENT_PATH) throw conflict(`the saved personas can no longer be assigned: ${error.message}`);
    throw badUserInput(error.message, error.path);
  }
}

/** Customers per persona as of asOf, in assignment order, then "unassigned": one grouped statement; the buckets sum to the base. */
export async function personaDistribution(em: EntityManager, asOf: Date): Promise<BucketData[]> {
  const knex = em.getKnex();
  const prepared = await prepareRequestPersonaAssignment(em);
  const assignment = compilePersonaAssignment({ asOf, dialect: dialectFor(dialectName(knex)), ...savedLookups(prepared) });
  const rows: Array<{ persona: number | string | null; n: number | string }> = await knex
    .select('persona', knex.raw('count(*) as n'))
    .from(knex('customers as c').select(knex.raw(`${assignment.text} as persona`, assignment.bindings)).as('assigned'))
    .groupBy('persona');
  const counts = new Map(rows.map((row) => [row.persona == null ? UNASSIGNED : String(row.persona), Number(row.n)]));
  const base = rows.reduce((sum, row) => sum + Number(row.n), 0);
  const keys = [...(prepared.personas ?? []).map((persona) => persona.id), UNASSIGNED];
  return keys.map((key) => ({ key, customers: counts.get(key) ?? 0, share: base === 0 ? 0 : (counts.get(key) ?? 0) / base }));
}
