import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApiKey } from '../src/auth/api-keys.service';
import { OPEN_DEMO_CALLER, Scope } from '../src/common/scopes';
import { EXPORT_FIELDS } from '../src/export/fields';
import { exportChunks, planExport, writeChunks } from '../src/export/members';
import { PROJECT_ROOT } from '../src/common/paths';
import { startTestServer, type TestServer } from './support/server';

/**
 * GET /export/segments/{id}/members.csv|.ndjson: the members of a saved
 * segment as of asOf, checked against what GraphQL answers for the same
 * segment, with CSV read back by a parser written here (not the service's).
 */
let server: TestServer;
let base: string;
let reader: string;
let piiReader: string;
let writer: string;
let ingestOnly: string;
const segments: Record<string, string> = {};

/** Customers whose values test quoting, accents, line breaks and cells a spreadsheet would run as formulas. */
const TRICKY = [
  {
    externalId: 'c-accents',
    email: 'élodie.müller@example.org',
    phone: '+33 6 12 34 56 78',
    firstName: 'Élodie',
    lastName: 'Müller, "la grande"',
    birthDate: '1984-03-09T00:00:00.000Z',
    country: 'FR',
    city: 'Zürich',
    region: 'line one\nline two',
    interests: ['café', 'a"b'],
    attributes: { note: 'a,b', vip: true, score: 3 },
    emailOptIn: true,
  },
  {
    externalId: 'c-formulas',
    email: 'x@example.org',
    firstName: '=HYPERLINK("http://evil.example","x")',
    lastName: '@SUM(A1:A2)',
    city: '-2+3',
    region: '+cmd|calc',
    companyName: '\tTab first',
    jobTitle: '\rCR first',
    country: 'DE',
  },
];

const BULK = 2_500;

