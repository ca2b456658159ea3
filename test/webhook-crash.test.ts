import { existsSync } from 'node:fs';
import { Segment } from '../src/entities';
import { MembershipTracker } from '../src/membership/tracker';
import { openDatabase, type Database } from '../src/orm/database';
import { queueWebhookDeliveries } from '../src/webhooks/outbox';
import { createTestTarget } from './support/database';
import { MAIN, killLeftoverServices, startService } from './support/process';
import { startReceiver, type TestReceiver } from './support/receiver';

/**
 * kill -9 of the service while it delivers: after a restart every change is
 * delivered at least once, and a change received twice came both times in the
 * same delivery (same id), so a receiver can drop the repeat. While the service
 * runs, its own tracker records the changes (a quiet moment after each batch)
 * and queues them in the same transaction; while it is down, a tracker in this
 * process records more on its database, queued the same way.
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

test('kill -9 in the middle of deliveries loses no change; repeats carry the same delivery id', async () => {
  const target = await createTestTarget();
  const db = await openDatabase(target.target);
  let receiver: TestReceiver | undefined;
  try {
    receiver = await startReceiver();
    const env = {
      DATABASE_URL: target.url,
      PORT: '0',
      DEMO_DATA: 'off',
      METRICS_REFRESH_DELAY_MS: 'off',
      MEMBERSHIP_DELAY_MS: '100',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_TIMEOUT_MS: '2000',
    };
    const first = startService(env);
    const port = await first.ready;
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
    const tracker = new MembershipTracker([queueWebhookDeliveries]);
    const evaluate = async () => {
      const em = db.fork();
      await tracker.evaluate(em, (await em.findOne(Segment, { id: segmentId }))!, new Date());
    };

    // Rounds of 400 entering customers, delivered as they come…
    for (let round = 0; round < 3; round++) {
      await upsert(port, `r${round}-`, 400, 'FR');
    }
    await receiver.waitFor(1);
    // …then every request from now on is held unanswered, and the service killed while one waits.
    receiver.mode = 'hang';
    const held = receiver.received.length + 1;
    await upsert(port, 'r3-', 400, 'FR');
    await receiver.waitFor(held);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const inFlight = receiver.received[held - 1].deliveryId;
    receiver.release();
    receiver.mode = 'ok';

    // Changes recorded while the service is down wait in the outbox.
    await db.fork().getKnex()('customers').where('external_id', 'like', 'r0-%').update({ country: 'DE' });
    await evaluate();
    expect(await undelivered(db)).toBeGreaterThan(0);

    const second = startService(env);
    await second.ready;
    const started = Date.now();
    while ((await undelivered(db)) > 0) {
      if (Date.now() - started > 60_000) throw new Error(`still ${await undelivered(db)} undelivered`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const changes: Array<{ id: number }> = await db
      .fork()
      .getKnex()('segment_changes')
      .where('segment_id', segmentId)
      .orderBy('id')
      .select('id');
    expect(changes.length).toBe(1600 + 400);
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
    // The delivery cut short by the kill was sent again, under its id, after the restart.
    expect(
      receiver.received.filter((request) => request.deliveryId === inFlight).length,
    ).toBeGreaterThanOrEqual(2);
    expect(receiver.received.filter((request) => !request.signatureValid)).toEqual([]);
  } finally {
    await receiver?.close();
    await db.close();
    await target.remove();
  }
}, 180_000);
