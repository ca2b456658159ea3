import type { MembershipChangeListener } from '../membership/change-listeners';
import { sql } from '../filter/sql';

/**
 * Queues the changes the tracker just wrote for every webhook that follows
 * their segment and kind: one INSERT…SELECT, in the tracker's transaction, so
 * the changes and their deliveries-to-be commit (or vanish) together and a
 * crash in between loses none. Disabled webhooks keep queuing: what they miss
 * while disabled is delivered once enableWebhook turns them back on.
 */
export const queueWebhookDeliveries: MembershipChangeListener = async (trx, recorded) => {
  const statement = sql`insert into webhook_outbox (webhook_id, change_id)
    select s.webhook_id, c.id from segment_changes c
    join webhook_subscriptions s on s.segment_id = c.segment_id and s.kind = c.kind
    where c.segment_id = ${recorded.segmentId}
      and c.id >= ${recorded.firstChangeId} and c.id <= ${recorded.lastChangeId}
    order by c.id`;
  await trx.raw(statement.text, statement.bindings);
};
