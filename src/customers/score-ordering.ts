import type { EntityManager } from '@mikro-orm/knex';
import { badUserInput } from '../common/errors';
import type { CustomerOrdering } from './customer.service';
import { CustomerOrderField } from './customer.types';
import { scoreExpression } from '../filter/query';
import { prepareRequestScoringModel } from '../saved-filters/filter.service';

/**
 * A customer ordering ready for listCustomers: ordering by SCORE compiles the
 * model's score as of asOf into the page's statement, so members are sorted
 * by the same score `Customer.score` and `value.score` read.
 */
export async function resolveOrdering(
  em: EntityManager,
  orderBy: CustomerOrdering | null | undefined,
  asOf: Date,
): Promise<CustomerOrdering | null | undefined> {
  if (orderBy?.field !== CustomerOrderField.SCORE) return orderBy;
  if (!orderBy.scoreModel) throw badUserInput('ordering by SCORE needs scoreModel', 'orderBy.scoreModel');
  const prepared = await prepareRequestScoringModel(em, orderBy.scoreModel, 'orderBy.scoreModel');
  return { ...orderBy, score: scoreExpression(em.getKnex(), prepared, orderBy.scoreModel, asOf) };
}
