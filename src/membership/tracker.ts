import type { EntityManager, Knex } from '@mikro-orm/knex';
import { Segment } from '../entities';
import { integerLiteral, raw, sql, type Sql } from '../filter/sql';
import { referencesAmong, segmentPredicate } from '../segments/segment.service';
import type { MembershipChangeListener, RecordedChanges } from './change-listeners';

/** What one evaluation of a tracked segment did. */
export interface MembershipEvaluation {
  segmentId: number;
  /** The instant evaluated at (the intervals' and changes' instant). */
  at: Date;
  /** True for the first evaluation: intervals opened as the baseline, no change written. */
  baseline: boolean;
  /** Open intervals after the evaluation (the members as of `at`). */
  entered: number;
  exited: number;
  /** The change ids written, when there were any. */
  recorded: RecordedChanges | null;
  /** Set when the segment was not evaluated (untracked, or already evaluated later than `at`). */
  skipped?: 'untracked' | 'later evaluation recorded';
}

/**
 * Records the membership of tracked segments as intervals and changes,
 * set-based from the segment's compiled predicate (the statement evaluateSegment
 * and Segment.members use), in a fixed number of statements per segment
 * whatever its size, one transaction per segment:
 *
 * 1. the segment row is read again inside the transaction (on PostgreSQL locked,
 *    so two evaluations of one segment run one after the other);
 * 2. first evaluation (`membership_tracked_since` null): one INSERT…SELECT opens
 *    an interval per member, marked `baseline`, at the evaluation instant, and
 *    writes no change — tracking starts from what the segment is, not with an
 *    "entered" for the whole base;
 * 3. otherwise: INSERT…SELECT of the EXITED changes (open intervals whose
 *    customer no longer matches) and of the ENTERED ones (members without an
 *    open interval), then the intervals follow the changes just written (UPDATE
 *    closes the exited, INSERT…SELECT opens the entered), so intervals and change
 *    log cannot disagree; every listener is called with the ids written, in the
 *    same transaction.
 *
 * Evaluations of a segment move forward in time: one at an instant before the
 * last recorded is skipped (its changes would be out of order).
 */
export class MembershipTracker {
  constructor(private readonly listeners: readonly MembershipChangeListener[] = []) {}

  /** Evaluates every tracked segment at `at`, one transaction each; a failure of one does not stop the others. */
  async evaluateAll(
    em: EntityManager,
    at: Date,
    onError: (segmentId: number, error: unknown) => void = (_id, error) => {
      throw error;
    },
  ): Promise<MembershipEvaluation[]> {
    const segments = await em.find(Segment, { trackMembership: true }, { orderBy: { id: 'asc' } });
    // Segments that use other segments read them from this list, not one statement each.
    const all = segments.length ? await em.find(Segment, {}) : [];
    const references = referencesAmong(em, all);
    const results: MembershipEvaluation[] = [];
    for (const segment of segments) {
      try {
        results.push(await this.evaluate(em, segment, at, references));
      } catch (error) {
        onError(segment.id, error);
      }
    }
    return results;
  }

  /** Evaluates one segment at `at` (it must be tracked). */
  async evaluate(
    em: EntityManager,
    segment: Segment,
    at: Date,
    references = referencesAmong(em, [segment]),
  ): Promise<MembershipEvaluation> {
    const predicate = await segmentPredicate(em, segment, at, references);
    const knex = em.getKnex();
    return knex.transaction((trx) => this.record(trx, segment.id, predicate, at));
  }

