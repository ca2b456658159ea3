import { randomUUID } from 'node:crypto';
import { ConfigError, loadSettings, type WebhookSettings } from '../src/common/config';
import { isPrivateAddress } from '../src/webhooks/addresses';
import { MAX_CONSECUTIVE_FAILURES, retryDelayMs } from '../src/webhooks/deliveries';
import { WebhookWorker } from '../src/webhooks/worker';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestServer, type TestServer } from './support/server';

/**
 * Webhooks without the membership tracker: the registry over GraphQL, the
 * refusal of private addresses, and the worker against batches put in its
 * table directly, a loopback receiver checking every signature, and a clock
 * the test moves instead of waiting.
 */
let server: TestServer;
let receiver: TestReceiver;
let now: number;
const logged: unknown[][] = [];
const logger = {
  error: (...args: unknown[]) => logged.push(args),
  warn: () => undefined,
  info: () => undefined,
};

const SETTINGS: WebhookSettings = {
  pollMs: null,
  timeoutMs: 5000,
  retryBaseMs: 1000,
  allowPrivateAddresses: true,
};

function worker(settings: Partial<WebhookSettings> = {}): WebhookWorker {
  return new WebhookWorker(server.db, { ...SETTINGS, ...settings }, logger, {
    clock: () => now,
    random: () => 0,
  });
}

async function gql(query: string, variables: Record<string, unknown> = {}) {
  const { body } = await server.post(query, variables);
  return body;
}

let segmentId: string;

async function createWebhook(url: string): Promise<{ id: string; secret: string }> {
  const body = await gql(
    'mutation ($url: String!, $segments: [ID!]!) { createWebhook(url: $url, segments: $segments) { secret webhook { id } } }',
    { url, segments: [segmentId] },
  );
  expect(body.errors).toBeUndefined();
  return { id: body.data.createWebhook.webhook.id, secret: body.data.createWebhook.secret };
}

/** A batch as the worker makes them, put in its table directly: the tracker is not involved here. */
async function queueBatch(webhookId: string, changeIds: number[]): Promise<string> {
  const deliveryId = randomUUID();
  const changes = changeIds.map((id) => ({
    id: String(id),
    segmentId,
    customerId: String(id),
    customerExternalId: null,
    kind: 'ENTERED',
    at: new Date(now).toISOString(),
  }));
  await server.db
    .fork()
    .getKnex()('webhook_deliveries')
    .insert({
      delivery_id: deliveryId,
      webhook_id: Number(webhookId),
      type: 'changes',
      change_count: changes.length,
      body: JSON.stringify({
        deliveryId,
        type: 'changes',
        webhookId,
        createdAt: new Date(now).toISOString(),
        changes,
      }),
      created_at: now,
    });
  return deliveryId;
}

async function webhookState(id: string) {
  const body = await gql(
    `{ webhooks { id enabled consecutiveFailures nextAttemptAt
       deliveries(first: 50) { deliveryId type status httpStatus latencyMs changeCount error } } }`,
  );
  expect(body.errors).toBeUndefined();
  return body.data.webhooks.find((webhook: { id: string }) => webhook.id === id);
}

beforeAll(async () => {
  server = await startTestServer();
  receiver = await startReceiver();
  receiver.clock = () => now;
  const created = await gql(
    'mutation { createSegment(input: { name: "French", filter: { identity: { country: { in: ["FR"] } } } }) { id } }',
  );
  segmentId = created.data.createSegment.id;
});
afterAll(async () => {
  await receiver.close();
  await server.stop();
});
beforeEach(() => {
  now = Date.now();
  receiver.mode = 'ok';
  receiver.received.length = 0;
});

