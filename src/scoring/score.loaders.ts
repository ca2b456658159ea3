import DataLoader from 'dataloader';
import { defineLoader } from '../graphql/loaders';
import { scoreExpression } from '../filter/query';
import { prepareRequestScoringModel } from '../saved-filters/filter.service';

/**
 * Scores of a page of customers cost one statement per scoring model asked
 * for: the model's compiled score over the page's ids. Customers' scores
 * under one model as of the request's now: `ctx.loaders.get(scoresLoader)(modelId)`.
 */
export const scoresLoader = defineLoader((em, now) => {
  const byModel = new Map<string, DataLoader<number, number>>();
  return (modelId: string): DataLoader<number, number> => {
    let loader = byModel.get(modelId);
    if (!loader) {
      loader = new DataLoader(async (customerIds) => {
        const knex = em.getKnex();
        const prepared = await prepareRequestScoringModel(em, modelId, 'model');
        const score = scoreExpression(knex, prepared, modelId, now);
        const rows: Array<{ id: number | string; score: number | string }> = await knex('customers as c')
          .select('c.id', knex.raw(`${score.text} as score`, score.bindings))
          .whereIn('c.id', [...customerIds]);
        const scores = new Map(rows.map((row) => [Number(row.id), Number(row.score)]));
        return customerIds.map((id) => scores.get(id) ?? new Error(`no customer has id ${id}`));
      });
      byModel.set(modelId, loader);
    }
    return loader;
  };
});
