import type { Knex } from '@mikro-orm/knex';
import { parseLsn, ReplicaRouting } from '../src/db/replica-routing';

/**
 * The routing rule of the read replica on its own, with both servers played by
 * the test: a primary whose WAL insert position it sets, a standby whose replayed
 * position it sets, and a clock it moves. test/read-replica.test.ts checks the
 * same rule against a real standby.
 */
const MAX_LAG_MS = 1000;

class Servers {
  time = 0;
  written = '0/100';
  replayed: string | null = '0/100';
  recovering = true;
  standbyDown = false;

  primary = this.server(() => ({ lsn: this.written }));
  standby = this.server(() => {
    if (this.standbyDown) throw new Error('connect ECONNREFUSED 127.0.0.1:5433');
    return { recovering: this.recovering, lsn: this.replayed };
  });

  private server(row: () => object): Knex {
    return {
      raw: () => ({ timeout: async () => ({ rows: [row()] }) }),
    } as unknown as Knex;
  }
}

function routingOver(servers: Servers, changes: Array<[boolean, string | null]> = []): ReplicaRouting {
  return new ReplicaRouting(servers.primary, servers.standby, MAX_LAG_MS, {
    now: () => servers.time,
    onChange: (usable, reason) => changes.push([usable, reason]),
  });
}

test('WAL positions compare as 64-bit numbers, not as text', () => {
  expect(parseLsn('0/FFFFFFFF') < parseLsn('1/0')).toBe(true);
  expect(parseLsn('16/B374D848')).toBe(0x16b374d848n);
  expect(parseLsn('A/0') > parseLsn('9/FFFFFFFF')).toBe(true);
  expect(() => parseLsn('not/a position')).toThrow(/not a WAL position/);
});

test('nothing is read from the replica before a probe has found it caught up', () => {
  const routing = routingOver(new Servers());
  expect(routing.readsFromReplica('anyone')).toBe(false);
});

test('a replica caught up at a probe serves reads until the bound has passed since that probe started', async () => {
  const servers = new Servers();
  const routing = routingOver(servers);
  servers.time = 10_000;
  await routing.probe();
  expect(routing.readsFromReplica('anyone')).toBe(true);
  // The primary moves on and the standby stops replaying: only the age of the last catch-up counts.
  servers.written = '0/900';
  servers.time = 10_500;
  await routing.probe();
  servers.time = 11_000;
  expect(routing.readsFromReplica('anyone')).toBe(true);
  servers.time = 11_001;
  expect(routing.readsFromReplica('anyone')).toBe(false);
  // Once the standby has replayed the position read at 10_500, it holds everything committed before then.
  servers.replayed = '0/900';
  servers.time = 11_200;
  await routing.probe();
  expect(routing.readsFromReplica('anyone')).toBe(true);
  // That probe's own position (still 0/900) was replayed too: the catch-up is as of 11_200.
  servers.written = '0/A00';
  servers.time = 11_600;
  await routing.probe();
  servers.time = 12_200;
  expect(routing.readsFromReplica('anyone')).toBe(true);
  servers.time = 12_201;
  expect(routing.readsFromReplica('anyone')).toBe(false);
});

test('a standby that always trails the primary a little still serves reads: each probe is satisfied by the next', async () => {
  const servers = new Servers();
  const routing = routingOver(servers);
  let position = 0x100;
  for (let probe = 0; probe < 20; probe += 1) {
    servers.time = probe * 250;
    // Replay reaches what the primary had written at the previous probe, never the current position.
    servers.replayed = `0/${position.toString(16)}`;
    position += 0x80;
    servers.written = `0/${position.toString(16)}`;
    await routing.probe();
    if (probe > 0) expect(routing.readsFromReplica('anyone')).toBe(true);
  }
});

test("a caller's writes keep its reads on the primary until a probe started after them finds the standby caught up", async () => {
  const servers = new Servers();
  const routing = routingOver(servers);
  servers.time = 1000;
  await routing.probe();
  servers.time = 1100;
  routing.noteWrite('key:7');
  servers.written = '0/200';
  expect(routing.readsFromReplica('key:7')).toBe(false);
  expect(routing.readsFromReplica('key:8')).toBe(true);
  // A probe after the write, while the standby has not replayed it.
  servers.time = 1200;
  await routing.probe();
  expect(routing.readsFromReplica('key:7')).toBe(false);
  servers.replayed = '0/200';
  servers.time = 1300;
  await routing.probe();
  expect(routing.readsFromReplica('key:7')).toBe(true);
});

test('an unreachable standby, or one that is no longer a standby, sends reads to the primary at once', async () => {
  const servers = new Servers();
  const changes: Array<[boolean, string | null]> = [];
  const routing = routingOver(servers, changes);
  await routing.probe();
  expect(routing.readsFromReplica('anyone')).toBe(true);
  servers.standbyDown = true;
  servers.time = 10;
  await routing.probe();
  expect(routing.readsFromReplica('anyone')).toBe(false);
  servers.standbyDown = false;
  servers.time = 20;
  await routing.probe();
  expect(routing.readsFromReplica('anyone')).toBe(true);
  // Promoted: it answers, but its positions are no longer the primary's WAL.
  servers.recovering = false;
  servers.replayed = null;
  servers.time = 30;
  await routing.probe();
  expect(routing.readsFromReplica('anyone')).toBe(false);
  expect(changes).toEqual([
    [true, null],
    [false, 'connect ECONNREFUSED 127.0.0.1:5433'],
    [true, null],
    [false, 'the read replica is not a hot standby (pg_is_in_recovery() is false)'],
  ]);
});
