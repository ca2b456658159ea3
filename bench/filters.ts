import type { Knex } from '@mikro-orm/knex';
import { dialectName } from '../src/db/dialect-name';
import type { Database } from '../src/orm/database';
import { openDatabase } from '../src/orm/database';
import { createApp } from '../src/server/app';
import { toolSettings } from '../src/common/config';
import { ageCutoff } from '../src/filter/window';
import { median, millis, timed, type Figure } from './measure';

/**
 * Six crossed segments and three 1,000-value lists, each asked twice on the same database in the same
 * run: through evaluateSegment (GraphQL over HTTP, the compiled filter) and
 * as hand-written SQL answering the same question. Prints medians, the ratio
 * and the number of SQL statements of the GraphQL answer.
 */
const DAY = 86_400_000;

interface Case {
  name: string;
  filter: string;
  handWritten(knex: Knex, asOf: number): Promise<number>;
}

async function scalar(knex: Knex, sql: string, bindings: Knex.Value[]): Promise<number> {
  const result = await knex.raw(sql, bindings);
  const rows = Array.isArray(result) ? result : result.rows;
  return Number(Object.values(rows[0])[0]);
}

function cases(dialect: 'sqlite' | 'postgresql'): Case[] {
  const pageIsPricing =
    dialect === 'sqlite'
      ? "json_extract(e.properties, '$.\"page\"') = '/pricing'"
      : "e.properties ->> 'page' = '/pricing'";
  return [
    {
      name: 'French purchasing B2B, opened an email in 30 days, spent > 500 in a year, minus 3+ messages this week',
      filter: `{ identity: { country: { eq: "FR" }, jobFunction: { eq: "purchasing" }, companyName: { isNull: false } },
        behaviour: { event: { name: "message_opened", channel: [EMAIL], within: { lastDays: 30 } },
                     purchase: { within: { lastDays: 365 }, totalAmount: { gt: 500 } } },
        not: { behaviour: { event: { name: "message_sent", within: { lastDays: 7 }, count: { gte: 3 } } } } }`,
      handWritten: (knex, asOf) =>
        scalar(
          knex,
          `select count(*) from customers c
           where c.country = 'FR' and c.job_function = 'purchasing' and c.company_name is not null
             and exists (select 1 from events e where e.customer_id = c.id and e.name = 'message_opened' and e.channel = 'EMAIL' and e.occurred_at between ? and ?)
             and (select sum(o.amount) from orders o where o.customer_id = c.id and o.ordered_at between ? and ?) > 500
             and (select count(*) from events e where e.customer_id = c.id and e.name = 'message_sent' and e.occurred_at between ? and ?) < 3`,
          [asOf - 30 * DAY, asOf, asOf - 365 * DAY, asOf, asOf - 7 * DAY, asOf],
        ),
    },
    {
      name: 'customers into wine or travel who bought 3+ times in a year',
      filter: `{ identity: { lifecycleStage: [CUSTOMER], interests: { hasAny: ["wine", "travel"] } },
        behaviour: { purchase: { within: { lastDays: 365 }, count: { gte: 3 } } } }`,
      handWritten: (knex, asOf) =>
        scalar(
          knex,
          `select count(*) from customers c
           where c.lifecycle_stage = 'CUSTOMER'
             and c.id in (select customer_id from customer_interests where tag in ('wine', 'travel'))
             and c.id in (select customer_id from orders where ordered_at between ? and ? group by customer_id having count(*) >= 3)`,
          [asOf - 365 * DAY, asOf],
        ),
    },
    {
      name: 'lapsed 25-34 year-old buyers opted in to email (bought before, not in 180 days)',
      filter: `{ identity: { emailOptIn: true, age: { gte: 25, lte: 34 } },
        behaviour: { purchase: { within: { toDaysAgo: 180 } } },
        not: { behaviour: { purchase: { within: { lastDays: 180 } } } } }`,
      handWritten: (knex, asOf) =>
        scalar(
          knex,
          `select count(*) from customers c
           where c.email_opt_in = ? and c.birth_date < ? and c.birth_date >= ?
             and exists (select 1 from orders o where o.customer_id = c.id and o.ordered_at <= ?)
             and not exists (select 1 from orders o where o.customer_id = c.id and o.ordered_at between ? and ?)`,
          [
            true,
            ageCutoff(new Date(asOf), 25),
            ageCutoff(new Date(asOf), 35),
            asOf - 180 * DAY,
            asOf - 180 * DAY,
            asOf,
          ],
        ),
    },
    {
      name: 'into books and music (hasAll), spent > 50 in a year on book orders of 20 or more',
      filter: `{ identity: { interests: { hasAll: ["books", "music"] } },
        behaviour: { purchase: { category: { eq: "books" }, orderAmount: { gte: 20 }, within: { lastDays: 365 }, totalAmount: { gt: 50 } } } }`,
      handWritten: (knex, asOf) =>
        scalar(
          knex,
          `select count(*) from customers c
           where c.id in (select customer_id from customer_interests where tag in ('books', 'music') group by customer_id having count(distinct tag) = 2)
             and (select sum(o.amount) from orders o where o.customer_id = c.id and o.amount >= 20 and o.ordered_at between ? and ?
                    and exists (select 1 from order_categories oc where oc.order_id = o.id and oc.category = 'books')) > 50`,
          [asOf - 365 * DAY, asOf],
        ),
    },
    {
      name: 'gold loyalty tier who viewed the pricing page in 30 days',
      filter: `{ identity: { attributes: [{ key: "loyalty_tier", string: { eq: "gold" } }] },
        behaviour: { event: { name: "page_viewed", within: { lastDays: 30 }, properties: [{ key: "page", string: { eq: "/pricing" } }] } } }`,
      handWritten: (knex, asOf) =>
        scalar(
          knex,
          `select count(*) from customers c
           where c.id in (select customer_id from customer_attributes where key = 'loyalty_tier' and string_value = 'gold')
             and exists (select 1 from events e where e.customer_id = c.id and e.name = 'page_viewed' and e.occurred_at between ? and ? and ${pageIsPricing})`,
          [asOf - 30 * DAY, asOf],
        ),
    },
    {
      name: 'large software/finance companies, or women in Par* cities who never bought',
      filter: `{ or: [
          { identity: { industry: { in: ["software", "finance"] }, companySize: { gte: 250 } } },
          { identity: { gender: [FEMALE], city: { startsWith: "Par" } }, behaviour: { purchase: { count: { eq: 0 } } } } ] }`,
      handWritten: (knex, asOf) =>
        scalar(
          knex,
          `select count(*) from customers c
           where (c.industry in ('software', 'finance') and c.company_size >= 250)
              or (c.gender = 'FEMALE' and c.city ${dialect === 'sqlite' ? 'like' : 'ilike'} 'par%' and not exists (select 1 from orders o where o.customer_id = c.id and o.ordered_at <= ?))`,
          [asOf],
        ),
    },
  ];
}

