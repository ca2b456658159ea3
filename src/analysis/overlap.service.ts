import type { EntityManager } from '@mikro-orm/knex';
import { badUserInput } from '../common/errors';
import { rowsOf } from '../db/raw-rows';
import { findSegment, segmentPredicate } from '../segments/segment.service';
import { joinSql, raw, sql, type Sql } from '../filter/sql';

/** Pairs grow with the square of the list: 20 segments are 190 pairs, one statement. */
export const OVERLAP_LIMITS = { segments: 20 } as const;

export interface OverlapData {
  a: string;
  b: string;
  both: number;
  onlyA: number;
  onlyB: number;
  jaccard: number;
}

/**
 * Every pair of the listed segments (in list order: a before b), as of asOf,
 * in one statement: one membership flag per segment and customer, then sums
 * over the flags. both + onlyA is the size of a, both + onlyB that of b.
 */
export async function segmentOverlap(em: EntityManager, ids: string[], asOf: Date): Promise<OverlapData[]> {
  if (ids.length > OVERLAP_LIMITS.segments)
    throw badUserInput(`at most ${OVERLAP_LIMITS.segments} segments (got ${ids.length})`, 'ids');
  const predicates: Sql[] = [];
  for (const [i, id] of ids.entries()) {
    if (ids.indexOf(id) !== i) throw badUserInput(`segment ${id} is listed twice`, `ids.${i}`);
    const segment = await findSegment(em, id, `ids.${i}`);
    if (!segment) throw badUserInput(`no segment has id "${id}"`, `ids.${i}`);
    predicates.push(await segmentPredicate(em, segment, asOf));
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push([i, j]);
  if (pairs.length === 0) return [];
  const flags = joinSql(
    ', ',
    predicates.map((predicate, i) => sql`(case when ${predicate} then 1 else 0 end) as ${raw(`m${i}`)}`),
  );
  const sums = [
    ...ids.map((_, i) => `sum(m${i}) as size${i}`),
    ...pairs.map(([i, j]) => `sum(m${i} * m${j}) as both_${i}_${j}`),
  ].join(', ');
  const statement = sql`select ${raw(sums)} from (select ${flags} from customers c) flags`;
  const [row] = await em.getKnex().raw(statement.text, statement.bindings).then(rowsOf);
  return pairs.map(([i, j]) => {
    const both = Number(row[`both_${i}_${j}`] ?? 0);
    const onlyA = Number(row[`size${i}`] ?? 0) - both;
    const onlyB = Number(row[`size${j}`] ?? 0) - both;
    const union = both + onlyA + onlyB;
    return { a: ids[i], b: ids[j], both, onlyA, onlyB, jaccard: union === 0 ? 0 : both / union };
  });
}
