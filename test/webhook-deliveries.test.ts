import type { WebhookSettings } from '../src/common/config';
import { MembershipTracker } from '../src/membership/tracker';
import { Segment } from '../src/entities';
import { MAX_CHANGES_PER_DELIVERY } from '../src/webhooks/deliveries';
import { queueWebhookDeliveries } from '../src/webhooks/outbox';
import { WebhookWorker } from '../src/webhooks/worker';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestServer, type TestServer } from './support/server';

/**
 * From the tracker to the receiver: the changes a tracked segment records are
 * queued in the tracker's transaction and delivered, every one, to a loopback
 * receiver that checks each signature, including the changes recorded while
 * the receiver answered 500 or was not listening at all.
 */
let server: TestServer;
let now: number;
const logger = { error: () => undefined, warn: () => undefined, info: () => undefined };
const tracker = new MembershipTracker([queueWebhookDeliveries]);

const SETTINGS: WebhookSettings = {
  pollMs: null,
  timeoutMs: 5000,
  retryBaseMs: 1000,
  allowPrivateAddresses: true,
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.stop());

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const { body } = await server.post(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function upsert(customers: Array<{ externalId: string; country: string }>) {
  for (let at = 0; at < customers.length; at += 5000)
    await gql('mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }', {
      c: customers.slice(at, at + 5000),
    });
}

async function trackedSegment(): Promise<Segment> {
  const { createSegment } = await gql(
    'mutation { createSegment(input: { name: "In France", filter: { identity: { country: { in: ["FR"] } } } }) { id } }',
  );
  await server.db
    .fork()
    .getKnex()('segments')
    .where('id', Number(createSegment.id))
    .update({ track_membership: true });
  return (await server.db.fork().findOne(Segment, { id: Number(createSegment.id) }))!;
}

async function evaluate(segment: Segment) {
  now += 60_000;
  const em = server.db.fork();
  return tracker.evaluate(em, (await em.findOne(Segment, { id: segment.id }))!, new Date(now));
}

/** What is still to be delivered to the webhooks: queued changes and batches not acknowledged. */
async function undelivered(): Promise<number> {
  const knex = server.db.fork().getKnex();
  const [{ n: queued }] = await knex('webhook_outbox').count({ n: '*' });
  const [{ n: pending }] = await knex('webhook_deliveries')
    .whereNull('delivered_at')
    .where('type', 'changes')
    .count({ n: '*' });
  return Number(queued) + Number(pending);
}

/** Runs the worker, moving the clock past each backoff, until nothing is left (or the receiver is down). */
async function drain(worker: WebhookWorker, rounds = 50) {
  for (let round = 0; round < rounds && (await undelivered()) > 0; round++) {
    await worker.runOnce();
    now += 3600_000;
  }
}

test('every change of a tracked segment reaches the webhooks following it, signed, after the receiver was down', async () => {
  now = Date.now();
  const receiver: TestReceiver = await startReceiver();
  receiver.clock = () => now;
  const segment = await trackedSegment();
  const both = await gql(
    'mutation ($url: String!, $s: [ID!]!) { createWebhook(url: $url, segments: $s) { secret webhook { id } } }',
    { url: receiver.url, s: [String(segment.id)] },
  );
  const exitsOnly = await gql(
    'mutation ($url: String!, $s: [ID!]!) { createWebhook(url: $url, segments: $s, kinds: [EXITED]) { secret webhook { id } } }',
    { url: `${receiver.url}?exits`, s: [String(segment.id)] },
  );
  // One secret per webhook: the receiver checks with the one of the webhook the delivery names.
  receiver.secrets.set(both.createWebhook.webhook.id, both.createWebhook.secret);
  receiver.secrets.set(exitsOnly.createWebhook.webhook.id, exitsOnly.createWebhook.secret);
  const worker = new WebhookWorker(server.db, SETTINGS, logger, { clock: () => now, random: Math.random });

  await upsert(
    Array.from({ length: 300 }, (_, i) => ({ externalId: `c${i}`, country: i % 2 ? 'FR' : 'DE' })),
  );
  expect((await evaluate(segment)).baseline).toBe(true);

  // 2,300 enter (more than two deliveries' worth), 50 leave.
  await upsert([
    ...Array.from({ length: 2000 }, (_, i) => ({ externalId: `n${i}`, country: 'FR' })),
    ...Array.from({ length: 300 }, (_, i) => ({
      externalId: `c${i}`,
      country: i < 100 ? 'FR' : i % 2 ? 'FR' : 'DE',
    })),
    ...Array.from({ length: 50 }, (_, i) => ({ externalId: `c${2 * i + 1}`, country: 'IT' })),
  ]);
  await evaluate(segment);
  // The receiver fails, then is not even listening, while more changes are recorded.
  receiver.mode = 'fail';
  await worker.runOnce();
  now += 3600_000;
  await upsert(Array.from({ length: 40 }, (_, i) => ({ externalId: `n${i}`, country: 'ES' })));
  await evaluate(segment);
  await worker.runOnce();
  const port = receiver.port;
  const failedBeforeClose = receiver.received.length;
  await receiver.close();
  now += 3600_000;
  await worker.runOnce();
  await upsert(Array.from({ length: 10 }, (_, i) => ({ externalId: `late${i}`, country: 'FR' })));
  await evaluate(segment);
  now += 3600_000;
  await worker.runOnce();
  expect(await undelivered()).toBeGreaterThan(0);

  // Back on the same port.
  const back = await startReceiver(port, receiver.secrets);
  back.clock = () => now;
  await drain(worker);
  await back.close();
  expect(await undelivered()).toBe(0);

  const received = [...receiver.received, ...back.received];
  expect(failedBeforeClose).toBeGreaterThan(0);
  expect(back.received.length).toBeGreaterThan(0);
  const knex = server.db.fork().getKnex();
  const changes: Array<{ id: number; customer_id: number; kind: string; at: number }> = await knex(
    'segment_changes',
  )
    .where('segment_id', segment.id)
    .orderBy('id')
    .select('id', 'customer_id', 'kind', 'at');
  expect(changes.filter((c) => c.kind === 'ENTERED').length).toBeGreaterThan(2 * MAX_CHANGES_PER_DELIVERY);
  expect(changes.filter((c) => c.kind === 'EXITED').length).toBeGreaterThanOrEqual(90);

  const webhookOf = await knex('webhook_deliveries').select('delivery_id', 'webhook_id');
  const deliveredTo = new Map(
    webhookOf.map((row: { delivery_id: string; webhook_id: number }) => [
      row.delivery_id,
      String(row.webhook_id),
    ]),
  );
  for (const [id, kinds] of [
    [both.createWebhook.webhook.id, ['ENTERED', 'EXITED']],
    [exitsOnly.createWebhook.webhook.id, ['EXITED']],
  ] as const) {
    const taken = received.filter((r) => deliveredTo.get(r.deliveryId) === id && r.answered === 204);
    expect(taken.every((r) => r.changes.length <= MAX_CHANGES_PER_DELIVERY)).toBe(true);
    const got = taken.flatMap((r) =>
      r.changes.map((c) => `${c.id}:${c.customerId}:${c.kind}:${Date.parse(c.at)}`),
    );
    const expected = changes
      .filter((c) => (kinds as readonly string[]).includes(c.kind))
      .map((c) => `${c.id}:${c.customer_id}:${c.kind}:${Number(c.at)}`);
    // Each change once, in the order of the change log.
    expect(got).toEqual(expected);
  }
  // The receiver checked every request's signature with the secret of the webhook it came from.
  expect(received.filter((r) => !r.signatureValid)).toEqual([]);
}, 120_000);
