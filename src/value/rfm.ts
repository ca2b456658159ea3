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
