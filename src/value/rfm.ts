import { RfmSegment } from '../common/enums';
import { integerLiteral, joinSql, raw, sql, type Sql } from '../filter/sql';

/** The R × F table of docs/API.md: rows are recency scores 5..1, columns frequency scores 1..5. */
const RFM_TABLE: Record<number, RfmSegment[]> = {
  5: [
    RfmSegment.NEW_CUSTOMERS,
    RfmSegment.POTENTIAL_LOYALIST,
    RfmSegment.POTENTIAL_LOYALIST,
    RfmSegment.CHAMPIONS,
    RfmSegment.CHAMPIONS,
  ],
  4: [
    RfmSegment.PROMISING,
    RfmSegment.POTENTIAL_LOYALIST,
    RfmSegment.POTENTIAL_LOYALIST,
    RfmSegment.LOYAL,
    RfmSegment.LOYAL,
  ],
  3: [
    RfmSegment.ABOUT_TO_SLEEP,
    RfmSegment.ABOUT_TO_SLEEP,
    RfmSegment.NEED_ATTENTION,
    RfmSegment.LOYAL,
    RfmSegment.LOYAL,
  ],
  2: [
    RfmSegment.HIBERNATING,
    RfmSegment.HIBERNATING,
    RfmSegment.AT_RISK,
    RfmSegment.AT_RISK,
    RfmSegment.CANNOT_LOSE,
  ],
  1: [
    RfmSegment.LOST,
    RfmSegment.HIBERNATING,
    RfmSegment.AT_RISK,
    RfmSegment.AT_RISK,
    RfmSegment.CANNOT_LOSE,
  ],
};

export function rfmSegmentOf(recency: number, frequency: number): RfmSegment {
  return RFM_TABLE[recency][frequency - 1];
}

/**
 * Quintile score with ties sharing a score: min(5, 1 + floor(5 × percent_rank)),
 * percent_rank = (rank − 1) / (n − 1), in integer arithmetic so both databases
 * floor the same way.
 */
export function quintileScore(rank: number, n: number): number {
  if (n <= 1) return 1;
  return Math.min(5, 1 + Math.floor((5 * (rank - 1)) / (n - 1)));
}

/** The same score in SQL over `rank` and `n` expressions (integer division floors non-negative values). */
export function quintileScoreSql(rank: string, n: string): string {
  return `(case when ${n} <= 1 then 1 when 1 + (5 * (${rank} - 1)) / (${n} - 1) > 5 then 5 else 1 + (5 * (${rank} - 1)) / (${n} - 1) end)`;
}

/** rfm_segment from the two score columns, as one CASE with bound names. */
export function rfmSegmentSql(recency: string, frequency: string): Sql {
  const branches: Sql[] = [];
  for (const r of [5, 4, 3, 2, 1]) {
    for (let f = 1; f <= 5; f++) {
      const scores = sql`${raw(recency)} = ${integerLiteral(r)} and ${raw(frequency)} = ${integerLiteral(f)}`;
      branches.push(sql`when ${scores} then ${rfmSegmentOf(r, f)}`);
    }
  }
  return sql`(case ${joinSql(' ', branches)} end)`;
}

/**
 * Where the quintile scores of one refresh start: for scores 2, 3, 4 and 5,
 * the value from which a customer gets at least that score, null when nobody
 * got it. Recency counts whole days since the last order (a score holds at
 * or below its value: fewer days score higher); frequency (orders) and
 * monetary (revenue) hold at or above theirs.
 */
export interface RfmBoundaries {
  recency: Array<number | null>;
  frequency: Array<number | null>;
  monetary: Array<number | null>;
}

/** The scores above 1, in the order RfmBoundaries lists their starts. */
const RAISED_SCORES = [2, 3, 4, 5];

/**
 * One statement reading the boundaries off a table of scored customers
 * (order_summary): ranks only grow with the value they rank, so every score
 * starts at the extreme value of the customers scored at least that.
 */
export function rfmBoundariesSql(table: string): string {
  const columns = RAISED_SCORES.flatMap((k) => [
    `max(case when recency_score >= ${k} then days_since_last_order end) as r${k}`,
    `min(case when frequency_score >= ${k} then order_count end) as f${k}`,
    `min(case when monetary_score >= ${k} then lifetime_revenue end) as m${k}`,
  ]);
  return `select ${columns.join(', ')} from ${table}`;
}

/** The boundaries from the row rfmBoundariesSql returns. */
export function rfmBoundariesOf(row: Record<string, unknown>): RfmBoundaries {
  const read = (prefix: string) =>
    RAISED_SCORES.map((k) => (row[`${prefix}${k}`] == null ? null : Number(row[`${prefix}${k}`])));
  return { recency: read('r'), frequency: read('f'), monetary: read('m') };
}

/**
 * A score against held boundaries in SQL: 1, plus one for each boundary the
 * value reaches. On the customers the boundaries were read from, it is the
 * rank score they had (quintileScoreSql), ties included.
 */
export function heldScoreSql(
  value: string,
  starts: Array<number | null>,
  direction: 'at most' | 'at least',
  type: 'integer' | 'double precision',
): Sql {
  const reached = starts
    .filter((start): start is number => start !== null)
    .map(
      (start) =>
        sql` + case when ${raw(value)} ${raw(direction === 'at most' ? '<=' : '>=')} ${
          type === 'integer' ? integerLiteral(start) : sql`cast(${start} as double precision)`
        } then 1 else 0 end`,
    );
  return sql`(1${joinSql('', reached)})`;
}
