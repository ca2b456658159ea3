import type { EntityManager } from '@mikro-orm/knex';
import { badUserInput } from '../common/errors';
import { rowsOf } from '../db/raw-rows';
import type { Segment } from '../entities';
import { segmentPredicate } from '../segments/segment.service';
import { raw, sql } from '../filter/sql';

export interface PerformanceData {
  members: number;
  buyers: number;
  conversionRate: number;
  revenue: number;
  revenuePerMember: number;
  baselineConversionRate: number;
  lift: number | null;
}

/**
 * How a segment did over [from, to) (docs/API.md): members are the segment as of
 * `from`; buyers those with an order in [from, to); the baseline is the same
 * rate among every other customer; lift = rate / baseline (null when the
 * baseline is 0). One statement: each customer's membership and spend in the window.
 */
export async function segmentPerformance(
  em: EntityManager,
  segment: Segment,
  from: Date,
  to: Date,
): Promise<PerformanceData> {
  if (from.getTime() >= to.getTime())
    throw badUserInput('the period ends before it starts (from must be before to)', 'to');
  const member = await segmentPredicate(em, segment, from);
  const window = (what: string) =>
    sql`(select ${raw(what)} from orders o
         where o.customer_id = c.id and o.ordered_at >= ${from.getTime()} and o.ordered_at < ${to.getTime()})`;
  // Correlated lookups through the (customer_id, time) index, per customer.
  const statement = sql`select sum(member) as members, sum(member * bought) as buyers, sum(member * spent) as revenue,
            count(*) - sum(member) as others, sum((1 - member) * bought) as other_buyers
     from (select (case when ${member} then 1 else 0 end) as member,
                  (case when ${window('count(*)')} > 0 then 1 else 0 end) as bought,
                  coalesce(${window('sum(o.amount)')}, 0) as spent
           from customers c) flags`;
  const [row] = await em.getKnex().raw(statement.text, statement.bindings).then(rowsOf);
  const members = Number(row.members ?? 0);
  const buyers = Number(row.buyers ?? 0);
  const revenue = Number(row.revenue ?? 0);
  const others = Number(row.others ?? 0);
  const conversionRate = members === 0 ? 0 : buyers / members;
  const baselineConversionRate = others === 0 ? 0 : Number(row.other_buyers ?? 0) / others;
  return {
    members,
    buyers,
    conversionRate,
    revenue,
    revenuePerMember: members === 0 ? 0 : revenue / members,
    baselineConversionRate,
    lift: baselineConversionRate === 0 ? null : conversionRate / baselineConversionRate,
  };
}
