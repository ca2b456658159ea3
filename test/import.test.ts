import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths';
import { ImportFileError, importFile } from '../src/export/import-file';
import { startTestServer, type TestServer } from './support/server';

/**
 * npm run import: files of customers, orders and events through the
 * ingestion services. What is stored is read back through GraphQL; rejected
 * rows land in the rejects file with their line and reason; a replay stores
 * nothing twice.
 */
let server: TestServer;
let folder: string;

beforeAll(async () => {
  server = await startTestServer();
  folder = mkdtempSync(join(tmpdir(), 'import-test-'));
});
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await server.stop();
});

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

const knex = () => server.db.fork().getKnex();

function rejectsOf(path: string) {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

async function graphql(query: string) {
  const answer = await server.post(query);
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data;
}

const CUSTOMERS_CSV = [
  '\uFEFFexternalId,firstName,lastName,email,country,city,birthDate,interests,attributes,emailOptIn,companySize',
  'imp-1,Élodie,"Müller, ""la grande""",elodie@example.org,fr,Zürich,1984-03-09,"[""café"",""vins""]","{""tier"":""gold"",""visits"":3}",TRUE,',
  // A line break inside a quoted cell is part of the value.
  'imp-2,Jean,"Dupont',
  'de Paris",jean@example.org,FR,,,,,false,12',
  // Rejected by the ingestion service (a country is two letters), with its message …
  'imp-3,Bad,Country,bad@example.org,FRA,,,,,,',
  // … by the file's reading (what GraphQL's types refuse) …
  'imp-4,Bad,Date,d@example.org,FR,,yesterday,,,,',
  'imp-5,Bad,Size,s@example.org,FR,,,,,,ten',
  'imp-6,Bad,Interests,i@example.org,FR,,,café,,,',
  // … and for its shape.
  'imp-7,Too,Few',
  '',
  'imp-8,Last,Row,last@example.org,ES,Madrid,,,,,',
].join('\r\n');

test('a CSV of customers: good rows stored as GraphQL ingestion stores them, bad rows in the rejects file with line and reason', async () => {
  const path = file('customers.csv', CUSTOMERS_CSV);
  const summary = await importFile(knex(), { kind: 'customers', path });
  expect(summary).toMatchObject({ rows: 8, accepted: 3, duplicates: 0, rejected: 5 });
  expect(summary.rejectsFile).toBe(`${path}.rejected.ndjson`);
  const rejects = rejectsOf(summary.rejectsFile);
  expect(rejects.map(({ line, externalId, field }) => ({ line, externalId, field }))).toEqual(
    expect.arrayContaining([
      { line: 5, externalId: 'imp-3', field: 'country' },
      { line: 6, externalId: 'imp-4', field: 'birthDate' },
      { line: 7, externalId: 'imp-5', field: 'companySize' },
      { line: 8, externalId: 'imp-6', field: 'interests' },
      { line: 9, externalId: 'imp-7', field: null },
    ]),
  );
  expect(rejects).toHaveLength(5);
  const byId = Object.fromEntries(rejects.map((entry) => [entry.externalId, entry]));
  expect(byId['imp-3'].message).toBe('country is longer than 2 characters');
  expect(byId['imp-4'].message).toBe('birthDate is not a valid date-time (not ISO-8601)');
  expect(byId['imp-4'].row).toMatchObject({ externalId: 'imp-4', birthDate: 'yesterday' });
  expect(byId['imp-7'].message).toBe('the row has 3 cells where the header names 11 fields');

  const data = await graphql(`
    {
      a: customer(externalId: "imp-1") {
        firstName
        lastName
        email
        country
        city
        birthDate
        interests
        attributes
        emailOptIn
        companySize
      }
      b: customer(externalId: "imp-2") {
        lastName
        emailOptIn
        companySize
      }
      c: customer(externalId: "imp-8") {
        city
        country
      }
      bad: customer(externalId: "imp-3") {
        id
      }
    }
  `);
  expect(data.a).toEqual({
    firstName: 'Élodie',
    lastName: 'Müller, "la grande"',
    email: 'elodie@example.org',
    country: 'FR',
    city: 'Zürich',
    birthDate: '1984-03-09T00:00:00.000Z',
    interests: ['café', 'vins'],
    attributes: { tier: 'gold', visits: 3 },
    emailOptIn: true,
    companySize: null,
  });
  expect(data.b).toEqual({ lastName: 'Dupont\r\nde Paris', emailOptIn: false, companySize: 12 });
  expect(data.c).toEqual({ city: 'Madrid', country: 'ES' });
  expect(data.bad).toBeNull();

  // Replayed, the file stores nothing: the good rows are duplicates, the bad ones rejected again.
  const replay = await importFile(knex(), { kind: 'customers', path });
  expect(replay).toMatchObject({ rows: 8, accepted: 0, duplicates: 3, rejected: 5 });
  expect(rejectsOf(replay.rejectsFile)).toHaveLength(5);
});

test('an empty CSV cell leaves the stored value as it is', async () => {
  const path = file('patch.csv', 'externalId,city,country\r\nimp-1,,DE\r\n');
  expect(await importFile(knex(), { kind: 'customers', path })).toMatchObject({ accepted: 1, rejected: 0 });
  const data = await graphql('{ customer(externalId: "imp-1") { city country } }');
  expect(data.customer).toEqual({ city: 'Zürich', country: 'DE' });
});

test('ndjson orders: stored, idempotent by externalId, bad lines rejected; a replay changes nothing', async () => {
  const lines = [
    {
      externalId: 'ord-1',
      customerExternalId: 'imp-1',
      orderedAt: '2026-01-10T10:00:00Z',
      amount: 40.5,
      categories: ['vin'],
    },
    {
      externalId: 'ord-2',
      customerExternalId: 'imp-2',
      orderedAt: '2026-02-10T10:00:00+01:00',
      amount: 12,
      currency: 'usd',
      channel: 'WEB',
    },
    { externalId: 'ord-3', customerExternalId: 'nobody', orderedAt: '2026-01-10T10:00:00Z', amount: 1 },
    { externalId: 'ord-4', customerExternalId: 'imp-1', orderedAt: '2026-01-10T10:00:00Z', amount: -3 },
    { externalId: 'ord-5', customerExternalId: 'imp-1', orderedAt: '2026-01-10T10:00:00Z', amount: '3' },
    {
      externalId: 'ord-6',
      customerExternalId: 'imp-1',
      orderedAt: '2026-01-10T10:00:00Z',
      amount: 3,
      colour: 'red',
    },
  ].map((line) => JSON.stringify(line));
  lines.splice(3, 0, '{ not json');
  lines.push('', '[1, 2]');
  const path = file('orders.ndjson', `${lines.join('\n')}\n`);
  const rejectsFile = join(folder, 'orders-rejects.ndjson');
  const summary = await importFile(knex(), { kind: 'orders', path, rejectsFile, batch: 2 });
  expect(summary).toMatchObject({ rows: 8, accepted: 2, duplicates: 0, rejected: 6, rejectsFile });
  const rejects = rejectsOf(rejectsFile);
  expect(rejects.map(({ line, field, message }) => ({ line, field, message }))).toEqual(
    expect.arrayContaining([
      { line: 3, field: 'customerExternalId', message: expect.stringContaining('nobody') },
      { line: 4, field: null, message: 'the line is not JSON' },
      { line: 5, field: 'amount', message: 'amount must not be negative' },
      { line: 6, field: 'amount', message: 'amount is not a number' },
      { line: 7, field: 'colour', message: 'colour is not a field of orders' },
      { line: 9, field: null, message: 'the line is not a JSON object' },
    ]),
  );
  expect(rejects).toHaveLength(6);
  const data = await graphql(
    '{ customer(externalId: "imp-2") { orders { edges { node { externalId amount currency channel orderedAt } } } } }',
  );
  expect(data.customer.orders.edges.map((edge: any) => edge.node)).toEqual([
    {
      externalId: 'ord-2',
      amount: 12,
      currency: 'USD',
      channel: 'WEB',
      orderedAt: '2026-02-10T09:00:00.000Z',
    },
  ]);
  const stored = async () => Number((await knex()('orders').count({ n: '*' }))[0].n);
  expect(await stored()).toBe(2);
  const replay = await importFile(knex(), { kind: 'orders', path, rejectsFile });
  expect(replay).toMatchObject({ rows: 8, accepted: 0, duplicates: 2, rejected: 6 });
  expect(await stored()).toBe(2);
});

test('a CSV whose header names an unknown field, or lacks a required one, is refused whole', async () => {
  const unknown = file(
    'unknown.csv',
    'externalId,customerExternalId,name,occurredAt,colour\r\ne-1,imp-1,x,2026-01-01,red\r\n',
  );
  await expect(importFile(knex(), { kind: 'events', path: unknown })).rejects.toThrow(ImportFileError);
  await expect(importFile(knex(), { kind: 'events', path: unknown })).rejects.toThrow(
    /the header names "colour", not field of events/,
  );
  const missing = file('missing.csv', 'externalId,customerExternalId,name\r\ne-1,imp-1,x\r\n');
  await expect(importFile(knex(), { kind: 'events', path: missing })).rejects.toThrow(
    'the header lacks occurredAt',
  );
  expect(Number((await knex()('events').count({ n: '*' }))[0].n)).toBe(0);
});

test('npm run import: progress lines and a summary on stderr, exit 3 with rejects, and a replay stores nothing twice', async () => {
  const rows = Array.from(
    { length: 2_500 },
    (_, i) =>
      `ev-${i},${i % 2 ? 'imp-1' : 'imp-2'},page_view,WEB,2026-01-${String((i % 28) + 1).padStart(2, '0')}T08:00:00Z,"{""n"":${i}}"`,
  );
  rows.push('ev-bad,nobody,page_view,WEB,2026-01-01T00:00:00Z,');
  const path = file(
    'events.csv',
    `externalId,customerExternalId,name,channel,occurredAt,properties\n${rows.join('\n')}\n`,
  );
  const target = server.target;
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: target.dialect === 'sqlite' ? `sqlite:${target.path}` : target.url,
  };
  const run = () =>
    spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'cli', 'import.js'), 'events', path], {
      env,
      encoding: 'utf8',
    });
  const first = run();
  expect(first.status).toBe(3);
  // Not a terminal: plain progress lines, no bar redrawn with carriage returns.
  expect(first.stderr).not.toContain('\r');
  expect(first.stderr).toMatch(/^100% 2,501 rows · 2,500 stored · 0 already there · 1 rejected/m);
  expect(first.stderr).toContain(`imported ${path} (events) in`);
  expect(first.stderr).toContain(
    `2,501 rows, 2,500 stored, 0 already there (duplicates), 1 rejected (reasons in ${path}.rejected.ndjson)`,
  );
  expect(rejectsOf(`${path}.rejected.ndjson`)).toEqual([
    expect.objectContaining({ line: 2502, externalId: 'ev-bad', field: 'customerExternalId' }),
  ]);
  const second = run();
  expect(second.status).toBe(3);
  expect(second.stderr).toContain('2,501 rows, 0 stored, 2,500 already there (duplicates), 1 rejected');
  expect(Number((await knex()('events').count({ n: '*' }))[0].n)).toBe(2_500);
  const ofImp1 = await knex()('events as e')
    .join('customers as c', 'c.id', 'e.customer_id')
    .where('c.external_id', 'imp-1')
    .count({ n: '*' });
  expect(Number(ofImp1[0].n)).toBe(1_250);

  const usage = spawnSync(
    process.execPath,
    [join(PROJECT_ROOT, 'dist', 'src', 'cli', 'import.js'), 'people', path],
    {
      env,
      encoding: 'utf8',
    },
  );
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain('usage: npm run import');
  expect(existsSync(`${path}.rejected.ndjson`)).toBe(true);
});
