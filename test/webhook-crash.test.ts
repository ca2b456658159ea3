import { existsSync } from 'node:fs';
import { Segment } from '../src/entities';
import { MembershipTracker } from '../src/membership/tracker';
import { openDatabase, type Database } from '../src/orm/database';
import { queueWebhookDeliveries } from '../src/webhooks/outbox';
import { createTestTarget, ON_POSTGRES } from './support/database';
import { MAIN, killLeftoverServices, startService } from './support/process';
import { startReceiver, type TestReceiver } from './support/receiver';

/**
 * kill -9 of the service while it delivers: after a restart every change is
 * delivered at least once, and a change received twice came both times in the
 * same delivery (same id), so a receiver can drop the repeat. While the service
 * runs, its own tracker records the changes (a quiet moment after each batch)
 * and queues them in the same transaction; while it is down, a tracker in this
 * process records more on its database, queued the same way. On PostgreSQL,
 * the same with two instances: the one killed held the delivery in flight, and
 * the other, running all along, sends it again once its lease is over.
 */
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
});
afterEach(killLeftoverServices);

async function post(port: number, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function upsert(port: number, prefix: string, count: number, country: string) {
  await post(port, 'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }', {
    c: Array.from({ length: count }, (_, i) => ({ externalId: `${prefix}${i}`, country })),
  });
}

async function undelivered(db: Database): Promise<number> {
  const knex = db.fork().getKnex();
  const [{ n: queued }] = await knex('webhook_outbox').count({ n: '*' });
  const [{ n: pending }] = await knex('webhook_deliveries')
    .whereNull('delivered_at')
    .where('type', 'changes')
    .count({ n: '*' });
  return Number(queued) + Number(pending);
}

const SERVICE = {
  PORT: '0',
  DEMO_DATA: 'off',
  METRICS_REFRESH_DELAY_MS: 'off',
  MEMBERSHIP_DELAY_MS: '100',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_TIMEOUT_MS: '2000',
};

/** A tracked segment of the customers in France with a webhook to the receiver, its baseline recorded. */
async function trackedSegment(port: number, db: Database, receiver: TestReceiver): Promise<number> {
  const { createSegment } = await post(
    port,
    'mutation { createSegment(input: { name: "In France", trackMembership: true, filter: { identity: { country: { in: ["FR"] } } } }) { id } }',
  );
  const segmentId = Number(createSegment.id);
  const { createWebhook } = await post(
    port,
    'mutation ($url: String!, $s: [ID!]!) { createWebhook(url: $url, segments: $s) { secret } }',
    { url: receiver.url, s: [String(segmentId)] },
  );
  receiver.secret = createWebhook.secret;
  // The service's first evaluation of the segment (its baseline) is waited for before customers come.
  const knex = db.fork().getKnex();
  while (
    (await knex('segments').where('id', segmentId).first('membership_tracked_since'))
      .membership_tracked_since == null
  )
    await new Promise((resolve) => setTimeout(resolve, 50));
  return segmentId;
}

/**
 * Rounds of 400 entering customers, delivered as they come; then every
 * request is held unanswered and one more round sent: resolves with the id of
 * the delivery held in flight once the receiver has it.
 */
async function deliverThenHold(port: number, receiver: TestReceiver): Promise<string> {
  for (let round = 0; round < 3; round++) await upsert(port, `r${round}-`, 400, 'FR');
  await receiver.waitFor(1);
  receiver.mode = 'hang';
  const held = receiver.received.length + 1;
  await upsert(port, 'r3-', 400, 'FR');
  await receiver.waitFor(held);
  return receiver.received[held - 1].deliveryId;
}

async function untilAllDelivered(db: Database): Promise<void> {
  const started = Date.now();
  while ((await undelivered(db)) > 0) {
    if (Date.now() - started > 60_000) throw new Error(`still ${await undelivered(db)} undelivered`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every recorded change received at least once, a repeat always under one delivery id, the one in flight sent again. */
async function expectDeliveredAtLeastOnce(
  db: Database,
  segmentId: number,
  receiver: TestReceiver,
  inFlight: string,
  changeCount: number,
): Promise<void> {
  const changes: Array<{ id: number }> = await db
    .fork()
    .getKnex()('segment_changes')
    .where('segment_id', segmentId)
    .orderBy('id')
    .select('id');
  expect(changes.length).toBe(changeCount);
  const deliveriesOf = new Map<string, Set<string>>();
  for (const request of receiver.received)
    for (const change of request.changes) {
      if (!deliveriesOf.has(change.id)) deliveriesOf.set(change.id, new Set());
      deliveriesOf.get(change.id)!.add(request.deliveryId);
    }
  // Every change delivered at least once…
  expect(changes.filter((change) => !deliveriesOf.has(String(change.id)))).toEqual([]);
  // …and a change received more than once always under one delivery id.
  expect([...deliveriesOf].filter(([, ids]) => ids.size > 1)).toEqual([]);
  // The delivery cut short by the kill was sent again, under its id.
  expect(
    receiver.received.filter((request) => request.deliveryId === inFlight).length,
  ).toBeGreaterThanOrEqual(2);
  expect(receiver.received.filter((request) => !request.signatureValid)).toEqual([]);
}

test('kill -9 in the middle of deliveries loses no change; repeats carry the same delivery id', async () => {
  const target = await createTestTarget();
  const db = await openDatabase(target.target);
  let receiver: TestReceiver | undefined;
  try {
    receiver = await startReceiver();
    const env = { ...SERVICE, DATABASE_URL: target.url };
    const first = startService(env);
    const port = await first.ready;
    const segmentId = await trackedSegment(port, db, receiver);
    const inFlight = await deliverThenHold(port, receiver);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    receiver.release();
    receiver.mode = 'ok';

    // Changes recorded while the service is down wait in the outbox.
    const tracker = new MembershipTracker([queueWebhookDeliveries]);
    await db.fork().getKnex()('customers').where('external_id', 'like', 'r0-%').update({ country: 'DE' });
    const em = db.fork();
    await tracker.evaluate(em, (await em.findOne(Segment, { id: segmentId }))!, new Date());
    expect(await undelivered(db)).toBeGreaterThan(0);

    const second = startService(env);
    await second.ready;
    await untilAllDelivered(db);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    await expectDeliveredAtLeastOnce(db, segmentId, receiver, inFlight, 1600 + 400);
  } finally {
    await receiver?.close();
    await db.close();
    await target.remove();
  }
}, 180_000);

// Instances share a store on PostgreSQL only (a SQLite file belongs to one service).
if (ON_POSTGRES)
  test('two instances: kill -9 of the one delivering; the other sends the delivery again once its lease is over, and the rest', async () => {
    const target = await createTestTarget();
    const db = await openDatabase(target.target);
    let receiver: TestReceiver | undefined;
    try {
      receiver = await startReceiver();
      const env = { ...SERVICE, DATABASE_URL: target.url };
      const first = startService(env);
      const port = await first.ready;
      const segmentId = await trackedSegment(port, db, receiver);
      // The first instance alone holds the lease of the delivery in flight.
      const inFlight = await deliverThenHold(port, receiver);
      const other = startService(env);
      const otherPort = await other.ready;
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      receiver.release();
      receiver.mode = 'ok';

      // Meanwhile, changes through the surviving instance: its own tracker records them.
      await upsert(otherPort, 'r0-', 400, 'DE');
      await untilAllDelivered(db);
      other.child.kill('SIGTERM');
      expect((await other.exited).code).toBe(0);
      await expectDeliveredAtLeastOnce(db, segmentId, receiver, inFlight, 1600 + 400);
    } finally {
      await receiver?.close();
      await db.close();
      await target.remove();
    }
  }, 180_000);
