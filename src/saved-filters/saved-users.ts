import type { Knex } from '@mikro-orm/knex';
import { storedFilter } from '../filter/json';
import { directReferences, type DirectReferences } from '../filter/references';

/**
 * The saved objects whose filters name a segment, scoring model or persona
 * directly: segments, scoring rules and personas, read whole. Saved objects
 * are few (hundreds), so a scan at delete time is cheaper to keep right than
 * a reference table per kind.
 */
export async function savedUsersOf(knex: Knex, kind: keyof DirectReferences, id: number): Promise<string[]> {
  const users: string[] = [];
  const uses = (filter: unknown) => directReferences(storedFilter(filter))[kind].includes(id);
  for (const row of await knex('segments').select('id', 'name', 'filter').orderBy('id')) {
    if (uses(row.filter)) users.push(`segment ${row.id} "${row.name}"`);
  }
  const rules = await knex('scoring_rules as r').join('scoring_models as m', 'm.id', 'r.model_id').select('m.id', 'm.name', 'r.filter').orderBy('m.id');
  for (const row of rules) {
    const user = `scoring model ${row.id} "${row.name}"`;
    if (uses(row.filter) && !users.includes(user)) users.push(user);
  }
  for (const row of await knex('personas').select('id', 'name', 'filter').orderBy('id')) {
    if (uses(row.filter)) users.push(`persona ${row.id} "${row.name}"`);
  }
  return users;
}