  private async record(
    trx: Knex.Transaction,
    segmentId: number,
    predicate: Sql,
    at: Date,
  ): Promise<MembershipEvaluation> {
    const postgres = (trx.client as { dialect?: string }).dialect === 'postgresql';
    const current = trx('segments')
      .where('id', segmentId)
      .first('track_membership', 'membership_tracked_since', 'membership_evaluated_at');
    const row: Record<string, unknown> | undefined = await (postgres ? current.forUpdate() : current);
    const result: MembershipEvaluation = {
      segmentId,
      at,
      baseline: false,
      entered: 0,
      exited: 0,
      recorded: null,
    };
    if (!row || !row.track_membership) return { ...result, skipped: 'untracked' };
    const last = row.membership_evaluated_at == null ? null : Number(row.membership_evaluated_at);
    if (last !== null && at.getTime() < last) return { ...result, skipped: 'later evaluation recorded' };

    // Ids and the instant are integers the code computed: written as literals, so PostgreSQL types the
    // INSERT…SELECT columns from them (a bound parameter in a select list would be text).
    const segment = integerLiteral(segmentId);
    const instant = integerLiteral(at.getTime());
    const run = (statement: Sql) => trx.raw(statement.text, statement.bindings);

    if (row.membership_tracked_since == null) {
      await run(sql`insert into segment_memberships (segment_id, customer_id, entered_at, baseline)
        select ${segment}, c.id, ${instant}, ${raw('true')} from customers c where (${predicate})`);
      await trx('segments')
        .where('id', segmentId)
        .update({ membership_tracked_since: at.getTime(), membership_evaluated_at: at.getTime() });
      return { ...result, baseline: true };
    }

    const before = Number(
      (await trx('segment_changes').where('segment_id', segmentId).max({ id: 'id' }).first())?.id ?? 0,
    );
    const member = (customer: Sql) =>
      sql`exists (select 1 from customers c where c.id = ${customer} and (${predicate}))`;
    await run(sql`insert into segment_changes (segment_id, customer_id, kind, at)
      select ${segment}, open_m.customer_id, 'EXITED', ${instant} from segment_memberships open_m
      where open_m.segment_id = ${segment} and open_m.exited_at is null and not ${member(raw('open_m.customer_id'))}
      order by open_m.customer_id`);
    await run(sql`insert into segment_changes (segment_id, customer_id, kind, at)
      select ${segment}, c.id, 'ENTERED', ${instant} from customers c
      where (${predicate}) and not exists (select 1 from segment_memberships open_m
        where open_m.segment_id = ${segment} and open_m.exited_at is null and open_m.customer_id = c.id)
      order by c.id`);
    // The intervals follow the changes just written, not a second evaluation of the predicate.
    const written = (kind: 'ENTERED' | 'EXITED') =>
      sql`select new_x.customer_id from segment_changes new_x
        where new_x.segment_id = ${segment} and new_x.id > ${integerLiteral(before)} and new_x.kind = ${raw(`'${kind}'`)}`;
    await run(sql`update segment_memberships set exited_at = ${instant}
      where segment_id = ${segment} and exited_at is null and customer_id in (${written('EXITED')})`);
    await run(sql`insert into segment_memberships (segment_id, customer_id, entered_at, baseline)
      select ${segment}, new_c.customer_id, ${instant}, ${raw('false')} from (${written('ENTERED')}) new_c`);
    const spans: Array<Record<string, unknown>> = await trx('segment_changes')
      .where('segment_id', segmentId)
      .andWhere('id', '>', before)
      .groupBy('kind')
      .select(
        'kind',
        trx.raw('count(*) as n'),
        trx.raw('min(id) as first_id'),
        trx.raw('max(id) as last_id'),
      );
    await trx('segments').where('id', segmentId).update({ membership_evaluated_at: at.getTime() });
    for (const span of spans) {
      const n = Number(span.n);
      if (span.kind === 'ENTERED') result.entered = n;
      else result.exited = n;
    }
    if (spans.length) {
      result.recorded = {
        segmentId,
        firstChangeId: Math.min(...spans.map((span) => Number(span.first_id))),
        lastChangeId: Math.max(...spans.map((span) => Number(span.last_id))),
      };
      for (const listener of this.listeners) await listener(trx, result.recorded);
    }
    return result;
  }
}
