import type { EntityManager, Knex } from '@mikro-orm/knex';
import { badUserInput, conflict, notFound } from '../common/errors';
import { checkNamed, NAMED_LIMITS } from '../common/named-input';
import { parseId } from '../common/ids';
import { filterToJson, storedFilter } from '../filter/json';
import { RULE_POINTS, type ScoringRuleDefinition, type SegmentFilter } from '../filter/types';
import { prepareScoringRules } from '../filter/validate';
import { databaseReferences } from '../saved-filters/filter.service';
import { forgetReferences, savedUsersOf, writeReferences } from '../saved-filters/references';
import type { Row } from '../db/raw-rows';
import { insertReturningId } from '../db/insert-id';

export const SCORING_LIMITS = { rules: 100 } as const;

export interface ScoringModelInputData {
  name: string;
  description?: string | null;
  rules: Array<{ label: string; filter: SegmentFilter; points: number }>;
}

/** A scoring model as the API shows it: rules in their order, filters as saved JSON. */
export interface ScoringModelView {
  id: number;
  name: string;
  description: string | null;
  rules: Array<{ label: string; filter: Record<string, unknown>; points: number }>;
}

function checkRules(rules: ScoringModelInputData['rules']): ScoringRuleDefinition[] {
  if (rules.length > SCORING_LIMITS.rules)
    throw badUserInput(
      `a scoring model has at most ${SCORING_LIMITS.rules} rules (got ${rules.length})`,
      'input.rules',
    );
  return rules.map((rule, i) => {
    const label = rule.label.trim();
    if (label === '') throw badUserInput('a rule needs a label', `input.rules.${i}.label`);
    if (label.length > NAMED_LIMITS.name)
      throw badUserInput(`a label is at most ${NAMED_LIMITS.name} characters`, `input.rules.${i}.label`);
    if (!Number.isInteger(rule.points) || rule.points < RULE_POINTS.min || rule.points > RULE_POINTS.max) {
      throw badUserInput(
        `points are whole numbers from ${RULE_POINTS.min} to ${RULE_POINTS.max}`,
        `input.rules.${i}.points`,
      );
    }
    return { label, filter: rule.filter, points: rule.points };
  });
}

/** Everything about the input that can be wrong, with its path; `self` on update. */
async function checkInput(em: EntityManager, input: ScoringModelInputData, self?: number) {
  const named = checkNamed(input, 'a scoring model');
  const rules = checkRules(input.rules);
  await prepareScoringRules(
    rules,
    databaseReferences(em),
    'input.rules',
    self === undefined ? undefined : String(self),
  );
  return { ...named, rules };
}

async function writeRules(
  trx: Knex.Transaction,
  modelId: number,
  rules: ScoringRuleDefinition[],
): Promise<void> {
  await trx('scoring_rules').where('model_id', modelId).delete();
  const rows = rules.map((rule, position) => ({
    model_id: modelId,
    position,
    label: rule.label,
    filter: JSON.stringify(filterToJson(rule.filter)),
    points: rule.points,
  }));
  if (rows.length) await trx('scoring_rules').insert(rows);
  await writeReferences(
    trx,
    'scoring_model',
    modelId,
    rules.map((rule) => rule.filter),
  );
}

/** Models with their rules: two statements whatever the number of models. */
async function views(knex: Knex, models: Array<Row>): Promise<ScoringModelView[]> {
  if (models.length === 0) return [];
  const rules = await knex('scoring_rules')
    .whereIn(
      'model_id',
      models.map((model) => model.id),
    )
    .orderBy(['model_id', 'position'])
    .select('model_id', 'label', 'filter', 'points');
  return models.map((model) => ({
    id: Number(model.id),
    name: model.name,
    description: model.description ?? null,
    rules: rules
      .filter((rule: Row) => Number(rule.model_id) === Number(model.id))
      .map((rule: Row) => ({
        label: rule.label,
        filter: filterToJson(storedFilter(rule.filter)),
        points: Number(rule.points),
      })),
  }));
}

export async function listScoringModels(em: EntityManager): Promise<ScoringModelView[]> {
  const knex = em.getKnex();
  return views(knex, await knex('scoring_models').orderBy('id').select('id', 'name', 'description'));
}

export async function findScoringModel(
  em: EntityManager,
  rawId: string,
  path = 'id',
): Promise<ScoringModelView | null> {
  const id = parseId(rawId, path);
  if (id === null) return null;
  const knex = em.getKnex();
  const [view] = await views(
    knex,
    await knex('scoring_models').where('id', id).select('id', 'name', 'description'),
  );
  return view ?? null;
}

async function requireScoringModel(em: EntityManager, rawId: string): Promise<ScoringModelView> {
  const model = await findScoringModel(em, rawId);
  if (!model) throw notFound(`no scoring model has id "${rawId}"`);
  return model;
}

export async function createScoringModel(
  em: EntityManager,
  input: ScoringModelInputData,
): Promise<ScoringModelView> {
  const { name, description, rules } = await checkInput(em, input);
  const knex = em.getKnex();
  const now = Date.now();
  const id = await knex.transaction(async (trx) => {
    const modelId = await insertReturningId(trx, 'scoring_models', {
      name,
      description,
      created_at: now,
      updated_at: now,
    });
    await writeRules(trx, modelId, rules);
    return modelId;
  });
  return (await findScoringModel(em, String(id)))!;
}

export async function updateScoringModel(
  em: EntityManager,
  rawId: string,
  input: ScoringModelInputData,
): Promise<ScoringModelView> {
  const model = await requireScoringModel(em, rawId);
  const { name, description, rules } = await checkInput(em, input, model.id);
  await em.getKnex().transaction(async (trx) => {
    await trx('scoring_models').where('id', model.id).update({ name, description, updated_at: Date.now() });
    await writeRules(trx, model.id, rules);
  });
  return (await findScoringModel(em, String(model.id)))!;
}

export async function deleteScoringModel(em: EntityManager, rawId: string): Promise<boolean> {
  const model = await requireScoringModel(em, rawId);
  await em.getKnex().transaction(async (trx) => {
    const users = await savedUsersOf(trx, 'scoring_model', model.id);
    if (users.length)
      throw conflict(`scoring model ${model.id} is used by ${users.join(', ')}: change those first`);
    await forgetReferences(trx, 'scoring_model', model.id);
    await trx('scoring_rules').where('model_id', model.id).delete();
    await trx('scoring_models').where('id', model.id).delete();
  });
  return true;
}
