import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getIntrospectionQuery, parse, validate } from 'graphql';
import { PROJECT_ROOT } from '../src/common/paths';
import { buildAppSchema } from '../src/server/schema';
import { documentExcess } from '../src/server/document-limits';
import { startTestServer, type TestServer } from './support/server';

/**
 * A document is bounded before GraphQL validates it: validation compares every
 * pair of fields answering under one name, so unbounded repetition held the
 * event loop (and /healthz with it) for seconds.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.stop());

/** Sends a document while /healthz is asked once the document is on its way; both answers and /healthz's time. */
async function sendBesideHealth(query: string) {
  const answer = server.post(query);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const started = Date.now();
  const health = await fetch(server.url.replace('/graphql', '/healthz'));
  const healthMs = Date.now() - started;
  return { answer: await answer, health: health.status, healthMs };
}

test('the issue’s 50 KiB document of 2,000 copies of one aliased field is refused before validation; /healthz answers meanwhile', async () => {
  const query = `{ ${'a: customer(id:"1"){ id } '.repeat(2000)}}`;
  expect(query.length).toBeGreaterThan(50_000);
  const { answer, health, healthMs } = await sendBesideHealth(query);
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toEqual([
    {
      message: 'the document has more than 10000 tokens',
      extensions: { code: 'QUERY_TOO_LARGE', limit: 10_000 },
    },
  ]);
  expect(health).toBe(200);
  // Unbounded, validating this document took 17 s.
  expect(healthMs).toBeLessThan(5000);
});

test('400,000 __typename aliases are refused at the token limit, introspection fields counting like any other', async () => {
  const query = `{ ${'a: __typename '.repeat(400_000)}}`;
  const { answer, health, healthMs } = await sendBesideHealth(query);
  expect(answer.status).toBe(400);
  expect(answer.body.errors).toEqual([
    {
      message: 'the document has more than 10000 tokens',
      extensions: { code: 'QUERY_TOO_LARGE', limit: 10_000 },
    },
  ]);
  expect(health).toBe(200);
  expect(healthMs).toBeLessThan(5000);
});

test('each document limit answers its figures', async () => {
  const refused = async (query: string) => {
    const answer = await server.post(query);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toHaveLength(1);
    return answer.body.errors![0].extensions;
  };
  expect(await refused(`{ ${'__typename '.repeat(501)}}`)).toEqual({
    code: 'QUERY_TOO_LARGE',
    fields: 501,
    limit: 500,
  });
  expect(await refused(`{ ${'a: customer(id:"1") { __typename } '.repeat(101)}}`)).toEqual({
    code: 'QUERY_TOO_LARGE',
    aliases: 101,
    limit: 100,
  });
  // Without aliases: repeating a field unaliased costs validation as much.
  expect(await refused(`{ ${'customer(id:"1") { id } '.repeat(51)}}`)).toEqual({
    code: 'QUERY_TOO_LARGE',
    fields: 51,
    limit: 50,
  });
  // Fragments that spread each other twice: 2^30 fields once expanded in a document of 31 fragments.
  let bomb = '{ customer(id: "1") { ...F30 } } fragment F0 on Customer { id }';
  for (let i = 1; i <= 30; i++) bomb += ` fragment F${i} on Customer { ...F${i - 1} ...F${i - 1} }`;
  expect(await refused(bomb)).toEqual({ code: 'QUERY_TOO_LARGE', limit: 10_000 });
});

test('a document that does not parse still gets the parser’s own answer, with the place of the mistake', async () => {
  const answer = await server.post('{ customers {');
  expect(answer.status).toBe(400);
  expect(answer.body.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  expect(answer.body.errors?.[0].locations).toEqual([{ line: 1, column: 14 }]);
});

test('the playground’s introspection query and every example operation are within the limits', () => {
  const introspection = getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
    oneOf: true,
  });
  expect(documentExcess(parse(introspection))).toBeNull();
  const folder = join(PROJECT_ROOT, 'schema/examples');
  const examples = readdirSync(folder).filter((name) => name.endsWith('.graphql'));
  expect(examples.length).toBeGreaterThan(10);
  for (const name of examples)
    expect([name, documentExcess(parse(readFileSync(join(folder, name), 'utf8')))]).toEqual([name, null]);
});

test('the most repetitive document within the limits validates in well under a second', async () => {
  // Ten names 50 times each, in pairs of parent and child: the most pairs of same-named fields the limits allow.
  const query = `{ ${[
    'customer(id:"1") { id }',
    'a: customer(id:"2") { email }',
    'segments { totalCount }',
    'personas { name }',
    'scoringModels { b: name }',
  ]
    .map((field) => `${field} `.repeat(50))
    .join('')}}`;
  const document = parse(query);
  expect(documentExcess(document)).toBeNull();
  const schema = await buildAppSchema();
  const started = Date.now();
  expect(validate(schema, document)).toEqual([]);
  // Measured about 0.1 s; the 2,000-copy document took 17 s.
  expect(Date.now() - started).toBeLessThan(1500);
  const answer = await server.post(query);
  expect(answer.body.errors).toBeUndefined();
});
