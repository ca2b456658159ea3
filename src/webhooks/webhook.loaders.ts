import DataLoader from 'dataloader';
import { defineLoader } from '../graphql/loaders';
import { recentAttempts, type AttemptView } from './deliveries';

/** `Webhook.deliveries` of a page of webhooks: one statement per distinct `first`. */
export const recentAttemptsLoader = defineLoader(
  (em) =>
    new DataLoader<{ webhookId: number; first: number }, AttemptView[], string>(
      async (keys) => {
        const answers = new Map<string, AttemptView[]>();
        for (const first of new Set(keys.map((key) => key.first))) {
          const ids = keys.filter((key) => key.first === first).map((key) => key.webhookId);
          const found = await recentAttempts(em.getKnex(), ids, first);
          for (const id of ids) answers.set(`${id}:${first}`, found.get(id) ?? []);
        }
        return keys.map((key) => answers.get(`${key.webhookId}:${key.first}`) ?? []);
      },
      { cacheKeyFn: (key) => `${key.webhookId}:${key.first}` },
    ),
);
