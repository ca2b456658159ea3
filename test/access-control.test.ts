import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { createApiKey } from '../src/auth/api-keys.service';
import { ALL_SCOPES, Scope } from '../src/common/scopes';
import { buildAppSchema } from '../src/server/schema';
import { startTestServer, type TestServer } from './support/server';

/**
 * Every root field and mutation against API keys: without a key
 * UNAUTHENTICATED, with every scope but the one it needs FORBIDDEN, with only
 * that scope neither. The scope each field needs is written here, from the
 * contract, not read from the code: a new root field without an entry fails.
 */
const INGEST_MUTATIONS = ['upsertCustomers', 'recordOrders', 'recordEvents', 'refreshMetrics'];
const ADMIN_FIELDS = ['apiKeys', 'createApiKey', 'revokeApiKey'];
const WEBHOOK_FIELDS = [
  'webhooks',
  'createWebhook',
  'updateWebhook',
  'enableWebhook',
  'deleteWebhook',
  'testWebhook',
];
const WRITE_MUTATIONS = [
  'createSegment',
  'updateSegment',
  'deleteSegment',
  'createScoringModel',
  'updateScoringModel',
  'deleteScoringModel',
  'createPersona',
  'updatePersona',
  'deletePersona',
];

function expectedScope(operation: 'query' | 'mutation', field: string): Scope {
  if (ADMIN_FIELDS.includes(field)) return Scope.ADMIN;
  if (WEBHOOK_FIELDS.includes(field)) return Scope.WEBHOOKS;
  if (operation === 'query') return Scope.READ;
  if (INGEST_MUTATIONS.includes(field)) return Scope.INGEST;
  if (WRITE_MUTATIONS.includes(field)) return Scope.WRITE;
  throw new Error(`mutation ${field} has no expected scope in this test: add it`);
}

/** The smallest value GraphQL accepts for an input type: required input fields only, empty lists, a harmless scalar. */
function dummyValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return dummyValue(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined)
        value[field.name] = dummyValue(field.type);
    }
    return value;
  }
  switch (type.name) {
    case 'ID':
      return '999999';
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return '2026-01-01T00:00:00Z';
    case 'JSON':
      return {};
    default:
      return 'x';
  }
}

