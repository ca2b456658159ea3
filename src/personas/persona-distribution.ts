import type { EntityManager } from '@mikro-orm/knex';
import { UNASSIGNED } from '../analysis/dimensions';
import type { BucketData } from '../analysis/population';
import { compilePersonaAssignment } from '../filter/compile';
import { compileContextFor } from '../filter/context';
import { prepareRequestPersonaAssignment } from '../saved-filters/persona-assignment';

/** Customers per persona as of asOf, in assignment order, then "unassigned": one grouped statement; the buckets sum to the base. */
export async function personaDistribution(em: EntityManager, asOf: Date): Promise<BucketData[]> {
  const knex = em.getKnex();
  const prepared = await prepareRequestPersonaAssignment(em);
  const assignment = compilePersonaAssignment(compileContextFor(knex, prepared, asOf));
  const rows: Array<{ persona: number | string | null; n: number | string }> = await knex
    .select('persona', knex.raw('count(*) as n'))
    .from(
      knex('customers as c')
        .select(knex.raw(`${assignment.text} as persona`, assignment.bindings))
        .as('assigned'),
    )
    .groupBy('persona');
  const counts = new Map(
    rows.map((row) => [row.persona == null ? UNASSIGNED : String(row.persona), Number(row.n)]),
  );
  const base = rows.reduce((sum, row) => sum + Number(row.n), 0);
  const keys = [...(prepared.personas ?? []).map((persona) => persona.id), UNASSIGNED];
  return keys.map((key) => ({
    key,
    customers: counts.get(key) ?? 0,
    share: base === 0 ? 0 : (counts.get(key) ?? 0) / base,
  }));
}
