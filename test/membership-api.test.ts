import { createApiKey } from '../src/auth/api-keys.service';
import { loadSettings } from '../src/common/config';
import { Scope } from '../src/common/scopes';
import { MembershipTracker } from '../src/membership/tracker';
import { startTestServer, type TestServer } from './support/server';

/**
 * Tracked segments through the API: trackMembership on create and update, the change
 * feed (pages that hold still while changes arrive, filters), a customer's history,
 * the size series' bound, and the read scope and masking rules of the rest of the API.
 */
let server: TestServer;
let writer: string;
let reader: string;
let writeOnly: string;
const tracker = new MembershipTracker();
const DAY = 86_400_000;
const day = (n: number) => new Date(Date.UTC(2026, 5, 1) + n * DAY);

async function call(key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}

async function upsert(customers: object[]) {
  const result = await call(
    writer,
    'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }',
    { c: customers },
  );
  expect(result.errors).toBeUndefined();
}

/** Evaluates every tracked segment at `at`, as the scheduler does. */
const evaluateAt = (at: Date) => tracker.evaluateAll(server.db.fork(), at);

const CHANGES = `query ($id: ID!, $first: Int, $after: String, $kind: MembershipChangeKind, $since: DateTime, $until: DateTime) {
  segment(id: $id) { changes(first: $first, after: $after, kind: $kind, since: $since, until: $until) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { kind at customer { externalId email } } }
  } }
}`;

let segmentId: string;

beforeAll(async () => {
  server = await startTestServer({}, { auth: 'keys' });
  const knex = server.db.fork().getKnex();
  writer = (await createApiKey(knex, 'writer', [Scope.WRITE, Scope.INGEST])).key;
  reader = (await createApiKey(knex, 'reader', [Scope.READ])).key;
  writeOnly = (await createApiKey(knex, 'write only', [Scope.WRITE])).key;
  await upsert([
    { externalId: 'a1', country: 'IT', email: 'anna.rossi@example.org' },
    { externalId: 'a2', country: 'IT' },
    { externalId: 'a3', country: 'ES' },
  ]);
  const created = await call(
    writer,
    'mutation ($i: SegmentInput!) { createSegment(input: $i) { id trackMembership membershipTrackedSince } }',
    { i: { name: 'Italians', filter: { identity: { country: { eq: 'IT' } } }, trackMembership: true } },
  );
  expect(created.errors).toBeUndefined();
  expect(created.data.createSegment).toMatchObject({ trackMembership: true, membershipTrackedSince: null });
  segmentId = created.data.createSegment.id;
});
afterAll(async () => server.stop());

test('the feed pages on the change id: a page boundary holds while changes arrive, and kind and since filter', async () => {
  await evaluateAt(day(0));
  // The baseline wrote nothing, and the size series starts there.
  expect((await call(reader, CHANGES, { id: segmentId })).data.segment.changes.totalCount).toBe(0);
  await upsert([
    { externalId: 'a3', country: 'IT' },
    { externalId: 'a4', country: 'IT' },
    { externalId: 'a2', country: 'FR' },
  ]);
  await evaluateAt(day(1));
  const first = (await call(reader, CHANGES, { id: segmentId, first: 2 })).data.segment.changes;
  expect(first.edges.map((e: any) => [e.node.kind, e.node.customer.externalId])).toEqual([
    ['EXITED', 'a2'],
    ['ENTERED', 'a3'],
  ]);
  expect(first.pageInfo.hasNextPage).toBe(true);
  // New changes arrive between two pages: the next page goes on where the first stopped.
  await upsert([{ externalId: 'a5', country: 'IT' }]);
  await evaluateAt(day(2));
  const second = (await call(reader, CHANGES, { id: segmentId, first: 10, after: first.pageInfo.endCursor }))
    .data.segment.changes;
  expect(second.edges.map((e: any) => [e.node.kind, e.node.customer.externalId, e.node.at])).toEqual([
    ['ENTERED', 'a4', day(1).toISOString()],
    ['ENTERED', 'a5', day(2).toISOString()],
  ]);
  expect(second.pageInfo.hasNextPage).toBe(false);
  const exits = (await call(reader, CHANGES, { id: segmentId, kind: 'EXITED' })).data.segment.changes;
  expect(exits.edges.map((e: any) => e.node.customer.externalId)).toEqual(['a2']);
  const recent = (await call(reader, CHANGES, { id: segmentId, since: day(2).toISOString() })).data.segment
    .changes;
  expect(recent.edges.map((e: any) => e.node.customer.externalId)).toEqual(['a5']);
  expect(recent.totalCount).toBe(1);
  const older = (await call(reader, CHANGES, { id: segmentId, until: day(2).toISOString() })).data.segment
    .changes;
  expect(older.totalCount).toBe(3);
});