describe('the registry', () => {
  test('createWebhook shows the secret once; the webhook lists its segments and kinds, never the secret', async () => {
    const body = await gql(
      `mutation ($segments: [ID!]!) { createWebhook(url: "https://hooks.example.org/segments", segments: $segments, kinds: [EXITED]) {
         secret webhook { id url kinds enabled consecutiveFailures segments { id name } } } }`,
      { segments: [segmentId] },
    );
    expect(body.errors).toBeUndefined();
    const { secret, webhook } = body.data.createWebhook;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.org/segments',
      kinds: ['EXITED'],
      enabled: true,
      consecutiveFailures: 0,
      segments: [{ id: segmentId, name: 'French' }],
    });
    const listed = await server.post('{ webhooks { id url kinds } }');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const updated = await gql(
      `mutation { updateWebhook(id: "${webhook.id}", kinds: [ENTERED, EXITED]) { url kinds segments { id } } }`,
    );
    expect(updated.data.updateWebhook).toEqual({
      url: 'https://hooks.example.org/segments',
      kinds: ['ENTERED', 'EXITED'],
      segments: [{ id: segmentId }],
    });
    expect((await gql(`mutation { deleteWebhook(id: "${webhook.id}") }`)).data.deleteWebhook).toBe(true);
    const gone = await gql(`mutation { deleteWebhook(id: "${webhook.id}") }`);
    expect(gone.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  test.each([
    ['ftp://hooks.example.org/', 'url'],
    ['not a url', 'url'],
    ['https://user:secret@hooks.example.org/', 'url'],
  ])('%s is refused at %s', async (url, path) => {
    const body = await gql(
      'mutation ($url: String!, $segments: [ID!]!) { createWebhook(url: $url, segments: $segments) { secret } }',
      { url, segments: [segmentId] },
    );
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path });
  });

  test('unknown segments and empty lists are refused with their path', async () => {
    const unknown = await gql(
      'mutation ($segments: [ID!]!) { createWebhook(url: "https://hooks.example.org/", segments: $segments) { secret } }',
      { segments: [segmentId, '999999'] },
    );
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'segments.1' });
    const none = await gql(
      'mutation { createWebhook(url: "https://hooks.example.org/", segments: [], kinds: [ENTERED]) { secret } }',
    );
    expect(none.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'segments' });
    const noKind = await gql(
      `mutation { createWebhook(url: "https://hooks.example.org/", segments: ["${segmentId}"], kinds: []) { secret } }`,
    );
    expect(noKind.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'kinds' });
  });
});

describe('server-side request forgery', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.20.30.40', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['93.184.216.34', false],
    ['8.8.8.8', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:a00:1', true],
    ['::ffff:808:808', false],
    ['2606:4700::1111', false],
  ])('%s is private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  test('in production, a URL reaching loopback, private or link-local addresses is refused at creation', async () => {
    const production = await startTestServer({}, { webhooks: { ...SETTINGS, allowPrivateAddresses: false } });
    try {
      const segment = await production.post(
        'mutation { createSegment(input: { name: "S", filter: { identity: { country: { in: ["FR"] } } } }) { id } }',
      );
      const segments = [segment.body.data.createSegment.id];
      for (const url of [
        'http://127.0.0.1:8080/',
        'http://localhost/',
        'http://[::1]/',
        'http://[::ffff:127.0.0.1]/',
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.8/',
        'http://192.168.0.10/',
        'http://2130706433/',
      ]) {
        const answer = await production.post(
          'mutation ($url: String!, $segments: [ID!]!) { createWebhook(url: $url, segments: $segments) { secret } }',
          { url, segments },
        );
        expect({ url, error: answer.body.errors?.[0].extensions }).toEqual({
          url,
          error: expect.objectContaining({ code: 'BAD_USER_INPUT', path: 'url' }),
        });
      }
      const publicOne = await production.post(
        'mutation ($segments: [ID!]!) { createWebhook(url: "https://93.184.216.34/hook", segments: $segments) { webhook { url } } }',
        { segments },
      );
      expect(publicOne.body.errors).toBeUndefined();
    } finally {
      await production.stop();
    }
  });

  test('at delivery time the address connected to is checked again (a name that now resolves to loopback is refused)', async () => {
    // As if the name had pointed elsewhere when the webhook was saved and was re-pointed since (DNS rebinding):
    // the stored URLs are written directly, past the check at creation.
    const { id } = await createWebhook(receiver.url);
    const knex = server.db.fork().getKnex();
    for (const url of [receiver.url, `http://localhost:${receiver.port}/hook`]) {
      await knex('webhooks').where('id', Number(id)).update({ url, next_attempt_at: null });
      await queueBatch(id, [1]);
      await worker({ allowPrivateAddresses: false }).runOnce();
      expect(receiver.received).toEqual([]);
      const state = await webhookState(id);
      expect(state.deliveries[0]).toMatchObject({ status: 'FAILED', httpStatus: null });
      expect(state.deliveries[0].error).toMatch(/^refused/);
      await knex('webhook_deliveries').where('webhook_id', Number(id)).delete();
    }
    // The same webhook, allowed by the operator, is delivered to.
    await knex('webhooks').where('id', Number(id)).update({ next_attempt_at: null });
    await queueBatch(id, [1]);
    await worker({ allowPrivateAddresses: true }).runOnce();
    expect(receiver.received).toHaveLength(1);
    await gql(`mutation { deleteWebhook(id: "${id}") }`);
  });
});

