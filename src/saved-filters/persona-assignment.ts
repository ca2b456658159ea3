import type { EntityManager } from '@mikro-orm/knex';
import { badUserInput, conflict } from '../common/errors';
import type { SegmentFilter } from '../filter/types';
import { FilterError, preparePersonaAssignment, type PreparedFilter } from '../filter/validate';
import { databaseReferences } from './filter.service';

const ASSIGNMENT_PATH = 'personas';

/**
 * Every persona's filter, prepared for the assignment expression, with an
 * optional request filter beside it. A problem in the request's filter is the
 * caller's (BAD_USER_INPUT at its path); one in the saved personas, checked
 * when saved, is named as a CONFLICT.
 */
export async function prepareRequestPersonaAssignment(
  em: EntityManager,
  filter?: SegmentFilter | null,
  path = 'filter',
): Promise<PreparedFilter> {
  try {
    return await preparePersonaAssignment(databaseReferences(em), path, filter ?? {}, ASSIGNMENT_PATH);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    if (error.path === ASSIGNMENT_PATH)
      throw conflict(`the saved personas can no longer be assigned: ${error.message}`);
    throw badUserInput(error.message, error.path);
  }
}
