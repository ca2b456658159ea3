import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/knex';
import type { Channel } from '../common/enums';
import { sql, type Sql } from '../filter/sql';
import { DAY_MS } from '../filter/types';

import { OUTBOUND_EVENT, PREFERRED_CHANNEL_DAYS } from '../common/preferred-channel';

export { OUTBOUND_EVENT, PREFERRED_CHANNEL_DAYS };

/**
 * A customer `c`'s preferred channel as of asOf: the channel of most of its
 * customer-initiated events in [asOf − 180 days, asOf]; ties go to the
 * channel used most recently, then to the first name in alphabetical order.
 * NULL without such events. A correlated subquery through the (customer_id, time) index.
 */
export function preferredChannelSql(asOf: Date): Sql {
  const since = asOf.getTime() - PREFERRED_CHANNEL_DAYS * DAY_MS;
  return sql`(select t.channel from events t
      where t.customer_id = c.id and t.name <> ${OUTBOUND_EVENT}
        and t.occurred_at >= ${since} and t.occurred_at <= ${asOf.getTime()}
      group by t.channel order by count(*) desc, max(t.occurred_at) desc, t.channel limit 1)`;
}

/** Preferred channels of a page of customers as of the request's now: one statement per page. */
export function preferredChannelLoader(em: EntityManager, now: Date): DataLoader<number, Channel | null> {
  return new DataLoader(async (customerIds) => {
    const knex = em.getKnex();
    const channel = preferredChannelSql(now);
    const rows: Array<{ id: number | string; channel: Channel | null }> = await knex('customers as c')
      .select('c.id', knex.raw(`${channel.text} as channel`, channel.bindings))
      .whereIn('c.id', [...customerIds]);
    const byId = new Map(rows.map((row) => [Number(row.id), row.channel]));
    return customerIds.map((id) => byId.get(id) ?? null);
  });
}
