import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { ConfigError, loadSettings, parseDatabaseUrl, toolSettings } from '../src/common/config';
import { DatabaseError, openDatabase, type Database } from '../src/orm/database';
import { createApp, type App } from '../src/server/app';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { createTestTarget, ON_POSTGRES } from './support/database';

/**
 * The read replica (DATABASE_READ_URL): queries read from a PostgreSQL hot standby
 * while it is within the staleness bound, from the primary otherwise. The replica
 * tests need a standby of TEST_DATABASE_URL's server, named by
 * TEST_DATABASE_READ_URL (.ci/run starts one); they make it fall behind for real
 * by pausing its replay (pg_wal_replay_pause), so that what a query answers tells
 * which server answered it.
 */
const TEST_DATABASE_READ_URL = process.env.TEST_DATABASE_READ_URL ?? '';
const ON_REPLICA = ON_POSTGRES && TEST_DATABASE_READ_URL.startsWith('postgres');
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };

test('DATABASE_READ_URL is refused at start beside a SQLite store, or when it is not PostgreSQL', () => {
  const reason = (env: NodeJS.ProcessEnv) => {
    try {
      loadSettings(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    return 'accepted';
  };
  expect(
    reason({ DATABASE_URL: 'sqlite:/tmp/x.sqlite', DATABASE_READ_URL: 'postgres://u@replica:5432/segments' }),
  ).toMatch(/DATABASE_READ_URL needs a PostgreSQL DATABASE_URL/);
  expect(
    reason({ DATABASE_URL: 'postgres://u@primary:5432/segments', DATABASE_READ_URL: 'sqlite:/tmp/x.sqlite' }),
  ).toMatch(/DATABASE_READ_URL "sqlite:\/tmp\/x.sqlite" is not PostgreSQL/);
  expect(
    reason({
      DATABASE_URL: 'postgres://u@primary:5432/segments',
      DATABASE_READ_URL: 'mysql://u:secret@replica/db',
    }),
  ).toBe(
    'DATABASE_READ_URL "mysql://u:***@replica/db" is not supported: use sqlite:PATH or postgres://user@host:port/db',
  );
  expect(
    reason({
      DATABASE_URL: 'postgres://u@primary:5432/segments',
      DATABASE_READ_URL: 'postgres://u@replica:5432/segments',
      DATABASE_READ_MAX_LAG_MS: 'soon',
    }),
  ).toMatch(/DATABASE_READ_MAX_LAG_MS "soon" must be a positive whole number/);
  expect(
    reason({ DATABASE_URL: 'postgres://u@primary:5432/segments', DATABASE_READ_MAX_LAG_MS: '100' }),
  ).toMatch(/DATABASE_READ_MAX_LAG_MS is set but DATABASE_READ_URL is not/);
});

test('DATABASE_READ_URL beside a PostgreSQL store gives the replica and its bound, 5000 ms unless set', () => {
  const primary = 'postgres://u@primary:5432/segments';
  const replica = 'postgres://u@replica:5432/segments';
  expect(loadSettings({ DATABASE_URL: primary }).readReplica).toBeNull();
  expect(loadSettings({ DATABASE_URL: primary, DATABASE_READ_URL: replica }).readReplica).toEqual({
    target: parseDatabaseUrl(replica),
    maxLagMs: 5000,
  });
  expect(
    loadSettings({ DATABASE_URL: primary, DATABASE_READ_URL: replica, DATABASE_READ_MAX_LAG_MS: '250' })
      .readReplica?.maxLagMs,
  ).toBe(250);
});

if (ON_POSTGRES) {
  test('a read replica that is no standby (the primary itself) stops the start with the reason', async () => {
    const { target, url, remove } = await createTestTarget('postgresql');
    try {
      const replica = parseDatabaseUrl(url) as Extract<typeof target, { dialect: 'postgresql' }>;
      const opening = openDatabase(target, { readReplica: { target: replica, maxLagMs: 1000 } });
      await expect(opening).rejects.toThrow(DatabaseError);
      await expect(opening).rejects.toThrow(
        /read replica .* is not a hot standby \(pg_is_in_recovery\(\) is false\)/,
      );
    } finally {
      await remove();
    }
  });

  test('an unreachable read replica does not stop the start: queries are answered by the primary', async () => {
    const { target, url, remove } = await createTestTarget('postgresql');
    // A port nothing listens on: connections are refused at once.
    const closed = new URL(url);
    closed.port = '1';
    const replica = parseDatabaseUrl(closed.toString()) as Extract<typeof target, { dialect: 'postgresql' }>;
    const changes: Array<[boolean, string | null]> = [];
    const db = await openDatabase(target, {
      readReplica: { target: replica, maxLagMs: 1000 },
      onReplicaChange: (usable, reason) => changes.push([usable, reason]),
    });
    try {
      expect(db.replica!.routing.readsFromReplica('observer')).toBe(false);
      expect(changes).toEqual([[false, expect.stringMatching(/ECONNREFUSED/)]]);
      const app = await createApp(db, toolSettings(target), quiet);
      try {
        const address = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}/graphql`;
        const response = await fetch(address, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' }),
        });
        expect(await response.json()).toEqual({ data: { customers: { totalCount: 0 } } });
      } finally {
        await app.stop();
      }
    } finally {
      await db.close();
      await remove();
    }
  });
}

if (ON_REPLICA)
  describe('with a hot standby', () => {
    /** Short, so that the test sees the replica both within the bound and past it. */
    const MAX_LAG_MS = 3000;
    /** How long the standby may take to replay what the test waits for (on a machine whose disk other work keeps busy). */
    const CATCH_UP_MS = 120_000;
    const READ = 'query($id: String) { customer(externalId: $id) { externalId city } }';
    const UPSERT =
      'mutation($customers: [CustomerInput!]!) { upsertCustomers(customers: $customers) { accepted rejected { message } } }';

    let db: Database;
    let app: App;
    let url: string;
    let removeDatabase: () => Promise<void>;
    /** The test's own connections: to the primary's database, and to the same database on the standby. */
    let primary: Client;
    let standby: Client;

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    async function until(
      what: string,
      check: () => Promise<boolean> | boolean,
      timeoutMs = 20_000,
    ): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
        await sleep(50);
      }
    }

    async function cityFor(externalId: string): Promise<string | null> {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query: READ, variables: { id: externalId } }),
      });
      const body = (await response.json()) as {
        data?: { customer: { city: string } | null };
        errors?: unknown;
      };
      expect(body.errors).toBeUndefined();
      return body.data?.customer?.city ?? null;
    }

    /**
     * Waits, measuring on the servers rather than through the service, until the standby has replayed
     * everything the primary had written when it was called (a fixed position: other databases of the
     * server may keep writing).
     */
    async function untilStandbyCaughtUp(): Promise<void> {
      const { rows: written } = await primary.query('select pg_current_wal_insert_lsn()::text as lsn');
      await until(
        'the standby has replayed what the primary had written',
        async () => {
          const { rows } = await standby.query('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [
            written[0].lsn,
          ]);
          return rows[0].done;
        },
        CATCH_UP_MS,
      );
    }

    async function pauseReplay(): Promise<void> {
      await standby.query('select pg_wal_replay_pause()');
      await until('replay is paused', async () => {
        const { rows } = await standby.query('select pg_get_wal_replay_pause_state() as state');
        return rows[0].state === 'paused';
      });
    }

    async function resumeReplay(): Promise<void> {
      await standby.query('select pg_wal_replay_resume()');
    }

    async function setCity(externalId: string, city: string): Promise<void> {
      await primary.query('update customers set city = $1 where external_id = $2', [city, externalId]);
    }

    async function cityOn(client: Client, externalId: string): Promise<string | null> {
      const { rows } = await client.query('select city from customers where external_id = $1', [externalId]);
      return rows[0]?.city ?? null;
    }

    /** A caller that never writes: whether the service would send its query to the replica now. */
    const routedToReplica = () => db.replica!.routing.readsFromReplica('observer');

    beforeAll(
      async () => {
        const created = await createTestTarget('postgresql');
        removeDatabase = created.remove;
        const replicaUrl = new URL(TEST_DATABASE_READ_URL);
        replicaUrl.pathname = new URL(created.url).pathname;
        primary = new Client({ connectionString: created.url });
        await primary.connect();
        // The new database reaches the standby through replay.
        await until(
          'the database exists on the standby',
          async () => {
            const client = new Client({ connectionString: replicaUrl.toString() });
            try {
              await client.connect();
              standby = client;
              return true;
            } catch {
              await client.end().catch(() => undefined);
              return false;
            }
          },
          CATCH_UP_MS,
        );
        const target = parseDatabaseUrl(created.url);
        db = await openDatabase(target, {
          readReplica: {
            target: parseDatabaseUrl(replicaUrl.toString()) as Extract<
              typeof target,
              { dialect: 'postgresql' }
            >,
            maxLagMs: MAX_LAG_MS,
          },
        });
        app = await createApp(db, toolSettings(target), quiet);
        url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}/graphql`;
        await upsertCustomers(db.fork().getKnex(), [{ externalId: 'ada', city: 'Lyon' }]);
        await untilStandbyCaughtUp();
        await until('the service sees the standby caught up', routedToReplica);
      },
      2 * CATCH_UP_MS + 60_000,
    );

    afterAll(async () => {
      // Whatever failed, the standby must not stay paused.
      await resumeReplay().catch(() => undefined);
      await app?.stop();
      await db?.close();
      await standby?.end();
      await primary?.end();
      await removeDatabase?.();
    });

    /** When the primary had answered the change the paused replica misses (the change committed before it). */
    let changeCommitted: number;

    test('a query is answered by the replica: with its replay paused, it shows what the replica holds, not the primary', async () => {
      await pauseReplay();
      await setCity('ada', 'Nantes');
      changeCommitted = performance.now();
      const answered = await cityFor('ada');
      expect(await cityOn(primary, 'ada')).toBe('Nantes');
      expect(await cityOn(standby, 'ada')).toBe('Lyon');
      expect(answered).toBe('Lyon');
    });

    test('a replica behind by more than the bound is left for the primary: no answer is older than DATABASE_READ_MAX_LAG_MS', async () => {
      // The standby is still paused, without the change to Nantes.
      const answers: Array<{ sentAfterChangeMs: number; city: string | null }> = [];
      while (performance.now() - changeCommitted < MAX_LAG_MS + 3000) {
        answers.push({ sentAfterChangeMs: performance.now() - changeCommitted, city: await cityFor('ada') });
        await sleep(100);
      }
      expect(await cityOn(standby, 'ada')).toBe('Lyon');
      // The replica's answers (while it is within the bound: on a loaded machine, maybe none), then the primary's.
      const tooOld = answers.filter(
        (answer) => answer.city === 'Lyon' && answer.sentAfterChangeMs >= MAX_LAG_MS,
      );
      expect(tooOld).toEqual([]);
      // Past the bound (and a probe's time), every answer comes from the primary.
      const late = answers.filter((answer) => answer.sentAfterChangeMs >= MAX_LAG_MS + 1000);
      expect(late.length).toBeGreaterThan(5);
      expect(late.every((answer) => answer.city === 'Nantes')).toBe(true);
    }, 30_000);

    test(
      'once replay resumes and the replica has caught up, queries read from it again',
      async () => {
        await resumeReplay();
        await untilStandbyCaughtUp();
        expect(await cityOn(standby, 'ada')).toBe('Nantes');
        // Within a few probes of catching up.
        await until('the service sends queries to the replica again', routedToReplica, 10_000);
        await pauseReplay();
        await setCity('ada', 'Metz');
        expect(await cityFor('ada')).toBe('Nantes');
      },
      CATCH_UP_MS + 30_000,
    );

    test(
      'a caller reads its own writes right after its mutation, while the replica lags behind them',
      async () => {
        // Caught up again, so that the replica is in use when the mutation is sent.
        await resumeReplay();
        await untilStandbyCaughtUp();
        await until('the service sends queries to the replica again', routedToReplica, 10_000);
        await pauseReplay();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({
            query: UPSERT,
            variables: { customers: [{ externalId: 'bob', city: 'Rennes' }] },
          }),
        });
        expect(((await response.json()) as { data: unknown }).data).toEqual({
          upsertCustomers: { accepted: 1, rejected: [] },
        });
        expect(await cityOn(standby, 'bob')).toBeNull();
        expect(await cityFor('bob')).toBe('Rennes');
        // A caller that has not written still reads from the replica meanwhile.
        expect(routedToReplica()).toBe(true);
      },
      CATCH_UP_MS + 30_000,
    );
  });
