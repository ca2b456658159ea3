import type { Knex } from '@mikro-orm/knex';
import { rowsOf } from '../db/raw-rows';
import { ageAt } from '../common/dates';
import { ordersUpTo } from '../filter/orders';
import { integerLiteral, joinSql, sql, type Sql } from '../filter/sql';
import { preferredChannelSql } from './preferred-channel';

export interface BucketData {
  key: string;
  customers: number;
  share: number;
}

/** Breakdowns of a population by one trait; each sums to the population's size (a missing trait has its own key). */
export type Facet = 'country' | 'lifecycle' | 'rfm' | 'channel' | 'interest' | 'birthDate';

export interface PopulationFigures {
  size: number;
  /** Every customer, for shares of the base. */
  base: number;
  /** Members' orders at or before asOf. */
  orders: number;
  revenue: number;
  buckets: Record<Exclude<Facet, 'birthDate'>, BucketData[]>;
  /** Members' ages at asOf, with how many have each (customers without a birth date are left out). */
  ages: Array<{ age: number; customers: number }>;
}

/** The key of a missing trait in buckets: no country, no RFM segment (no orders or no refresh yet), no customer-initiated event in 180 days. */
const MISSING_KEY: Record<Exclude<Facet, 'birthDate' | 'interest'>, string> = {
  country: 'unknown',
  lifecycle: 'unknown',
  rfm: 'none',
  channel: 'none',
};

/** Interests are many; a population shows its most common ones. */
export const TOP_INTERESTS = 10;

/**
 * Size, revenue and breakdowns of the customers a predicate selects, in one
 * statement: the members are materialised once, then every figure is a
 * branch of one UNION ALL over them. Only the facets asked for are computed
 * (a preferred channel costs one index range scan per member).
 */
export async function populationFigures(
  knex: Knex,
  where: Sql,
  asOf: Date,
  facets: Facet[],
): Promise<PopulationFigures> {
  const channel = facets.includes('channel') ? preferredChannelSql(asOf) : sql`null`;
  const branches: Sql[] = [
    sql`select 'size' as facet, null as bucket, count(*) as n, 0 as amount from members`,
    sql`select 'base', null, count(*), 0 from customers`,
    sql`select 'revenue', null, count(*), coalesce(sum(t.amount), 0)
        from orders t join members m on m.id = t.customer_id where ${ordersUpTo(asOf)}`,
  ];
  if (facets.includes('country'))
    branches.push(sql`select 'country', country, count(*), 0 from members group by country`);
  if (facets.includes('lifecycle'))
    branches.push(
      sql`select 'lifecycle', lifecycle_stage, count(*), 0 from members group by lifecycle_stage`,
    );
  if (facets.includes('channel'))
    branches.push(sql`select 'channel', channel, count(*), 0 from members group by channel`);
  if (facets.includes('rfm')) {
    branches.push(
      sql`select 'rfm', cm.rfm_segment, count(*), 0
          from members m left join customer_metrics cm on cm.customer_id = m.id group by cm.rfm_segment`,
    );
  }
  if (facets.includes('interest')) {
    branches.push(
      sql`select 'interest', interest, n, 0 from (select ci.tag as interest, count(*) as n
          from customer_interests ci join members m on m.id = ci.customer_id
          group by ci.tag order by count(*) desc, ci.tag limit ${integerLiteral(TOP_INTERESTS)}) top_interests`,
    );
  }
  // Birth dates, grouped, stand in for ages: the median is found from counts, not from every member.
  if (facets.includes('birthDate'))
    branches.push(
      sql`select 'birthDate', cast(birth_date as text), count(*), 0
          from members where birth_date is not null group by birth_date`,
    );
  const statement = sql`with members as materialized
    (select c.id, c.country, c.lifecycle_stage, c.birth_date, ${channel} as channel from customers c where ${where})
    ${joinSql(' union all ', branches)}`;
  const rows: Array<{ facet: string; bucket: string | null; n: number | string; amount: number | string }> =
    await knex.raw(statement.text, statement.bindings).then(rowsOf);
  const figure = (facet: string) => rows.find((row) => row.facet === facet)!;
  const size = Number(figure('size').n);
  const bucketsOf = (facet: Exclude<Facet, 'birthDate'>): BucketData[] =>
    rows
      .filter((row) => row.facet === facet)
      .map((row) => ({
        key: row.bucket ?? MISSING_KEY[facet as keyof typeof MISSING_KEY],
        customers: Number(row.n),
        share: size === 0 ? 0 : Number(row.n) / size,
      }))
      .sort((x, y) => y.customers - x.customers || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const ages = new Map<number, number>();
  for (const row of rows.filter((candidate) => candidate.facet === 'birthDate')) {
    const age = ageAt(new Date(Number(row.bucket)), asOf);
    ages.set(age, (ages.get(age) ?? 0) + Number(row.n));
  }
  return {
    size,
    base: Number(figure('base').n),
    orders: Number(figure('revenue').n),
    revenue: Number(figure('revenue').amount),
    buckets: {
      country: bucketsOf('country'),
      lifecycle: bucketsOf('lifecycle'),
      rfm: bucketsOf('rfm'),
      channel: bucketsOf('channel'),
      interest: bucketsOf('interest'),
    },
    ages: [...ages].map(([age, customers]) => ({ age, customers })).sort((x, y) => x.age - y.age),
  };
}

/** The median of values given with their counts (the mean of the two middle values for an even total); null when empty. */
export function medianOfCounts(values: Array<{ value: number; count: number }>): number | null {
  const sorted = [...values].sort((x, y) => x.value - y.value);
  const total = sorted.reduce((sum, entry) => sum + entry.count, 0);
  if (total === 0) return null;
  const at = (rank: number) => {
    let seen = 0;
    for (const entry of sorted) {
      seen += entry.count;
      if (rank < seen) return entry.value;
    }
    return sorted[sorted.length - 1].value;
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}