async function call(key: string | null, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: any[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function download(key: string | null, path: string) {
  const response = await fetch(`${base}${path}`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes, text: bytes.toString('utf8') };
}

/**
 * RFC 4180 read independently of src/export/csv.ts: a field is either
 * "…" (with "" for a quote) or runs to the next comma or CRLF.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    if (text[i] === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new Error('unclosed quote');
        if (text[j] === '"' && text[j + 1] === '"') {
          value += '"';
          j += 2;
        } else if (text[j] === '"') {
          break;
        } else {
          value += text[j++];
        }
      }
      i = j + 1;
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      const stop = end < 0 ? text.length : i + end;
      value = text.slice(i, stop);
      if (value.includes('"') || value.includes('\n')) throw new Error(`bare quote or LF in ${value}`);
      i = stop;
    }
    record.push(value);
    if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else if (text[i] === ',') {
      i += 1;
    } else if (i < text.length) {
      throw new Error(`unexpected character after a field at ${i}`);
    }
  }
  if (record.length) throw new Error('the last record is not ended by CRLF');
  return records;
}

/** Rows of a CSV export as objects by header name, after the byte order mark. */
function csvObjects(text: string): Array<Record<string, string>> {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  for (const row of rows) expect(row).toHaveLength(header.length);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}

/** Every member of a saved segment through GraphQL, page by page. */
async function graphqlMembers(segment: string, asOf?: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await call(
      piiReader,
      'query ($s: ID!, $a: String, $at: DateTime) { segment(id: $s) { members(first: 500, after: $a, asOf: $at) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }',
      { s: segment, a: after, at: asOf ?? null },
    );
    const page = data.segment.members;
    ids.push(...page.edges.map((edge: any) => edge.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  server = await startTestServer({}, { auth: 'keys' });
  base = server.url.replace(/\/graphql$/, '');
  const knex = server.db.fork().getKnex();
  reader = (await createApiKey(knex, 'reader', [Scope.READ])).key;
  piiReader = (await createApiKey(knex, 'pii reader', [Scope.READ, Scope.PII])).key;
  writer = (await createApiKey(knex, 'writer', [Scope.WRITE, Scope.INGEST, Scope.READ, Scope.PII])).key;
  ingestOnly = (await createApiKey(knex, 'ingest only', [Scope.INGEST])).key;
  const bulk = Array.from({ length: BULK }, (_, i) => ({
    externalId: `b-${String(i).padStart(5, '0')}`,
    country: ['FR', 'DE', 'ES'][i % 3],
    email: `person${i}@example.com`,
  }));
  const upsert = 'mutation ($c: [CustomerInput!]!) { upsertCustomers(customers: $c) { accepted } }';
  expect((await call(writer, upsert, { c: TRICKY })).upsertCustomers.accepted).toBe(2);
  expect((await call(writer, upsert, { c: bulk })).upsertCustomers.accepted).toBe(BULK);
  // Buyers in January and in March: a segment of buyers as of February holds only the first.
  const orders = bulk.slice(0, 300).map((customer, i) => ({
    externalId: `o-${i}`,
    customerExternalId: customer.externalId,
    orderedAt: i % 2 === 0 ? '2026-01-10T10:00:00Z' : '2026-03-10T10:00:00Z',
    amount: 10 + i,
  }));
  const recorded = await call(
    writer,
    'mutation ($o: [OrderInput!]!) { recordOrders(orders: $o) { accepted } }',
    { o: orders },
  );
  expect(recorded.recordOrders.accepted).toBe(300);
  const save = async (name: string, filter: unknown) =>
    (
      await call(
        writer,
        'mutation ($n: String!, $f: SegmentFilter!) { createSegment(input: { name: $n, filter: $f }) { id } }',
        {
          n: name,
          f: filter,
        },
      )
    ).createSegment.id as string;
  segments.everyone = await save('everyone', { not: { identity: { country: { eq: 'ZZ' } } } });
  segments.buyers = await save('buyers', { behaviour: { purchase: { count: { gte: 1 } } } });
  segments.tricky = await save('tricky', {
    identity: { country: { in: ['FR', 'DE'] } },
    not: { identity: { email: { contains: '@example.com' } } },
  });
  segments.adults = await save('adults', { identity: { age: { gte: 18 } } });
});
afterAll(async () => server.stop());

const ALL_FIELDS = Object.keys(EXPORT_FIELDS).join(',');

test('CSV opens as written: BOM, header, RFC 4180 quoting, accents, formula cells neutralised', async () => {
  const answer = await download(
    piiReader,
    `/export/segments/${segments.tricky}/members.csv?fields=${ALL_FIELDS}`,
  );
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
  expect(answer.headers.get('content-disposition')).toBe(
    `attachment; filename="segment-${segments.tricky}-members.csv"`,
  );
  expect([...answer.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = csvObjects(answer.text);
  expect(rows.map((row) => row.externalId)).toEqual(['c-accents', 'c-formulas']);
  const [accents, formulas] = rows;
  expect(accents).toMatchObject({
    email: 'élodie.müller@example.org',
    firstName: 'Élodie',
    lastName: 'Müller, "la grande"',
    city: 'Zürich',
    region: 'line one\nline two',
    birthDate: '1984-03-09T00:00:00.000Z',
    // A phone starting with + is a formula to a spreadsheet: it gets the apostrophe too.
    phone: "'+33 6 12 34 56 78",
    emailOptIn: 'true',
    country: 'FR',
    companySize: '',
    orderCount: '',
  });
  expect(JSON.parse(accents.interests)).toEqual(['café', 'a"b']);
  expect(JSON.parse(accents.attributes)).toEqual({ note: 'a,b', vip: true, score: 3 });
  expect(formulas).toMatchObject({
    firstName: `'=HYPERLINK("http://evil.example","x")`,
    lastName: "'@SUM(A1:A2)",
    city: "'-2+3",
    region: "'+cmd|calc",
    companyName: "'\tTab first",
    jobTitle: "'\rCR first",
  });
  // No cell of the file starts with a formula character.
  for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
});

test('ndjson: one JSON object per line, the fields asked for in their order, values typed', async () => {
  const answer = await download(
    piiReader,
    `/export/segments/${segments.tricky}/members.ndjson?fields=externalId,lastName,interests,attributes,emailOptIn,companySize,firstName`,
  );
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
  expect(answer.text.endsWith('\n')).toBe(true);
  const lines = answer.text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(Object.keys(lines[0])).toEqual([
    'externalId',
    'lastName',
    'interests',
    'attributes',
    'emailOptIn',
    'companySize',
    'firstName',
  ]);
  expect(lines[0]).toEqual({
    externalId: 'c-accents',
    lastName: 'Müller, "la grande"',
    interests: ['café', 'a"b'],
    attributes: { note: 'a,b', vip: true, score: 3 },
    emailOptIn: true,
    companySize: null,
    firstName: 'Élodie',
  });
  // Programs read ndjson: values as stored, no apostrophe.
  expect(lines[1].firstName).toBe('=HYPERLINK("http://evil.example","x")');
});

test('without pii, personal fields are masked exactly as GraphQL masks them', async () => {
  const fields = 'externalId,email,phone,firstName,lastName,birthDate';
  const answer = await download(
    reader,
    `/export/segments/${segments.tricky}/members.ndjson?fields=${fields}`,
  );
  expect(answer.status).toBe(200);
  const exported = answer.text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  const data = await call(
    reader,
    `{ a: customer(externalId: "c-accents") { ${fields.replace(/,/g, ' ')} } b: customer(externalId: "c-formulas") { ${fields.replace(/,/g, ' ')} } }`,
  );
  expect(exported).toEqual([data.a, data.b]);
  expect(exported[0]).toEqual({
    externalId: 'c-accents',
    email: 'é***@example.org',
    phone: '***78',
    firstName: 'É***',
    lastName: 'M***',
    birthDate: null,
  });
  expect(answer.text).not.toContain('Müller');
  const csv = await download(reader, `/export/segments/${segments.tricky}/members.csv?fields=${fields}`);
  expect(csv.text).not.toContain('lodie');
  expect(csv.text).not.toContain('1984');
});

test('without a key 401, with an unknown key 401, without the read scope 403: JSON errors in the service shape', async () => {
  const path = `/export/segments/${segments.tricky}/members.csv`;
  const none = await download(null, path);
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toBe('Bearer');
  expect(JSON.parse(none.text)).toEqual({
    errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }],
  });
  const unknown = await download('seg_not_a_key', path);
  expect(unknown.status).toBe(401);
  expect(JSON.parse(unknown.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  const refused = await download(ingestOnly, path);
  expect(refused.status).toBe(403);
  expect(JSON.parse(refused.text)).toEqual({
    errors: [
      { message: 'exporting segment members needs the read scope', extensions: { code: 'FORBIDDEN' } },
    ],
  });
});

test('unknown segment or export 404; wrong fields, asOf or parameters 400 at their path', async () => {
  const cases: Array<[string, number, Record<string, unknown>]> = [
    ['/export/segments/999999/members.csv', 404, { code: 'NOT_FOUND' }],
    ['/export/segments/abc/members.ndjson', 404, { code: 'NOT_FOUND' }],
    [`/export/segments/${segments.tricky}/members.xlsx`, 404, { code: 'NOT_FOUND' }],
    ['/export/elsewhere', 404, { code: 'NOT_FOUND' }],
    [
      `/export/segments/${segments.tricky}/members.csv?fields=id,nope`,
      400,
      { code: 'BAD_USER_INPUT', path: 'fields.1' },
    ],
    [
      `/export/segments/${segments.tricky}/members.csv?fields=id,id`,
      400,
      { code: 'BAD_USER_INPUT', path: 'fields' },
    ],
    [
      `/export/segments/${segments.tricky}/members.csv?fields=`,
      400,
      { code: 'BAD_USER_INPUT', path: 'fields' },
    ],
    [
      `/export/segments/${segments.tricky}/members.csv?asOf=2026-02-30`,
      400,
      { code: 'BAD_USER_INPUT', path: 'asOf' },
    ],
    [
      `/export/segments/${segments.tricky}/members.csv?asOf=a&asOf=b`,
      400,
      { code: 'BAD_USER_INPUT', path: 'asOf' },
    ],
    [
      `/export/segments/${segments.tricky}/members.csv?format=xml`,
      400,
      { code: 'BAD_USER_INPUT', path: 'query' },
    ],
  ];
  for (const [path, status, extensions] of cases) {
    const answer = await download(piiReader, path);
    expect({ path, status: answer.status, body: JSON.parse(answer.text) }).toEqual({
      path,
      status,
      body: { errors: [{ message: expect.any(String), extensions }] },
    });
  }
  // The refused name is not echoed.
  const refused = await download(
    piiReader,
    `/export/segments/${segments.tricky}/members.csv?fields=id,secretive`,
  );
  expect(refused.text).not.toContain('secretive');
});

test('an age criterion at a chosen asOf needs pii, as in GraphQL; at now it does not', async () => {
  const chosen = await download(reader, `/export/segments/${segments.adults}/members.csv?asOf=2026-01-01`);
  expect(chosen.status).toBe(403);
  expect(JSON.parse(chosen.text).errors[0].extensions.code).toBe('FORBIDDEN');
  expect((await download(reader, `/export/segments/${segments.adults}/members.csv`)).status).toBe(200);
  expect(
    (await download(piiReader, `/export/segments/${segments.adults}/members.csv?asOf=2026-01-01`)).status,
  ).toBe(200);
});

test('the export holds the members GraphQL lists as of asOf, each once, in id order, across pages', async () => {
  for (const [segment, asOf] of [
    [segments.buyers, '2026-02-01T00:00:00.000Z'],
    [segments.buyers, undefined],
    [segments.everyone, undefined],
  ] as const) {
    const query = asOf ? `&asOf=${asOf}` : '';
    const answer = await download(piiReader, `/export/segments/${segment}/members.csv?fields=id${query}`);
    expect(answer.status).toBe(200);
    if (asOf) expect(answer.headers.get('x-export-as-of')).toBe(asOf);
    const exported = csvObjects(answer.text).map((row) => Number(row.id));
    const listed = (await graphqlMembers(segment, asOf)).map(Number);
    expect(exported).toEqual([...listed].sort((a, b) => a - b));
    expect(exported).toEqual([...new Set(exported)].sort((a, b) => a - b));
  }
  // The segments are what the data says: half the buyers bought by February, all of them by now, and everyone is 2 + BULK.
  const february = csvObjects(
    (await download(piiReader, `/export/segments/${segments.buyers}/members.csv?fields=id&asOf=2026-02-01`))
      .text,
  );
  expect(february).toHaveLength(150);
  const everyone = (
    await download(piiReader, `/export/segments/${segments.everyone}/members.ndjson?fields=id`)
  ).text;
  expect(everyone.trimEnd().split('\n')).toHaveLength(BULK + 2);
});

test('pages are read only as the receiver takes them: a full buffer (write returns false) stops the reading', async () => {
  const em = server.db.fork();
  const plan = await planExport(em, {
    segmentId: segments.everyone,
    asOf: null,
    fields: ['id'],
    format: 'ndjson',
    caller: OPEN_DEMO_CALLER,
    now: new Date(),
  });
  let pagesRead = 0;
  const taken: Array<() => void> = [];
  // A receiver that holds every write until released, with room for one chunk: write returns false at once.
  const slow = new Writable({
    highWaterMark: 1,
    write(_chunk, _encoding, callback) {
      taken.push(callback);
    },
  });
  const done = writeChunks(
    slow,
    exportChunks(em.getKnex(), plan, { pageSize: 100, onPage: () => pagesRead++ }),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(pagesRead).toBe(1);
  expect(taken).toHaveLength(1);
  taken.shift()!();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(pagesRead).toBe(2);
  // Released as fast as it comes, the rest of the export flows: 26 pages of 100 for 2,502 members.
  const release = setInterval(() => taken.splice(0).forEach((callback) => callback()), 1);
  await done;
  clearInterval(release);
  expect(pagesRead).toBe(Math.ceil((BULK + 2) / 100));
});

test('customers created while an export runs are left out of it', async () => {
  const em = server.db.fork();
  const plan = await planExport(em, {
    segmentId: segments.everyone,
    asOf: null,
    fields: ['externalId'],
    format: 'ndjson',
    caller: OPEN_DEMO_CALLER,
    now: new Date(),
  });
  const chunks = exportChunks(em.getKnex(), plan, { pageSize: 1000 });
  let text = (await chunks.next()).value as string;
  await call(writer, 'mutation { upsertCustomers(customers: [{ externalId: "late-comer" }]) { accepted } }');
  for await (const chunk of chunks) text += chunk;
  const ids = text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line).externalId);
  expect(ids).toHaveLength(BULK + 2);
  expect(ids).not.toContain('late-comer');
  // The next export has it.
  const next = await download(
    piiReader,
    `/export/segments/${segments.everyone}/members.ndjson?fields=externalId`,
  );
  expect(next.text).toContain('"late-comer"');
});

test('npm run export writes what the HTTP export sends (one streaming core)', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'export-cli-'));
  try {
    const out = join(folder, 'tricky.csv');
    const asOf = '2026-06-01T00:00:00.000Z';
    const run = spawnSync(
      process.execPath,
      [
        join(PROJECT_ROOT, 'dist', 'src', 'cli', 'export.js'),
        '--segment',
        segments.tricky,
        '--format',
        'csv',
        '--fields',
        ALL_FIELDS,
        '--as-of',
        asOf,
        '--out',
        out,
      ],
      { env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl() }, encoding: 'utf8' },
    );
    expect(run.stderr).toContain('exported 2 members of segment');
    expect(run.status).toBe(0);
    const http = await download(
      piiReader,
      `/export/segments/${segments.tricky}/members.csv?fields=${ALL_FIELDS}&asOf=${asOf}`,
    );
    expect(readFileSync(out, 'utf8')).toBe(http.text);
    const unknown = spawnSync(
      process.execPath,
      [join(PROJECT_ROOT, 'dist', 'src', 'cli', 'export.js'), '--segment', '424242', '--format', 'csv'],
      { env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl() }, encoding: 'utf8' },
    );
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no segment has id "424242"');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

function databaseUrl(): string {
  const target = server.target;
  return target.dialect === 'sqlite' ? `sqlite:${target.path}` : target.url;
}