/** 1,000 values: the given ones, then values nobody has. */
const thousand = (held: string[]) => [
  ...held,
  ...Array.from({ length: 1000 - held.length }, (_, i) => `absent-${i}`),
];
const graphqlList = (values: string[]) => `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
const sqlList = (values: string[]) => values.map(() => '?').join(', ');

/**
 * Lists at the documented limit (1,000 values), against the hand-written SQL
 * a reader would write: `in (?, ?, …)` with a placeholder a value, and for
 * hasAll the customers holding as many of the tags as there are.
 */
function longListCases(): Case[] {
  const cities = thousand(['Paris', 'Lyon', 'Berlin', 'Madrid', 'London']);
  const tags = thousand(['wine', 'travel']);
  return [
    {
      name: 'city in 1,000 values',
      filter: `{ identity: { city: { in: ${graphqlList(cities)} } } }`,
      handWritten: (knex) =>
        scalar(knex, `select count(*) from customers c where c.city in (${sqlList(cities)})`, cities),
    },
    {
      name: 'interests hasAll 1,000 tags (two held, the rest nobody has)',
      filter: `{ identity: { interests: { hasAll: ${graphqlList(tags)} } } }`,
      handWritten: (knex) =>
        scalar(
          knex,
          `select count(*) from customers c where c.id in (select customer_id from customer_interests where tag in (${sqlList(tags)}) group by customer_id having count(distinct tag) = ${tags.length})`,
          tags,
        ),
    },
    {
      name: 'interests hasAny 1,000 tags (two held)',
      filter: `{ identity: { interests: { hasAny: ${graphqlList(tags)} } } }`,
      handWritten: (knex) =>
        scalar(
          knex,
          `select count(*) from customers c where c.id in (select customer_id from customer_interests where tag in (${sqlList(tags)}))`,
          tags,
        ),
    },
  ];
}

export async function benchFilters(db: Database, asOf: Date, rounds = 7): Promise<Figure[]> {
  let statements = 0;
  const counted = await openDatabase(db.target, { onQuery: () => (statements += 1) });
  const app = await createApp(counted, toolSettings(db.target), console);
  const port = await app.listen(0, '127.0.0.1');
  const knex = db.fork().getKnex();
  // Fresh statistics for the planner, for both contenders alike.
  await knex.raw('analyze');
  const ratios: number[] = [];
  const figures: Figure[] = [];
  try {
    for (const [i, benchCase] of [...cases(dialectName(knex)), ...longListCases()].entries()) {
      const ask = async () => {
        const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: `query($asOf: DateTime) { evaluateSegment(asOf: $asOf, filter: ${benchCase.filter}) { size } }`,
            variables: { asOf: asOf.toISOString() },
          }),
        });
        const body = (await response.json()) as any;
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        return body.data.evaluateSegment.size as number;
      };
      const serviceTimes: number[] = [];
      const sqlTimes: number[] = [];
      let size = 0;
      let expected = 0;
      let statementCount = 0;
      for (let round = 0; round < rounds; round++) {
        statements = 0;
        const service = await timed(ask);
        statementCount = statements;
        const sql = await timed(() => benchCase.handWritten(knex, asOf.getTime()));
        serviceTimes.push(service.ms);
        sqlTimes.push(sql.ms);
        size = service.value;
        expected = sql.value;
      }
      if (size !== expected)
        throw new Error(`case ${i + 1}: evaluateSegment says ${size}, the hand-written SQL ${expected}`);
      const ratio = median(serviceTimes) / median(sqlTimes);
      ratios.push(ratio);
      figures.push({
        measure: `crossed segment ${i + 1}: ${benchCase.name} (${size.toLocaleString('en')})`,
        service: millis(median(serviceTimes)),
        baseline: millis(median(sqlTimes)),
        ratio,
        goal: '≤ 1.5×',
      });
      console.log(
        `filter ${i + 1} (${benchCase.name}): size ${size.toLocaleString('en')}; evaluateSegment median ${median(serviceTimes).toFixed(1)} ms` +
          ` in ${statementCount} statement(s); hand-written SQL ${median(sqlTimes).toFixed(1)} ms in 1; ratio ${ratio.toFixed(2)}×`,
      );
    }
    console.log(
      `filters: worst ratio ${Math.max(...ratios).toFixed(2)}×, median ${median(ratios).toFixed(2)}×`,
    );
    return figures;
  } finally {
    await app.stop();
    await counted.close();
  }
}
