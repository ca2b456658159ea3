import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/knex';
import { Segment } from '../entities';
import { chunks } from '../db/batch';
import { rowsOf } from '../db/raw-rows';
import { joinSql, placeholders, raw, sql, type Sql } from '../filter/sql';
import { defineLoader } from '../graphql/loaders';
import { referencesAmong, segmentPredicate } from './segment.service';

/**
 * Customer × saved segment evaluations per membership statement. One statement evaluating 300
 * segments for 500 customers runs for about half a second on SQLite, holding one of the few read
 * connections every other query's statements share. So the segments are sliced: each statement takes the whole
 * page and as many segments as fit (at least one), and each filter appears in one statement per
 * page, so the slices together cost about what the single statement would. (Slicing the customers
 * instead puts every filter in every slice, to be prepared again each time: measured, 3 s a page
 * instead of 0.4 s.) A page takes one statement up to this many evaluations, one per slice past it.
 */
const EVALUATIONS_PER_STATEMENT = 10_000;
/** Saved segments per statement, a column each: under SQLite's 2,000 columns and PostgreSQL's 1,664. */
const COLUMNS_PER_STATEMENT = 1_000;
/** Bound values per statement, under SQLite's 32,766 (PostgreSQL takes 65,535); one saved filter may bind up to 10,000 (the filter limit). */
const BINDINGS_PER_STATEMENT = 30_000;

/** Saved filters prepared between two turns of the event loop. */
const PREPARED_BETWEEN_TURNS = 20;

/** Predicates sliced so that each slice, with the page's ids, fits one statement. */
function statementGroups(predicates: readonly Sql[], ids: number): number[][] {
  const segmentsPerStatement = Math.min(
    COLUMNS_PER_STATEMENT,
    Math.max(1, Math.floor(EVALUATIONS_PER_STATEMENT / ids)),
  );
  const groups: number[][] = [];
  let group: number[] = [];
  let bindings = ids;
  predicates.forEach((predicate, index) => {
    const full =
      group.length === segmentsPerStatement || bindings + predicate.bindings.length > BINDINGS_PER_STATEMENT;
    if (group.length > 0 && full) {
      groups.push(group);
      group = [];
      bindings = ids;
    }
    group.push(index);
    bindings += predicate.bindings.length;
  });
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Which of the given saved filters each customer matches: one column per filter, one row per customer. */
async function membershipRows(
  em: EntityManager,
  customerIds: readonly number[],
  predicates: readonly Sql[],
  group: readonly number[],
): Promise<Array<{ id: number; members: number[] }>> {
  const columns = joinSql(
    ', ',
    group.map(
      (index, column) => sql`case when ${predicates[index]} then 1 else 0 end as ${raw(`s${column}`)}`,
    ),
  );
  const statement = sql`select c.id as id, ${columns} from customers c where c.id in (${placeholders([...customerIds])})`;
  const rows: Array<Record<string, number | string>> = rowsOf(
    await em.getKnex().raw(statement.text, statement.bindings),
  );
  return rows.map((row) => ({
    id: Number(row.id),
    members: group.filter((_, column) => Number(row[`s${column}`]) === 1),
  }));
}

/** Each customer's saved segments, in the order of the ids given. */
async function membershipOf(
  em: EntityManager,
  now: Date,
  customerIds: readonly number[],
): Promise<Segment[][]> {
  const segments = await em.find(Segment, {}, { orderBy: { id: 'asc' } });
  const membership = new Map<number, Segment[]>(customerIds.map((id) => [id, []]));
  if (segments.length === 0) return customerIds.map(() => []);
  const references = referencesAmong(em, segments);
  const predicates: Sql[] = [];
  for (const segment of segments) {
    predicates.push(await segmentPredicate(em, segment, now, references));
    // Preparing a filter awaits only answers already at hand, so the loop never lets the event
    // loop turn: 300 filters hold it ~100 ms. Every few, other requests (and /healthz) get a turn.
    if (predicates.length % PREPARED_BETWEEN_TURNS === 0)
      await new Promise((resolve) => setImmediate(resolve));
  }
  for (const ids of chunks(customerIds)) {
    for (const group of statementGroups(predicates, ids.length)) {
      for (const row of await membershipRows(em, ids, predicates, group)) {
        membership.get(row.id)!.push(...row.members.map((index) => segments[index]));
      }
    }
  }
  // Groups run in segment order, so each customer's list is already by id.
  return customerIds.map((id) => membership.get(id)!);
}

/**
 * The saved segments each customer is in as of the request's now. A page of customers costs one
 * statement for the segments and one that evaluates every saved filter for the whole page (a column
 * per filter), whatever the number of customers or of saved segments, up to 10,000 evaluations;
 * past that, one per slice of segments (EVALUATIONS_PER_STATEMENT). It is heavy work: it takes one
 * of the key's places.
 */
export const segmentsOfCustomerLoader = defineLoader(
  (em, now, heavy) =>
    new DataLoader<number, Segment[]>((customerIds) => heavy(() => membershipOf(em, now, customerIds))),
);