test('personal data of the customers in the feed is masked without pii, as in customer()', async () => {
  const answer = await call(reader, CHANGES, { id: segmentId, since: day(0).toISOString() });
  const direct = await call(reader, '{ customer(externalId: "a1") { email } }');
  expect(direct.data.customer.email).not.toBe('anna.rossi@example.org');
  // a1 left Italy: its exit appears once it is evaluated.
  await upsert([{ externalId: 'a1', country: 'DE' }]);
  await evaluateAt(day(3));
  const after = await call(reader, CHANGES, { id: segmentId, kind: 'EXITED', since: day(3).toISOString() });
  expect(answer.errors).toBeUndefined();
  expect(after.data.segment.changes.edges.map((e: any) => e.node.customer)).toEqual([
    { externalId: 'a1', email: direct.data.customer.email },
  ]);
});

test("a customer's history lists its stays, newest first, the baseline marked", async () => {
  const answer = await call(
    reader,
    '{ customer(externalId: "a1") { segmentHistory { segment { id name } enteredAt exitedAt baseline } } }',
  );
  expect(answer.errors).toBeUndefined();
  expect(answer.data.customer.segmentHistory).toEqual([
    {
      segment: { id: segmentId, name: 'Italians' },
      enteredAt: day(0).toISOString(),
      exitedAt: day(3).toISOString(),
      baseline: true,
    },
  ]);
  const a4 = await call(
    reader,
    '{ customer(externalId: "a4") { segmentHistory { enteredAt exitedAt baseline } } }',
  );
  expect(a4.data.customer.segmentHistory).toEqual([
    { enteredAt: day(1).toISOString(), exitedAt: null, baseline: false },
  ]);
});

test('sizeHistory is null before tracking started, and refuses more than 400 points at `to`', async () => {
  const series = await call(
    reader,
    'query ($id: ID!, $from: DateTime!, $to: DateTime!) { segment(id: $id) { sizeHistory(from: $from, to: $to) { at size } } }',
    { id: segmentId, from: day(-1).toISOString(), to: day(3).toISOString() },
  );
  expect(series.data.segment.sizeHistory.map((p: any) => p.size)).toEqual([null, 2, 3, 4, 3]);
  const tooMany = await call(
    reader,
    'query ($id: ID!, $from: DateTime!, $to: DateTime!) { segment(id: $id) { sizeHistory(from: $from, to: $to, interval: DAY) { at } } }',
    { id: segmentId, from: day(0).toISOString(), to: day(400).toISOString() },
  );
  expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', path: 'to' } });
  expect(tooMany.errors?.[0].message).toMatch(/more than 400 points/);
});

test('the history needs the read scope', async () => {
  for (const field of [
    'changes { totalCount }',
    'sizeHistory(from: "2026-06-01T00:00:00Z", to: "2026-06-02T00:00:00Z") { size }',
  ]) {
    const answer = await call(
      writeOnly,
      `mutation ($id: ID!, $i: SegmentInput!) { updateSegment(id: $id, input: $i) { id ${field} } }`,
      { id: segmentId, i: { name: 'Italians', filter: { identity: { country: { eq: 'IT' } } } } },
    );
    expect(answer.errors?.[0].extensions.code).toBe('FORBIDDEN');
  }
});

test('an update leaves tracking as it is unless told; false pauses the record, true resumes it', async () => {
  const update = (trackMembership?: boolean) =>
    call(
      writer,
      'mutation ($id: ID!, $i: SegmentInput!) { updateSegment(id: $id, input: $i) { trackMembership } }',
      {
        id: segmentId,
        i: { name: 'Italians', filter: { identity: { country: { eq: 'IT' } } }, trackMembership },
      },
    );
  expect((await update()).data.updateSegment.trackMembership).toBe(true);
  expect((await update(false)).data.updateSegment.trackMembership).toBe(false);
  await upsert([{ externalId: 'a6', country: 'IT' }]);
  expect(await evaluateAt(day(4))).toEqual([]);
  expect((await call(reader, CHANGES, { id: segmentId })).data.segment.changes.totalCount).toBe(5);
  expect((await update(true)).data.updateSegment.trackMembership).toBe(true);
  const [resumed] = await evaluateAt(day(5));
  expect(resumed).toMatchObject({ baseline: false, entered: 1, exited: 0 });
});

