import { DEFAULT_LIMITS, toolSettings, type Settings } from '../src/common/config';
import { createApiKey } from '../src/auth/api-keys.service';
import { Scope } from '../src/common/scopes';
import { openDatabase, type Database } from '../src/orm/database';
import { createApp, type App } from '../src/server/app';
import { SharedRateLimiter } from '../src/server/shared-rate-limit';
import { markWanted, readWanted, runWantedWork, withSingleFlight } from '../src/db/instance-lock';
import { postgresqlMigrations } from '../src/migrations/postgresql';
import { createTestTarget } from './support/database';

/**
 * Two service instances over one PostgreSQL database, in one process: each has its own
 * MikroORM (its own pool) and its own HTTP server, as two processes behind a load balancer
 * would; nothing is shared between them but the database. (CI also runs two real
 * processes under load: .ci/run.)
 */
jest.setTimeout(120_000);

interface Instance {
  db: Database;
  app: App;
  url: string;
  logged: unknown[][];
}

let target: Awaited<ReturnType<typeof createTestTarget>>;
beforeAll(async () => {
  target = await createTestTarget('postgresql');
});
afterAll(async () => target.remove());

async function startInstance(db: Database, settings: Partial<Settings>): Promise<Instance> {
  const logged: unknown[][] = [];
  const logger = {
    error: (...args: unknown[]) => logged.push(args),
    warn: (...args: unknown[]) => logged.push(args),
    info: () => undefined,
  };
  const app = await createApp(db, { ...toolSettings(db.target), ...settings }, logger);
  const port = await app.listen(0, '127.0.0.1');
  return { db, app, url: `http://127.0.0.1:${port}/graphql`, logged };
}

