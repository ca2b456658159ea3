import type { EntityManager, Knex } from '@mikro-orm/knex';
import { badUserInput, conflict, notFound } from '../common/errors';
import { checkNamed } from '../common/named-input';
import { parseId } from '../common/ids';
import { Persona } from '../entities';
import { describeFilter } from '../filter/describe';
import { filterToJson } from '../filter/json';
import { filterPredicate } from '../filter/query';
import type { Sql } from '../filter/sql';
import type { SegmentFilter } from '../filter/types';
import {
  FilterError,
  prepareFilter,
  preparePersonaAssignment,
  savedRef,
  type PreparedFilter,
} from '../filter/validate';
import { databaseReferences, storedReferences } from '../saved-filters/filter.service';
import { savedNames } from '../segments/segment.service';
import { forgetReferences, savedUsersOf, writeReferences } from '../saved-filters/references';
import { PERSONA_ORDER } from '../saved-filters/persona-order';
import { insertReturningId } from '../db/insert-id';

export const PERSONA_LIMITS = {
  /** Every persona's filter is part of the assignment of the ones after it: a bounded number keeps that statement bounded. */
  count: 100,
  /** Priorities are plain integers; this range leaves room to insert between any two. */
  priority: { min: -1_000_000, max: 1_000_000 },
  defaultPriority: 100,
} as const;

export interface PersonaInputData {
  name: string;
  description?: string | null;
  filter: SegmentFilter;
  priority?: number | null;
}

function checkPriority(priority: number | null | undefined, current: number | undefined): number {
  if (priority === null || priority === undefined) return current ?? PERSONA_LIMITS.defaultPriority;
  const { min, max } = PERSONA_LIMITS.priority;
  if (!Number.isInteger(priority) || priority < min || priority > max)
    throw badUserInput(`a priority is a whole number from ${min} to ${max}`, 'input.priority');
  return priority;
}

/**
 * Writes a persona and checks it in the same transaction, against the
 * personas as they will be: its filter may not reach this persona again,
 * directly or through a persona it now ranks after (whose members it cannot
 * have), and the assignment of every persona must stay within the filter
 * limits. A problem rolls the write back and is reported at its input path.
 */
async function writeChecked(knex: Knex, input: PersonaInputData, existing?: Persona): Promise<number> {
  const { name, description } = checkNamed(input, 'a persona');
  const priority = checkPriority(input.priority, existing?.priority);
  return knex.transaction(async (trx) => {
    const now = Date.now();
    const row = {
      name,
      description,
      filter: JSON.stringify(filterToJson(input.filter)),
      definition: '',
      priority,
      updated_at: now,
    };
    let id: number;
    if (existing) {
      id = existing.id;
      await trx('personas').where('id', id).update(row);
    } else {
      const [{ n }] = await trx('personas').count({ n: '*' });
      if (Number(n) >= PERSONA_LIMITS.count)
        throw badUserInput(
          `there are at most ${PERSONA_LIMITS.count} personas: delete or merge one first`,
          'input',
        );
      id = await insertReturningId(trx, 'personas', { ...row, created_at: now });
    }
    const references = storedReferences(trx);
    const prepared = await prepareFilter(input.filter, references, 'input.filter', [savedRef.persona(id)]);
    await preparePersonaAssignment(references, 'input.filter', {}, 'input.filter');
    const definition = describeFilter(input.filter, await savedNames(trx, prepared));
    await trx('personas').where('id', id).update({ definition });
    await writeReferences(trx, 'persona', id, [input.filter]);
    return id;
  });
}

export async function findPersona(em: EntityManager, rawId: string, path = 'id'): Promise<Persona | null> {
  const id = parseId(rawId, path);
  return id === null ? null : em.findOne(Persona, { id });
}

async function requirePersona(em: EntityManager, rawId: string): Promise<Persona> {
  const persona = await findPersona(em, rawId);
  if (!persona) throw notFound(`no persona has id "${rawId}"`);
  return persona;
}

/** Every persona in assignment order. */
export function listPersonas(em: EntityManager): Promise<Persona[]> {
  const [priority, , id] = PERSONA_ORDER;
  return em.find(Persona, {}, { orderBy: { [priority]: 'asc', createdAt: 'asc', [id]: 'asc' } as never });
}

export async function createPersona(em: EntityManager, input: PersonaInputData): Promise<Persona> {
  const id = await writeChecked(em.getKnex(), input);
  return (await em.fork().findOne(Persona, { id }))!;
}

/** Replaces a persona's definition; a priority left out keeps the current one. */
export async function updatePersona(
  em: EntityManager,
  rawId: string,
  input: PersonaInputData,
): Promise<Persona> {
  const persona = await requirePersona(em, rawId);
  await writeChecked(em.getKnex(), input, persona);
  return (await em.fork().findOne(Persona, { id: persona.id }))!;
}

export async function deletePersona(em: EntityManager, rawId: string): Promise<boolean> {
  const persona = await requirePersona(em, rawId);
  await em.getKnex().transaction(async (trx) => {
    const users = await savedUsersOf(trx, 'persona', persona.id);
    if (users.length)
      throw conflict(`persona ${persona.id} is used by ${users.join(', ')}: change those first`);
    await forgetReferences(trx, 'persona', persona.id);
    await trx('personas').where('id', persona.id).delete();
  });
  return true;
}

/** The predicate of a persona's members as of asOf: its filter, and no persona before it. */
export async function personaPredicate(em: EntityManager, persona: Persona, asOf: Date): Promise<Sql> {
  let prepared: PreparedFilter;
  try {
    prepared = await prepareFilter({ persona: String(persona.id) }, databaseReferences(em), 'persona');
  } catch (error) {
    // Checked when saved; what it uses may have become invalid since (see segmentPredicate).
    if (error instanceof FilterError)
      throw conflict(`the assignment of persona ${persona.id} is no longer valid: ${error.message}`);
    throw error;
  }
  return filterPredicate(em.getKnex(), prepared, asOf);
}
