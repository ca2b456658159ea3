import DataLoader from 'dataloader';
import { preferredChannelLoader } from '../analysis/preferred-channel';
import { defineLoader } from '../graphql/loaders';
import type { Persona } from '../entities';
import type { Channel } from '../common/enums';
import { compilePersonaAssignment } from '../filter/compile';
import { compileContextFor } from '../filter/context';
import { prepareRequestPersonaAssignment } from '../saved-filters/persona-assignment';
import { listPersonas } from './persona.service';

/**
 * A page of customers' personas costs one statement for the assignment
 * (every persona's filter in one CASE over the page's ids) besides reading
 * the personas once per request. The persona each customer is assigned to
 * now, by customer id.
 */
export const personaOfCustomerLoader = defineLoader(
  (em, now) =>
    new DataLoader<number, Persona | null>(async (customerIds) => {
      const knex = em.getKnex();
      const prepared = await prepareRequestPersonaAssignment(em);
      const personas = await listPersonas(em);
      if (personas.length === 0) return customerIds.map(() => null);
      const assignment = compilePersonaAssignment(compileContextFor(knex, prepared, now));
      const rows: Array<{ id: number | string; persona: number | string | null }> = await knex(
        'customers as c',
      )
        .select('c.id', knex.raw(`${assignment.text} as persona`, assignment.bindings))
        .whereIn('c.id', [...customerIds]);
      const byId = new Map(personas.map((persona) => [persona.id, persona]));
      const assigned = new Map(
        rows.map((row) => [
          Number(row.id),
          row.persona == null ? null : (byId.get(Number(row.persona)) ?? null),
        ]),
      );
      return customerIds.map((id) => assigned.get(id) ?? null);
    }),
);

/** Each customer's preferred channel now, by customer id. */
export const preferredChannelOfCustomerLoader = defineLoader((em, now): DataLoader<number, Channel | null> =>
  preferredChannelLoader(em, now),
);
