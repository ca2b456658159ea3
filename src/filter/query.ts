import type { Knex } from '@mikro-orm/knex';
import { compileFilter, compileScore } from './compile';
import { compileContextFor } from './context';
import type { Sql } from './sql';
import type { PreparedFilter } from './validate';

/** The predicate of a prepared filter over `customers as c`, for this database and instant. */
export function filterPredicate(knex: Knex, prepared: PreparedFilter, asOf: Date): Sql {
  return compileFilter(prepared.filter, compileContextFor(knex, prepared, asOf));
}

/** A customer's score under a scoring model (prepared with prepareScoringModel or reached by the filter), over `customers as c`. */
export function scoreExpression(knex: Knex, prepared: PreparedFilter, modelId: string, asOf: Date): Sql {
  return compileScore(modelId, compileContextFor(knex, prepared, asOf));
}

/** Ids of the customers a filter selects, in one statement (tests and the reference comparison). */
export async function matchingCustomerIds(
  knex: Knex,
  prepared: PreparedFilter,
  asOf: Date,
): Promise<number[]> {
  const predicate = filterPredicate(knex, prepared, asOf);
  const rows: Array<{ id: number | string }> = await knex('customers as c')
    .select('c.id')
    .whereRaw(predicate.text, predicate.bindings)
    .orderBy('c.id');
  return rows.map((row) => Number(row.id));
}
