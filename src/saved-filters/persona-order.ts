import type { Knex } from '@mikro-orm/knex';
import { storedFilter } from '../filter/json';
import type { PersonaDefinition } from '../filter/types';

/** The assignment order of docs/API.md: lowest priority number first, ties to the oldest persona (then the lowest id). */
export const PERSONA_ORDER = ['priority', 'created_at', 'id'] as const;

/** Every persona as the filter engine reads it, in assignment order: one statement. */
export async function personaOrderOf(knex: Knex): Promise<PersonaDefinition[]> {
  const rows: Array<{ id: number | string; name: string; filter: unknown }> = await knex('personas')
    .orderBy([...PERSONA_ORDER])
    .select('id', 'name', 'filter');
  return rows.map((row) => ({ id: String(row.id), name: row.name, filter: storedFilter(row.filter) }));
}