/** One operation calling a field with its required arguments as variables, selecting only __typename. */
function operationFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  const declared = required.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passed = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `${operation}${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((arg) => [arg.name, dummyValue(arg.type)])),
  };
}

let server: TestServer;
const keys = new Map<string, string>();

async function keyWith(scopes: Scope[]): Promise<string> {
  const name = scopes.join(',') || 'none';
  if (!keys.has(name))
    keys.set(name, (await createApiKey(server.db.fork().getKnex(), `test ${name}`, scopes)).key);
  return keys.get(name)!;
}

async function call(query: string, variables: Record<string, unknown>, key?: string) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: any;
      errors?: Array<{ message: string; path?: string[]; extensions: { code: string } }>;
    },
  };
}

function codes(body: { errors?: Array<{ extensions: { code: string } }> }): string[] {
  return (body.errors ?? []).map((error) => error.extensions.code);
}

beforeAll(async () => {
  server = await startTestServer({}, { auth: 'keys' });
});
afterAll(async () => server.stop());

describe.each(['query', 'mutation'] as const)('every %s root field', (operation) => {
  const fields = async () => {
    const schema = await buildAppSchema();
    const root = (
      operation === 'query' ? schema.getQueryType() : schema.getMutationType()
    ) as GraphQLObjectType;
    return Object.values(root.getFields());
  };

  test('has an expected scope and answers UNAUTHENTICATED without a key, FORBIDDEN without its scope, neither with it', async () => {
    const checked: string[] = [];
    for (const field of await fields()) {
      const scope = expectedScope(operation, field.name);
      const { query, variables } = operationFor(operation, field);
      const anonymous = await call(query, variables);
      expect({
        field: field.name,
        codes: codes(anonymous.body),
        data: anonymous.body.data?.[field.name] ?? null,
      }).toEqual({
        field: field.name,
        codes: ['UNAUTHENTICATED'],
        data: null,
      });
      const others = await call(query, variables, await keyWith(ALL_SCOPES.filter((s) => s !== scope)));
      expect({ field: field.name, codes: codes(others.body) }).toEqual({
        field: field.name,
        codes: ['FORBIDDEN'],
      });
      expect(others.body.errors![0].message).toContain(scope);
      const allowed = await call(query, variables, await keyWith([scope]));
      expect({
        field: field.name,
        codes: codes(allowed.body).filter((code) => code === 'FORBIDDEN' || code === 'UNAUTHENTICATED'),
      }).toEqual({ field: field.name, codes: [] });
      checked.push(field.name);
    }
    expect(checked.length).toBeGreaterThanOrEqual(15);
  });
});

describe('API keys over HTTP', () => {
  test('an unknown, revoked or malformed key is a 401 UNAUTHENTICATED whatever the query', async () => {
    const admin = await keyWith([Scope.ADMIN]);
    const created = await call(
      'mutation { createApiKey(name: "short-lived", scopes: [READ]) { key apiKey { id scopes } } }',
      {},
      admin,
    );
    expect(created.body.errors).toBeUndefined();
    const { key, apiKey } = created.body.data.createApiKey;
    expect(apiKey.scopes).toEqual(['READ']);
    expect((await call('{ customers { totalCount } }', {}, key)).body.data.customers.totalCount).toBe(0);

    const revoked = await call(`mutation { revokeApiKey(id: "${apiKey.id}") { revokedAt } }`, {}, admin);
    expect(revoked.body.data.revokeApiKey.revokedAt).toEqual(expect.any(String));
    for (const bad of [key, `${key.slice(0, -1)}x`, 'not-a-key', '']) {
      const answer = await call('{ customers { totalCount } }', {}, bad || 'seg_');
      expect({ bad, status: answer.status, codes: codes(answer.body) }).toEqual({
        bad,
        status: 401,
        codes: ['UNAUTHENTICATED'],
      });
    }
  });

  test('the stored key is a hash: the secret appears nowhere in the table', async () => {
    const { key } = await createApiKey(server.db.fork().getKnex(), 'hash check', [Scope.READ]);
    const rows = await server.db.fork().getKnex()('api_keys').select('*');
    expect(JSON.stringify(rows)).not.toContain(key.slice(12));
  });

  test('a key without read may create a segment but not read its size', async () => {
    const writer = await keyWith([Scope.WRITE]);
    const answer = await call(
      'mutation { createSegment(input: { name: "Writers only", filter: { identity: { country: { in: ["FR"] } } } }) { name size } }',
      {},
      writer,
    );
    expect(answer.body.data?.createSegment ?? null).toBeNull();
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        path: ['createSegment', 'size'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
      }),
    ]);
  });

  test('a key without read learns no other saved segment through what a mutation returns: references and referencedBy need read', async () => {
    const full = await keyWith([Scope.READ, Scope.WRITE]);
    const writer = await keyWith([Scope.WRITE]);
    const secret = await call(
      'mutation { createSegment(input: { name: "Someone else\'s", filter: { identity: { country: { in: ["IS"] } } } }) { id } }',
      {},
      full,
    );
    const id = secret.body.data.createSegment.id;
    const probes = [
      `mutation { createSegment(input: { name: "Probe", filter: { inSegment: "${id}" } }) { id references { filter definition } } }`,
      `mutation { createSegment(input: { name: "Probe too", filter: { inSegment: "${id}" } }) { id references { id } } }`,
      `mutation { updateSegment(id: "${id}", input: { name: "Someone else's", filter: { identity: { country: { in: ["IS"] } } } }) { referencedBy { filter definition } } }`,
    ];
    for (const probe of probes) {
      const answer = await call(probe, {}, writer);
      expect({ probe, text: JSON.stringify(answer.body.data ?? null) }).toEqual({
        probe,
        text: expect.not.stringContaining('IS'),
      });
      expect({ probe, errors: answer.body.errors }).toEqual({
        probe,
        errors: [
          expect.objectContaining({
            message: expect.stringMatching(/^Segment\.(references|referencedBy) needs the read scope$/),
            extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
          }),
        ],
      });
      // With read as well, the same mutation answers.
      const allowed = await call(probe.replace('"Probe', '"Read probe'), {}, full);
      expect({ probe, errors: allowed.body.errors }).toEqual({ probe, errors: undefined });
    }
  });

  test('apiKeys lists keys without their secret', async () => {
    const answer = await call(
      '{ apiKeys { id name prefix scopes createdAt } }',
      {},
      await keyWith([Scope.ADMIN]),
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.apiKeys.length).toBeGreaterThan(3);
    for (const apiKey of answer.body.data.apiKeys) expect(apiKey.prefix).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });
});