async function post(url: string, query: string, key?: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('migrations at start', () => {
  test('two instances starting at once over an empty database: one applies every migration, the other waits and applies none', async () => {
    const [first, second] = await Promise.all([openDatabase(target.target), openDatabase(target.target)]);
    try {
      const applied = [first.appliedMigrations, second.appliedMigrations].sort((a, b) => b.length - a.length);
      expect(applied).toEqual([postgresqlMigrations.map((migration) => migration.name), []]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('two instances over one database', () => {
  let a: Instance;
  let b: Instance;
  let admin: string;
  beforeAll(async () => {
    const settings: Partial<Settings> = {
      auth: 'keys',
      limits: { ...DEFAULT_LIMITS, requestsPerMinute: 3 },
      metricsRefreshDelayMs: 3000,
    };
    a = await startInstance(await openDatabase(target.target), settings);
    b = await startInstance(await openDatabase(target.target), settings);
    admin = (await createApiKey(a.db.fork().getKnex(), 'admin', [Scope.ADMIN])).key;
  });
  afterAll(async () => {
    for (const instance of [a, b]) {
      await instance?.app.stop();
      await instance?.db.close();
    }
  });
  afterEach(() => {
    expect(a.logged).toEqual([]);
    expect(b.logged).toEqual([]);
  });

  test('a key limited to 3 requests a minute gets 3 in all, spread over both instances, not 3 on each', async () => {
    const key = (await createApiKey(a.db.fork().getKnex(), 'spread', [Scope.READ])).key;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post([a, b][i % 2].url, '{ __typename }', key)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const refused = await post(b.url, '{ __typename }', key);
    expect(refused.body.errors[0].extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfter: expect.any(Number),
      limit: 3,
    });
  });

  test('two instances taking from one bucket at once never both spend its last token', async () => {
    const key = (await createApiKey(a.db.fork().getKnex(), 'racing', [Scope.READ])).key;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post([a, b][i % 2].url, '{ __typename }', key).then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  });

  test('unknown keys from one address spent on one instance are refused by the other after at most one look-up', async () => {
    // Each instance test reaches the other over loopback: the same client address.
    const unknown = (i: number) => `seg_${'b'.repeat(8)}${String(i).padStart(32, '0')}`;
    await a.db.fork().getKnex()('rate_limit_buckets').where('key', 'like', 'address:%').delete();
    for (let i = 0; i < 3; i++) expect((await post(a.url, '{ __typename }', unknown(i))).status).toBe(401);
    expect((await post(a.url, '{ __typename }', unknown(3))).status).toBe(429);
    // The other instance has not seen this address fail: it looks the key up once, and charges the shared bucket.
    expect((await post(b.url, '{ __typename }', unknown(4))).status).toBe(401);
    expect((await post(b.url, '{ __typename }', unknown(5))).status).toBe(429);
    // The address is refused whatever key it sends now: the other tests start it afresh.
    await a.db.fork().getKnex()('rate_limit_buckets').where('key', 'like', 'address:%').delete();
  });

  test('a key revoked through one instance is refused by the other on its next request', async () => {
    const created = await post(
      a.url,
      'mutation { createApiKey(name: "short-lived", scopes: [READ]) { key apiKey { id } } }',
      admin,
    );
    const { key, apiKey } = created.body.data.createApiKey;
    expect((await post(b.url, '{ __typename }', key)).status).toBe(200);
    const revoked = await post(a.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', admin, {
      id: apiKey.id,
    });
    expect(revoked.body.data.revokeApiKey.revokedAt).not.toBeNull();
    const refused = await post(b.url, '{ __typename }', key);
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  test('ingestion on both instances at once causes one metrics refresh, not two', async () => {
    const knex = a.db.fork().getKnex();
    const ingest = (await createApiKey(knex, 'ingest', [Scope.INGEST])).key;
    // Its own bucket: the limit of 3 a minute is not what this test is about.
    const ingest2 = (await createApiKey(knex, 'ingest 2', [Scope.INGEST])).key;
    const refreshes = async () => Number((await knex('value_models').count({ n: '*' }))[0].n);
    const before = await refreshes();
    const upsert = 'mutation($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }';
    const results = await Promise.all([
      post(a.url, upsert, ingest, { c: [{ externalId: 'on-a' }] }),
      post(b.url, upsert, ingest2, { c: [{ externalId: 'on-b' }] }),
    ]);
    expect(results.map((result) => result.body.data.upsertCustomers.accepted)).toEqual([1, 1]);
    // Both timers run out 3 s after their batch; each instance may come back once more (3 s) if the other held the lock.
    const deadline = Date.now() + 20_000;
    while ((await refreshes()) === before && Date.now() < deadline) await sleep(200);
    await sleep(7_000);
    expect((await refreshes()) - before).toBe(1);
    expect(await readWanted(knex, 'metrics-refresh')).toEqual({ wantedAt: null, version: 2 });
    expect(Number((await knex('customer_metrics').count({ n: '*' }))[0].n)).toBe(2);
  });
});

describe('work shared between instances (db/instance-lock.ts)', () => {
  let db: Database;
  let other: Database;
  beforeAll(async () => {
    db = await openDatabase(target.target);
    other = await openDatabase(target.target);
  });
  afterAll(async () => {
    await db.close();
    await other.close();
  });

  test('single flight: while one instance runs the work, the other is told it did not run', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withSingleFlight(db.fork().getKnex(), 'flight', () => held.then(() => 'first'));
    await sleep(200);
    expect(await withSingleFlight(other.fork().getKnex(), 'flight', async () => 'second')).toEqual({
      ran: false,
    });
    release();
    expect(await first).toEqual({ ran: true, value: 'first' });
    // Released: the next one runs.
    expect(await withSingleFlight(other.fork().getKnex(), 'flight', async () => 'third')).toEqual({
      ran: true,
      value: 'third',
    });
  });

  test('debounced across instances: work waits for the quiet time after the last request on any instance, runs once, and covers them all', async () => {
    const knexA = db.fork().getKnex();
    const knexB = other.fork().getKnex();
    let runs = 0;
    const work = async () => void runs++;
    await markWanted(knexA, 'debounced', 1_000);
    await markWanted(knexB, 'debounced', 1_400);
    // A's timer (quiet time 500) runs out at 1,500: B asked 100 ms ago, come back in 400.
    expect(await runWantedWork(knexA, 'debounced', 500, work, () => 1_500)).toEqual({
      outcome: 'later',
      retryInMs: 400,
    });
    // B's timer at 1,900 runs it, for both.
    expect(await runWantedWork(knexB, 'debounced', 500, work, () => 1_900)).toEqual({ outcome: 'ran' });
    // A comes back at 1,900: covered.
    expect(await runWantedWork(knexA, 'debounced', 500, work, () => 1_900)).toEqual({
      outcome: 'not-wanted',
    });
    expect(runs).toBe(1);
  });

  test('a request made while the work runs keeps the marker, so it is not lost', async () => {
    const knex = db.fork().getKnex();
    await markWanted(knex, 'during', 1_000);
    const outcome = await runWantedWork(
      knex,
      'during',
      500,
      () => markWanted(other.fork().getKnex(), 'during', 1_700),
      () => 1_600,
    );
    expect(outcome).toEqual({ outcome: 'ran' });
    expect(await readWanted(knex, 'during')).toEqual({ wantedAt: 1_700, version: 2 });
  });

  test('work running on one instance makes the other come back after the quiet time', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await markWanted(db.fork().getKnex(), 'busy', 0);
    const running = runWantedWork(
      db.fork().getKnex(),
      'busy',
      500,
      () => held,
      () => 10_000,
    );
    await sleep(200);
    expect(
      await runWantedWork(
        other.fork().getKnex(),
        'busy',
        500,
        async () => undefined,
        () => 10_000,
      ),
    ).toEqual({
      outcome: 'later',
      retryInMs: 500,
    });
    release();
    expect(await running).toEqual({ outcome: 'ran' });
  });

  test('full rate-limit buckets (idle a minute) are pruned; the others are kept', async () => {
    const knex = db.fork().getKnex();
    const limiter = new SharedRateLimiter(knex, 10);
    await limiter.take('fresh');
    await knex('rate_limit_buckets').insert({
      key: 'idle',
      tokens: 0,
      at: Date.now() - 61_000,
      allowed: false,
    });
    await limiter.prune();
    const keys = (await knex('rate_limit_buckets')
      .whereIn('key', ['fresh', 'idle'])
      .pluck('key')) as string[];
    expect(keys).toEqual(['fresh']);
    // What a pruned bucket stood for: a full one.
    for (let i = 0; i < 10; i++) expect((await limiter.take('idle')).allowed).toBe(true);
    expect(await limiter.take('idle')).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
