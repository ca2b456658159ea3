import type { Knex } from '@mikro-orm/knex';
import { compileFilter } from './compile';
import { dialectName } from '../db/dialect-name';
import { dialectFor } from './dialect';
import type { Sql } from './sql';
import type { PreparedFilter } from './validate';

/** The predicate of a prepared filter over `customers as c`, for this database and instant. */
export function filterPredicate(knex: Knex, prepared: PreparedFilter, asOf: Date): Sql {
  const dialect = dialectFor(dialectName(knex));
  return compileFilter(prepared.filter, {
    asOf,
    dialect,
    segmentFilter: (id) => prepared.segments.get(id)!,
  });
}

/** Ids of the customers a filter selects, in one statement (tests and the reference comparison). */
export async function matchingCustomerIds(knex: Knex, prepared: PreparedFilter, asOf: Date): Promise<number[]> {
  const predicate = filterPredicate(knex, prepared, asOf);
  const rows: Array<{ id: number | string }> = await knex('customers as c').select('c.id').whereRaw(predicate.text, predicate.bindings).orderBy('c.id');
  return rows.map((row) => Number(row.id));
}
