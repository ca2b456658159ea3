import type { EntityManager, Knex } from '@mikro-orm/knex';
import { badUserInput } from '../common/errors';
import { decodeCursor, toPage, type CursorFormat } from '../common/pagination';
import { MembershipChangeKind, type Segment } from '../entities';
import { rowsOf, type Row } from '../db/raw-rows';
import { integerLiteral, joinSql, sql } from '../filter/sql';
import { toConnection, type ConnectionShape } from '../graphql/connection.type';

/** A change of the log, as the feed returns it. */
export interface MembershipChangeRow {
  id: number;
  customerId: number;
  kind: MembershipChangeKind;
  at: Date;
}

/** The feed pages by change id: ids only grow, so a page boundary stays put while changes arrive. */
const CHANGE_CURSOR: CursorFormat = { ordering: 'segment-changes:ID:ASC', values: [] };

export async function segmentChanges(
  em: EntityManager,
  segment: Segment,
  args: {
    first: number;
    after?: string | null;
    since?: Date | null;
    until?: Date | null;
    kind?: MembershipChangeKind | null;
  },
): Promise<ConnectionShape<MembershipChangeRow>> {
  if (args.since && args.until && args.until < args.since)
    throw badUserInput('until is before since', 'until');
  const knex = em.getKnex();
  // Walks the (segment_id, id) index; since/until/kind only keep some of the rows it meets.
  const where = (query: Knex.QueryBuilder) => {
    query.where('segment_id', segment.id);
    if (args.since) query.andWhere('at', '>=', args.since.getTime());
    if (args.until) query.andWhere('at', '<', args.until.getTime());
    if (args.kind) query.andWhere('kind', args.kind);
    return query;
  };
  const query = where(knex('segment_changes').select('id', 'customer_id', 'kind', 'at'));
  if (args.after != null) query.andWhere('id', '>', decodeCursor(CHANGE_CURSOR, args.after).id);
  const rows: Array<Record<string, unknown>> =
    args.first === 0 ? [] : await query.orderBy('id').limit(args.first + 1);
  const page = toPage(
    rows.map((row) => ({
      id: Number(row.id),
      customerId: Number(row.customer_id),
      kind: row.kind as MembershipChangeKind,
      at: new Date(Number(row.at)),
    })),
    args.first,
  );
  return toConnection(
    page,
    CHANGE_CURSOR,
    (change) => ({ values: [], id: change.id }),
    args.after != null,
    async () => {
      const [row] = await where(knex('segment_changes')).count({ n: '*' });
      return Number(row.n);
    },
  );
}

export const SizeInterval = { DAY: 'DAY', WEEK: 'WEEK', MONTH: 'MONTH' } as const;
export type SizeInterval = (typeof SizeInterval)[keyof typeof SizeInterval];

/** At most this many points in one size series: a year of days fits, with room. */
export const MAX_SIZE_POINTS = 400;

/** The instants of a series: `from`, then every interval after it, up to `to` included. Months are calendar months (UTC), the day clamped to the month's length. */
export function seriesInstants(from: Date, to: Date, interval: SizeInterval): Date[] {
  if (to < from) throw badUserInput('to is before from', 'to');
  const instants: Date[] = [];
  for (let k = 0; ; k += 1) {
    const at = stepFrom(from, interval, k);
    if (at > to) break;
    if (instants.length === MAX_SIZE_POINTS)
      throw badUserInput(
        `from ${from.toISOString()} to ${to.toISOString()} by ${interval} is more than ${MAX_SIZE_POINTS} points: ask for a shorter range or a longer interval`,
        'to',
      );
    instants.push(at);
  }
  return instants;
}

function stepFrom(from: Date, interval: SizeInterval, k: number): Date {
  if (interval === 'DAY') return new Date(from.getTime() + k * 86_400_000);
  if (interval === 'WEEK') return new Date(from.getTime() + k * 7 * 86_400_000);
  const month = from.getUTCMonth() + k;
  const year = from.getUTCFullYear() + Math.floor(month / 12);
  const inYear = ((month % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, inYear + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      inYear,
      Math.min(from.getUTCDate(), lastDay),
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds(),
    ),
  );
}

export interface SizePoint {
  at: Date;
  /** Null before the segment's tracking started (its intervals know nothing then). */
  size: number | null;
}

/**
 * The segment's size at each instant of the series, from its intervals: a
 * customer counts at t when entered_at ≤ t and (exited_at null or > t). One
 * grouped statement: each interval's entry counts +1 in the bucket (previous
 * point, point] it falls in and its exit −1 in its own, both found through the
 * (segment_id, entered_at…) and (segment_id, exited_at…) indexes, so the work
 * follows the intervals up to `to`, not points × intervals; the running sum of
 * the buckets is the size at each point.
 */
export async function sizeHistory(
  em: EntityManager,
  segment: Segment,
  from: Date,
  to: Date,
  interval: SizeInterval,
): Promise<SizePoint[]> {
  const instants = seriesInstants(from, to, interval);
  const since = segment.membershipTrackedSince?.getTime() ?? null;
  if (since === null) return instants.map((at) => ({ at, size: null }));
  // Buckets as literals (instants the code computed): PostgreSQL types VALUES from them.
  const buckets = joinSql(
    ', ',
    instants.map(
      (at, k) =>
        sql`(${integerLiteral(k)}, ${integerLiteral(k === 0 ? since - 1 : instants[k - 1].getTime())}, ${integerLiteral(at.getTime())})`,
    ),
  );
  const id = integerLiteral(segment.id);
  const statement = sql`with buckets as (select column1 as k, column2 as lo, column3 as hi from (values ${buckets}) v)
    select moves.k as k, sum(moves.delta) as delta from (
      select b.k as k, 1 as delta from buckets b join segment_memberships m
        on m.segment_id = ${id} and m.entered_at > b.lo and m.entered_at <= b.hi
      union all
      select b.k as k, -1 as delta from buckets b join segment_memberships m
        on m.segment_id = ${id} and m.exited_at > b.lo and m.exited_at <= b.hi
    ) moves group by moves.k`;
  const rows = (await em.getKnex().raw(statement.text, statement.bindings)) as unknown;
  const deltas = new Map<number, number>();
  for (const row of rowsOf(rows) as Row[]) deltas.set(Number(row.k), Number(row.delta));
  let size = 0;
  return instants.map((at, k) => {
    size += deltas.get(k) ?? 0;
    return { at, size: at.getTime() < since ? null : size };
  });
}

/** One stay of a customer in a segment. */
export interface MembershipInterval {
  segmentId: number;
  customerId: number;
  enteredAt: Date;
  exitedAt: Date | null;
  baseline: boolean;
}

/** The intervals of each customer, newest first: one statement for a page of customers. */
export async function intervalsOfCustomers(
  knex: Knex,
  customerIds: readonly number[],
): Promise<MembershipInterval[][]> {
  const rows: Array<Record<string, unknown>> = await knex('segment_memberships')
    .whereIn('customer_id', [...customerIds])
    .orderBy([
      { column: 'customer_id' },
      { column: 'entered_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  const byCustomer = new Map<number, MembershipInterval[]>(customerIds.map((id) => [id, []]));
  for (const row of rows)
    byCustomer.get(Number(row.customer_id))?.push({
      segmentId: Number(row.segment_id),
      customerId: Number(row.customer_id),
      enteredAt: new Date(Number(row.entered_at)),
      exitedAt: row.exited_at == null ? null : new Date(Number(row.exited_at)),
      baseline: Boolean(row.baseline),
    });
  return customerIds.map((id) => byCustomer.get(id)!);
}
