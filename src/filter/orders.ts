import { and, notNull, raw, sql, type Sql } from './sql';
import { windowInterval, type Interval } from './window';

/** The conditions on rows `t` of orders or events: inside the window (never past asOf) and matching. */
export function activityConditions(timeColumn: string, interval: Interval, conditions: Sql[]): Sql {
  const time = raw(`t.${timeColumn}`);
  const window = [sql`${time} <= ${interval.to}`];
  if (interval.from !== null) window.push(sql`${time} >= ${interval.from}`);
  return and([...window, ...conditions]);
}

/** Orders `t` that count at asOf: every one placed at or before it (the base may hold later ones). */
export const ordersUpTo = (asOf: Date): Sql =>
  activityConditions('ordered_at', windowInterval(null, asOf), []);

/** The total of the orders `t` of customer `c` that `rows` keeps, 0 when none, through the (customer_id, time) index. */
export const orderTotal = (rows: Sql): Sql =>
  notNull(sql`coalesce((select sum(t.amount) from orders t where t.customer_id = c.id and ${rows}), 0)`);

/** A customer's revenue: the total of their orders at or before asOf (the filter's, the market map's and a population's). */
export const revenueUpTo = (asOf: Date): Sql => orderTotal(ordersUpTo(asOf));
