import { upsertCustomers } from '../src/ingest/customer-ingest';
import { ON_POSTGRES } from './support/database';
import { startTestServer, type TestServer } from './support/server';

/**
 * Queries do not queue behind writes. A write transaction is held open on the
 * writer connection (on SQLite the service's only one; on PostgreSQL one of the
 * pool's) for as long as the test wants: a query sent meanwhile must be
 * answered before the transaction is let go, with the last committed state.
 * A mutation sent meanwhile waits its turn on the writer, and its writes are
 * read by any request sent after its answer.
 */
const READ = 'query($id: String) { customer(externalId: $id) { externalId city } }';
const UPSERT =
  'mutation($customers: [CustomerInput!]!) { upsertCustomers(customers: $customers) { accepted rejected { message } } }';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await upsertCustomers(server.db.fork().getKnex(), [{ externalId: 'ada', city: 'Lyon' }]);
});
afterAll(async () => server.stop());

/**
 * Opens a write transaction on the writer connection that updates ada's city
 * and stays open until the returned release() is called; release commits it.
 */
async function holdWriter(): Promise<{ release(): Promise<void> }> {
  let letGo!: () => void;
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  let started!: () => void;
  const holding = new Promise<void>((resolve) => (started = resolve));
  const transaction = server.db
    .fork()
    .getKnex()
    .transaction(async (trx) => {
      await trx('customers').where('external_id', 'ada').update({ city: 'Nantes' });
      started();
      await gate;
    });
  await Promise.race([holding, transaction]);
  return {
    release: async () => {
      letGo();
      await transaction;
    },
  };
}

/**
 * The request's answer, or 'still waiting' if it has not come once the
 * writer is let go: what a query queued behind the writer would give. The
 * safety delay only bounds how long a broken build makes the test wait.
 */
async function answeredWhileHeld<T>(
  request: Promise<T>,
  release: () => Promise<void>,
): Promise<T | 'still waiting'> {
  let timer!: NodeJS.Timeout;
  const safety = new Promise<'still waiting'>(
    (resolve) => (timer = setTimeout(() => resolve('still waiting'), 20_000)),
  );
  try {
    return await Promise.race([request, safety]);
  } finally {
    clearTimeout(timer);
    await release();
  }
}

test('a query is answered while a write transaction holds the writer, with the last committed state', async () => {
  const hold = await holdWriter();
  const during = await answeredWhileHeld(server.post(READ, { id: 'ada' }), hold.release);
  expect(during).not.toBe('still waiting');
  if (during === 'still waiting') return;
  expect(during.body.errors).toBeUndefined();
  expect(during.body.data.customer).toEqual({ externalId: 'ada', city: 'Lyon' });
  const after = await server.post(READ, { id: 'ada' });
  expect(after.body.data.customer).toEqual({ externalId: 'ada', city: 'Nantes' });
});

test('a mutation sent while the writer is held runs after it, and a query sent after its answer reads its writes', async () => {
  const hold = await holdWriter();
  let answered = false;
  const mutation = server
    .post(UPSERT, {
      customers: [
        { externalId: 'bob', city: 'Brest' },
        { externalId: 'ada', city: 'Metz' },
      ],
    })
    .finally(() => (answered = true));
  const during = await answeredWhileHeld(server.post(READ, { id: 'bob' }), hold.release);
  expect(during).not.toBe('still waiting');
  if (during === 'still waiting') return;
  expect(during.body.data.customer).toBeNull();
  // On SQLite the mutation needs the writer, held until release: it cannot have answered before.
  if (server.target.dialect === 'sqlite') expect(answered).toBe(false);
  const written = await mutation;
  expect(written.body.errors).toBeUndefined();
  expect(written.body.data.upsertCustomers).toEqual({ accepted: 2, rejected: [] });
  const bob = await server.post(READ, { id: 'bob' });
  expect(bob.body.data.customer).toEqual({ externalId: 'bob', city: 'Brest' });
  // The mutation ran after the held transaction committed, so its write is the last.
  const ada = await server.post(READ, { id: 'ada' });
  expect(ada.body.data.customer).toEqual({ externalId: 'ada', city: 'Metz' });
});

test('a segment export streams while a write transaction holds the writer, with the last committed state', async () => {
  const saved = await server.post(
    'mutation ($f: SegmentFilter!) { createSegment(input: { name: "everyone", filter: $f }) { id } }',
    { f: { not: { identity: { country: { eq: 'ZZ' } } } } },
  );
  expect(saved.body.errors).toBeUndefined();
  const path = `/export/segments/${saved.body.data.createSegment.id}/members.csv?fields=externalId,city`;
  const before = await server.post(READ, { id: 'ada' });
  const hold = await holdWriter();
  const during = await answeredWhileHeld(
    fetch(server.url.replace(/\/graphql$/, '') + path).then(async (response) => ({
      status: response.status,
      text: await response.text(),
    })),
    hold.release,
  );
  expect(during).not.toBe('still waiting');
  if (during === 'still waiting') return;
  expect(during.status).toBe(200);
  expect(during.text).toContain(`ada,${before.body.data.customer.city}\r\n`);
});

// PostgreSQL has no read connections of its own: queries and mutations share the pool.
if (!ON_POSTGRES) {
  test('the read connections refuse to write, so a query can never compete with the writer', async () => {
    const reader = server.db.forkReader().getKnex();
    await expect(reader('customers').where('external_id', 'ada').update({ city: 'Paris' })).rejects.toThrow(
      /readonly/i,
    );
    const [row] = await server.db.fork().getKnex()('customers').where('external_id', 'ada').select('city');
    expect(row.city).not.toBe('Paris');
  });
}
