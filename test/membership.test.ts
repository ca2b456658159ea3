import type { EntityManager } from '@mikro-orm/knex';
import { Segment } from '../src/entities';
import { evaluate } from '../src/filter/evaluate';
import { loadCustomerFacts } from '../src/filter/facts-loader';
import type { SegmentFilter } from '../src/filter/types';
import { recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import type { RecordedChanges } from '../src/membership/change-listeners';
import { MembershipTracker } from '../src/membership/tracker';
import { refreshMetrics } from '../src/value/metrics.service';
import { startTestServer, type TestServer } from './support/server';

/**
 * Tracked segments against an independent oracle: at every step (ingestion
 * batches, metrics refreshes, days passing) the expected members are those the
 * reference evaluator (src/filter/evaluate.ts, in memory, not the compiled SQL
 * and not the tracker) selects as of that step, and the changes the tracker
 * writes must be exactly the difference between consecutive steps.
 */
let server: TestServer;
const statements: string[] = [];
beforeAll(async () => {
  server = await startTestServer({ onQuery: (text) => statements.push(text) });
});
afterAll(async () => server.stop());

const DAY = 86_400_000;
const day = (n: number) => new Date(Date.UTC(2026, 2, 1) + n * DAY);

/** Recent French buyers, or anyone with three orders or more (a value criterion: it moves with refreshes). */
const FILTER = {
  or: [
    {
      identity: { country: { eq: 'FR' } },
      behaviour: { purchase: { within: { lastDays: 10 } } },
    },
    { value: { orderCount: { gte: 3 } } },
  ],
} as unknown as SegmentFilter;

async function saveTracked(em: EntityManager, name: string, filter: object): Promise<Segment> {
  const knex = em.getKnex();
  const [row] = await knex('segments')
    .insert({
      name,
      filter: JSON.stringify(filter),
      definition: name,
      version: 1,
      track_membership: true,
      created_at: day(0).getTime(),
      updated_at: day(0).getTime(),
    })
    .returning('id');
  const id = Number(typeof row === 'object' ? row.id : row);
  return (await em.fork().findOne(Segment, { id }))!;
}

/** Ids the reference evaluator selects as of `asOf`, from the customers' loaded facts. */
async function expectedMembers(em: EntityManager, filter: SegmentFilter, asOf: Date): Promise<Set<number>> {
  const facts = await loadCustomerFacts(em.getKnex());
  const none = () => {
    throw new Error('the filter names no saved object');
  };
  const context = { asOf, segmentFilter: none, scoringRules: none, personaOrder: none };
  return new Set(facts.filter((customer) => evaluate(customer, filter, context)).map((c) => c.id));
}

async function changesAfter(em: EntityManager, segmentId: number, afterId: number) {
  const rows: Array<Record<string, unknown>> = await em
    .getKnex()('segment_changes')
    .where('segment_id', segmentId)
    .andWhere('id', '>', afterId)
    .orderBy('id');
  return rows.map((row) => ({
    id: Number(row.id),
    customer: Number(row.customer_id),
    kind: String(row.kind),
    at: Number(row.at),
  }));
}

const minus = (a: Set<number>, b: Set<number>) => [...a].filter((id) => !b.has(id)).sort((x, y) => x - y);

test('a sequence of batches, refreshes and days writes exactly the changes of the reference evaluation at each step', async () => {
  const em = server.db.fork();
  const knex = em.getKnex();
  const recorded: RecordedChanges[] = [];
  const tracker = new MembershipTracker([async (_trx, changes) => void recorded.push(changes)]);
  const customer = (n: number, country: string) => ({ externalId: `m${n}`, country });
  const order = (n: number, k: number, at: Date) => ({
    externalId: `m${n}-o${k}`,
    customerExternalId: `m${n}`,
    orderedAt: at,
    amount: 20,
  });
  await upsertCustomers(
    knex,
    [1, 2, 3, 4, 5, 6].map((n) => customer(n, n % 2 ? 'FR' : 'DE')),
  );
  await recordOrders(knex, [order(1, 1, day(0)), order(3, 1, day(-20)), order(2, 1, day(0))], 'EUR');
  await refreshMetrics(knex, day(0));
  const segment = await saveTracked(em, 'tracked', FILTER);

  // Each step: what happens, then the evaluation at its day.
  const steps: Array<{ at: Date; before?: () => Promise<unknown> }> = [
    { at: day(0) },
    { at: day(1), before: () => recordOrders(knex, [order(5, 1, day(1))], 'EUR') },
    // Customer 2 (DE) reaches three orders, but only a refresh makes it count.
    {
      at: day(2),
      before: () => recordOrders(knex, [order(2, 2, day(2)), order(2, 3, day(2))], 'EUR'),
    },
    { at: day(3), before: () => refreshMetrics(knex, day(3)) },
    // Days pass: customer 1's order of day 0 leaves the 10-day window on day 11, customer 5's on day 12.
    { at: day(11) },
    {
      at: day(12),
      before: async () => {
        await upsertCustomers(knex, [customer(7, 'FR'), customer(8, 'FR')]);
        await recordOrders(knex, [order(7, 1, day(12)), order(1, 2, day(12))], 'EUR');
      },
    },
    { at: day(13) },
    // Customer 1 moves away from France: it leaves although its order is recent.
    { at: day(14), before: () => upsertCustomers(knex, [customer(1, 'DE')]) },
    { at: day(30), before: () => refreshMetrics(knex, day(30)) },
  ];

  let previous = new Set<number>();
  let lastId = 0;
  const sizes: Array<{ at: Date; size: number }> = [];
  for (const [i, step] of steps.entries()) {
    await step.before?.();
    const [result] = await tracker.evaluateAll(em.fork(), step.at);
    const members = await expectedMembers(em, FILTER, step.at);
    const written = await changesAfter(em, segment.id, lastId);
    if (i === 0) {
      // The first evaluation opens the baseline: no ENTERED change for the members already there.
      expect(result.baseline).toBe(true);
      expect(written).toEqual([]);
    } else {
      expect(written.filter((c) => c.kind === 'ENTERED').map((c) => c.customer)).toEqual(
        minus(members, previous),
      );
      expect(written.filter((c) => c.kind === 'EXITED').map((c) => c.customer)).toEqual(
        minus(previous, members),
      );
      expect(written.every((c) => c.at === step.at.getTime())).toBe(true);
    }
    // The open intervals are the members.
    const open: Array<{ customer_id: number | string }> = await knex('segment_memberships')
      .where({ segment_id: segment.id })
      .whereNull('exited_at')
      .select('customer_id');
    expect(open.map((row) => Number(row.customer_id)).sort((a, b) => a - b)).toEqual(
      [...members].sort((a, b) => a - b),
    );
    if (written.length) {
      lastId = written[written.length - 1].id;
      expect(recorded.at(-1)).toEqual({
        segmentId: segment.id,
        firstChangeId: written[0].id,
        lastChangeId: lastId,
      });
    }
    previous = members;
    sizes.push({ at: step.at, size: members.size });
  }
  // The sequence exercised both kinds, and the days passing alone made some leave.
  const all = await changesAfter(em, segment.id, 0);
  expect(all.some((c) => c.kind === 'ENTERED')).toBe(true);
  expect(all.filter((c) => c.kind === 'EXITED' && c.at === day(11).getTime()).length).toBeGreaterThan(0);
  expect(recorded.length).toBe(new Set(all.map((c) => c.at)).size);

  // The size series read from the intervals (Segment.sizeHistory) equals the size at every evaluated day.
  const history = await server.post(
    `query($id: ID!, $from: DateTime!, $to: DateTime!) {
      segment(id: $id) { sizeHistory(from: $from, to: $to, interval: DAY) { at size } }
    }`,
    { id: String(segment.id), from: day(0).toISOString(), to: day(30).toISOString() },
  );
  expect(history.body.errors).toBeUndefined();
  const points = new Map<string, number | null>(
    history.body.data.segment.sizeHistory.map((point: { at: string; size: number | null }) => [
      point.at,
      point.size,
    ]),
  );
  expect(points.size).toBe(31);
  for (const { at, size } of sizes)
    expect([at.toISOString(), points.get(at.toISOString())]).toEqual([at.toISOString(), size]);
});

test('an evaluation costs the same statements for a segment of 3 members as for one of 60, entering or leaving', async () => {
  const em = server.db.fork();
  const knex = em.getKnex();
  await upsertCustomers(
    knex,
    Array.from({ length: 60 }, (_, i) => ({
      externalId: `s${i}`,
      city: 'Lyon',
      industry: i < 3 ? 'A' : 'B',
    })),
  );
  const small = await saveTracked(em, 'small', { identity: { city: { eq: 'Lyon' }, industry: { eq: 'A' } } });
  const large = await saveTracked(em, 'large', { identity: { city: { eq: 'Lyon' } } });
  const tracker = new MembershipTracker();
  const count = async (segment: Segment, at: Date) => {
    statements.length = 0;
    const result = await tracker.evaluate(
      em.fork(),
      (await em.fork().findOne(Segment, { id: segment.id }))!,
      at,
    );
    return { result, count: statements.filter((s) => /\b(select|insert|update|delete)\b/i.test(s)).length };
  };
  const baseline = [await count(small, day(40)), await count(large, day(40))];
  expect(baseline.map((b) => b.result.baseline)).toEqual([true, true]);
  expect(baseline[0].count).toBe(baseline[1].count);
  // Everyone leaves Lyon: 3 and 60 EXITED.
  await upsertCustomers(
    knex,
    Array.from({ length: 60 }, (_, i) => ({
      externalId: `s${i}`,
      city: 'Nice',
      industry: i < 3 ? 'A' : 'B',
    })),
  );
  const exits = [await count(small, day(41)), await count(large, day(41))];
  expect(exits.map((e) => e.result.exited)).toEqual([3, 60]);
  expect(exits[0].count).toBe(exits[1].count);
  // And they come back: 3 and 60 ENTERED.
  await upsertCustomers(
    knex,
    Array.from({ length: 60 }, (_, i) => ({
      externalId: `s${i}`,
      city: 'Lyon',
      industry: i < 3 ? 'A' : 'B',
    })),
  );
  const entries = [await count(small, day(42)), await count(large, day(42))];
  expect(entries.map((e) => e.result.entered)).toEqual([3, 60]);
  expect(entries[0].count).toBe(entries[1].count);
  console.log(
    `statements per evaluation: baseline ${baseline[0].count}, exits ${exits[0].count}, entries ${entries[0].count}`,
  );
});

test('a listener that fails rolls the evaluation back: neither changes nor intervals move', async () => {
  const em = server.db.fork();
  const knex = em.getKnex();
  await upsertCustomers(knex, [{ externalId: 'r1', city: 'Brest' }]);
  const segment = await saveTracked(em, 'rollback', { identity: { city: { eq: 'Brest' } } });
  await new MembershipTracker().evaluate(em.fork(), segment, day(50));
  await upsertCustomers(knex, [{ externalId: 'r2', city: 'Brest' }]);
  const failing = new MembershipTracker([
    async () => {
      throw new Error('outbox unavailable');
    },
  ]);
  const fresh = async () => (await em.fork().findOne(Segment, { id: segment.id }))!;
  await expect(failing.evaluate(em.fork(), await fresh(), day(51))).rejects.toThrow('outbox unavailable');
  expect(await changesAfter(em, segment.id, 0)).toEqual([]);
  expect(Number((await fresh()).membershipEvaluatedAt?.getTime())).toBe(day(50).getTime());
  // The next evaluation records the entry.
  const retried = await new MembershipTracker().evaluate(em.fork(), await fresh(), day(52));
  expect(retried.entered).toBe(1);
  // An evaluation at an earlier instant than the last recorded is skipped.
  const late = await new MembershipTracker().evaluate(em.fork(), await fresh(), day(51));
  expect(late.skipped).toBe('later evaluation recorded');
});