test('ingestion evaluates tracked segments by itself after a quiet moment', async () => {
  const auto = await startTestServer({}, { membershipDelayMs: 50 });
  try {
    const created = await auto.post('mutation ($i: SegmentInput!) { createSegment(input: $i) { id } }', {
      i: { name: 'Danes', filter: { identity: { country: { eq: 'DK' } } }, trackMembership: true },
    });
    const id = created.body.data.createSegment.id;
    const since = async () =>
      (await auto.post('query ($id: ID!) { segment(id: $id) { membershipTrackedSince } }', { id })).body.data
        .segment.membershipTrackedSince;
    // Saving a tracked segment schedules its baseline.
    for (let attempt = 0; attempt < 100 && !(await since()); attempt++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await since()).not.toBeNull();
    await auto.post(
      'mutation { upsertCustomers(customers: [{ externalId: "dk-1", country: "DK" }]) { accepted } }',
    );
    let changes: any[] = [];
    for (let attempt = 0; attempt < 100 && changes.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      changes = (
        await auto.post(
          'query ($id: ID!) { segment(id: $id) { changes { edges { node { kind customer { externalId } } } } } }',
          { id },
        )
      ).body.data.segment.changes.edges;
    }
    expect(changes.map((edge) => edge.node)).toEqual([{ kind: 'ENTERED', customer: { externalId: 'dk-1' } }]);
  } finally {
    await auto.stop();
  }
});

test('the evaluation settings: defaults, off, and a clock faster than a second refused', () => {
  expect(loadSettings({})).toMatchObject({ membershipDelayMs: 10_000, membershipIntervalMs: 3_600_000 });
  expect(loadSettings({ MEMBERSHIP_DELAY_MS: 'off', MEMBERSHIP_INTERVAL_MS: 'off' })).toMatchObject({
    membershipDelayMs: null,
    membershipIntervalMs: null,
  });
  expect(loadSettings({ MEMBERSHIP_DELAY_MS: '0', MEMBERSHIP_INTERVAL_MS: '60000' })).toMatchObject({
    membershipDelayMs: 0,
    membershipIntervalMs: 60_000,
  });
  expect(() => loadSettings({ MEMBERSHIP_INTERVAL_MS: '10' })).toThrow(
    'MEMBERSHIP_INTERVAL_MS "10" must be a whole number of milliseconds of at least 1000 or off',
  );
  expect(() => loadSettings({ MEMBERSHIP_DELAY_MS: 'soon' })).toThrow(
    'MEMBERSHIP_DELAY_MS "soon" must be a whole number of milliseconds or off',
  );
});

test('a metrics refresh evaluates tracked segments again, for their value criteria', async () => {
  const auto = await startTestServer({}, { membershipDelayMs: 50 });
  const knex = auto.db.fork().getKnex();
  const wait = async (done: () => Promise<boolean>) => {
    for (let attempt = 0; attempt < 100 && !(await done()); attempt++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await done()).toBe(true);
  };
  const evaluatedAt = async () =>
    Number((await knex('segments').first('membership_evaluated_at'))?.membership_evaluated_at ?? 0);
  try {
    await auto.post('mutation { upsertCustomers(customers: [{ externalId: "v-1" }]) { accepted } }');
    const created = await auto.post('mutation ($i: SegmentInput!) { createSegment(input: $i) { id } }', {
      i: { name: 'Buyers', filter: { value: { orderCount: { gte: 1 } } }, trackMembership: true },
    });
    const id = created.body.data.createSegment.id;
    await wait(async () => (await evaluatedAt()) > 0);
    const ordered = Date.now();
    await auto.post(
      `mutation { recordOrders(orders: [{ externalId: "v-o1", customerExternalId: "v-1", orderedAt: "${new Date(ordered - 1000).toISOString()}", amount: 5 }]) { accepted } }`,
    );
    // The evaluation the order asked for sees no change: orderCount is read from the metrics, not refreshed yet.
    await wait(async () => (await evaluatedAt()) >= ordered);
    const changes = async () =>
      (await auto.post('query ($id: ID!) { segment(id: $id) { changes { totalCount } } }', { id })).body.data
        .segment.changes.totalCount;
    expect(await changes()).toBe(0);
    await auto.post('mutation { refreshMetrics { customers } }');
    await wait(async () => (await changes()) === 1);
  } finally {
    await auto.stop();
  }
});