describe('settings', () => {
  test('private addresses are allowed in the demo, refused in production unless the operator allows them', () => {
    const production = { NODE_ENV: 'production', CURSOR_SECRET: 'x'.repeat(40) };
    expect(loadSettings({}).webhooks).toEqual({
      pollMs: 1000,
      timeoutMs: 10_000,
      retryBaseMs: 60_000,
      allowPrivateAddresses: true,
    });
    expect(loadSettings(production).webhooks.allowPrivateAddresses).toBe(false);
    expect(
      loadSettings({ ...production, WEBHOOK_PRIVATE_ADDRESSES: 'on' }).webhooks.allowPrivateAddresses,
    ).toBe(true);
    expect(loadSettings({ WEBHOOK_POLL_MS: 'off' }).webhooks.pollMs).toBeNull();
    expect(() => loadSettings({ WEBHOOK_TIMEOUT_MS: '0' })).toThrow(ConfigError);
    expect(() => loadSettings({ WEBHOOK_PRIVATE_ADDRESSES: 'maybe' })).toThrow(ConfigError);
  });
});

describe('the delivery worker', () => {
  test('the retry delay doubles from the base up to 360 times it, jitter only lengthening it', () => {
    const base = 60_000;
    expect([1, 2, 3, 9, 10, 13].map((n) => retryDelayMs(n, base, () => 0))).toEqual([
      60_000, 120_000, 240_000, 15_360_000, 21_600_000, 21_600_000,
    ]);
    expect(retryDelayMs(1, base, () => 0.999)).toBe(Math.round(60_000 * (1 + 0.25 * 0.999)));
    // Until the webhook is disabled, its retries span at least 24 hours.
    let waited = 0;
    for (let failures = 1; failures < MAX_CONSECUTIVE_FAILURES; failures++)
      waited += retryDelayMs(failures, base, () => 0);
    expect(waited).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  test('every delivery is signed so that the receiver verifies it, with its id in a header', async () => {
    const { id, secret } = await createWebhook(receiver.url);
    receiver.secret = secret;
    const deliveryId = await queueBatch(id, [1, 2, 3]);
    await worker().runOnce();
    expect(receiver.received).toEqual([
      expect.objectContaining({ deliveryId, headerDeliveryId: deliveryId, signatureValid: true }),
    ]);
    expect(receiver.received[0].changes.map((change) => change.id)).toEqual(['1', '2', '3']);
    // A receiver with another secret refuses it.
    receiver.secret = 'whsec_another';
    await queueBatch(id, [4]);
    await worker().runOnce();
    expect(receiver.received[1].signatureValid).toBe(false);
    await gql(`mutation { deleteWebhook(id: "${id}") }`);
  });

  test('with the receiver down, a delivery is retried with backoff under the same id until it comes back', async () => {
    const { id, secret } = await createWebhook(receiver.url);
    receiver.secret = secret;
    const first = await queueBatch(id, [10, 11]);
    const second = await queueBatch(id, [12]);
    receiver.mode = 'fail';
    const running = worker();
    await running.runOnce();
    expect(receiver.received.map((r) => r.deliveryId)).toEqual([first]);
    let state = await webhookState(id);
    expect(state.consecutiveFailures).toBe(1);
    expect(Date.parse(state.nextAttemptAt)).toBe(now + 1000);
    // Not due yet: nothing is sent.
    await running.runOnce();
    expect(receiver.received).toHaveLength(1);
    now += 1000;
    await running.runOnce();
    now += 2000;
    await running.runOnce();
    expect(receiver.received.map((r) => r.deliveryId)).toEqual([first, first, first]);
    state = await webhookState(id);
    expect(state.consecutiveFailures).toBe(3);
    expect(Date.parse(state.nextAttemptAt)).toBe(now + 4000);

    receiver.mode = 'ok';
    now += 4000;
    await running.runOnce();
    expect(receiver.received.map((r) => r.deliveryId)).toEqual([first, first, first, first, second]);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    state = await webhookState(id);
    expect(state).toMatchObject({ consecutiveFailures: 0, nextAttemptAt: null, enabled: true });
    expect(
      state.deliveries.map((d: { status: string; httpStatus: number }) => [d.status, d.httpStatus]),
    ).toEqual([
      ['SUCCEEDED', 204],
      ['SUCCEEDED', 204],
      ['FAILED', 500],
      ['FAILED', 500],
      ['FAILED', 500],
    ]);
    expect(state.deliveries[0]).toMatchObject({ deliveryId: second, changeCount: 1, type: 'CHANGES' });
    expect(state.deliveries[0].latencyMs).toEqual(expect.any(Number));
    await gql(`mutation { deleteWebhook(id: "${id}") }`);
  });

  test(`${MAX_CONSECUTIVE_FAILURES} consecutive failures disable the webhook; enableWebhook delivers what waited`, async () => {
    const { id, secret } = await createWebhook(receiver.url);
    receiver.secret = secret;
    const deliveryId = await queueBatch(id, [20]);
    receiver.mode = 'fail';
    const running = worker();
    for (let failures = 1; failures <= MAX_CONSECUTIVE_FAILURES; failures++) {
      await running.runOnce();
      now += retryDelayMs(failures, SETTINGS.retryBaseMs, () => 0);
    }
    expect(receiver.received).toHaveLength(MAX_CONSECUTIVE_FAILURES);
    const state = await webhookState(id);
    expect(state).toMatchObject({ enabled: false, consecutiveFailures: MAX_CONSECUTIVE_FAILURES });
    receiver.mode = 'ok';
    now += 24 * 3600 * 1000;
    await running.runOnce();
    expect(receiver.received).toHaveLength(MAX_CONSECUTIVE_FAILURES);

    const enabled = await gql(`mutation { enableWebhook(id: "${id}") { enabled consecutiveFailures } }`);
    expect(enabled.data.enableWebhook).toEqual({ enabled: true, consecutiveFailures: 0 });
    await running.runOnce();
    expect(receiver.received.at(-1)).toMatchObject({ deliveryId, answered: 204, signatureValid: true });
    await gql(`mutation { deleteWebhook(id: "${id}") }`);
  });

  test('testWebhook sends a signed ping once and answers how it went, without counting a failure', async () => {
    const { id, secret } = await createWebhook(receiver.url);
    receiver.secret = secret;
    const ok = await gql(
      `mutation { testWebhook(id: "${id}") { deliveryId type status httpStatus changeCount error latencyMs } }`,
    );
    expect(ok.data.testWebhook).toMatchObject({
      type: 'PING',
      status: 'SUCCEEDED',
      httpStatus: 204,
      changeCount: 0,
      error: null,
    });
    expect(receiver.received).toEqual([
      expect.objectContaining({
        type: 'ping',
        deliveryId: ok.data.testWebhook.deliveryId,
        signatureValid: true,
      }),
    ]);
    receiver.mode = 'fail';
    const failed = await gql(`mutation { testWebhook(id: "${id}") { status httpStatus } }`);
    expect(failed.data.testWebhook).toEqual({ status: 'FAILED', httpStatus: 500 });
    // Pings are not retried and count for nothing.
    await worker().runOnce();
    expect(receiver.received).toHaveLength(2);
    expect((await webhookState(id)).consecutiveFailures).toBe(0);
    await gql(`mutation { deleteWebhook(id: "${id}") }`);
  });

  test('a receiver that does not answer within the timeout fails the attempt, which is retried', async () => {
    const { id, secret } = await createWebhook(receiver.url);
    receiver.secret = secret;
    const deliveryId = await queueBatch(id, [40]);
    receiver.mode = 'hang';
    await worker({ timeoutMs: 200 }).runOnce();
    const state = await webhookState(id);
    expect(state.consecutiveFailures).toBe(1);
    expect(state.deliveries[0]).toMatchObject({ deliveryId, status: 'FAILED', httpStatus: null });
    expect(state.deliveries[0].error).toMatch(/no answer within 200 ms/);
    receiver.release();
    receiver.mode = 'ok';
    now += 1000;
    await worker().runOnce();
    expect((await webhookState(id)).deliveries[0]).toMatchObject({ deliveryId, status: 'SUCCEEDED' });
    await gql(`mutation { deleteWebhook(id: "${id}") }`);
  });

  test('while a receiver takes its time, readers are answered: no transaction is open across the request', async () => {
    const { id, secret } = await createWebhook(receiver.url);
    receiver.secret = secret;
    await queueBatch(id, [30]);
    receiver.mode = 'hang';
    const running = worker().runOnce();
    await receiver.waitFor(1);
    // The receiver holds the request; the database answers others meanwhile (on SQLite, its one connection is free).
    const answer = await gql('{ customers { totalCount } webhooks { id } }');
    expect(answer.errors).toBeUndefined();
    const write = await gql(
      'mutation { upsertCustomers(customers: [{ externalId: "during-delivery" }]) { accepted } }',
    );
    expect(write.data.upsertCustomers.accepted).toBe(1);
    receiver.release();
    await running;
    expect((await webhookState(id)).deliveries[0]).toMatchObject({ status: 'SUCCEEDED' });
    await gql(`mutation { deleteWebhook(id: "${id}") }`);
  });
});
