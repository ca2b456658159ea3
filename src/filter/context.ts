import type { Knex } from '@mikro-orm/knex';
import { dialectName } from '../db/dialect-name';
import type { CompileContext } from './compile';
import { dialectFor, type FilterDialect } from './dialect';
import { savedLookups, type PreparedFilter } from './prepared';

/** What the compiler needs besides the filter: the instant, the SQL dialect and the saved filters the prepared filter reaches. */
export function compileContext(dialect: FilterDialect, prepared: PreparedFilter, asOf: Date): CompileContext {
  return { asOf, dialect, ...savedLookups(prepared) };
}

/** The compile context for the database `knex` talks to. */
export function compileContextFor(knex: Knex, prepared: PreparedFilter, asOf: Date): CompileContext {
  return compileContext(dialectFor(dialectName(knex)), prepared, asOf);
}
