import { loadSyntheticBase } from '../seeds/load';
import {
  decodeCursor,
  encodeCursor,
  openCursor,
  sealCursor,
  useCursorSecret,
} from '../src/common/pagination';
import { DEFAULT_LIMITS } from '../src/common/config';
import { startTestServer, type TestServer } from './support/server';

/**
 * A cursor is a position under the ordering and in the kind of connection it
 * was made for. On every connection field, under every ordering, and on both
 * stores: a cursor from another ordering or connection, or a forged one (not
 * base64, not sealed by the service, changed in any byte; or sealed but of the
 * wrong arity, the wrong type in any place, numbers that do not fit the
 * column), is BAD_USER_INPUT at `after` — never an internal error from the
 * database, never a page from somewhere else. Genuine cursors page through
 * each ordering exactly, and show nothing of the values they hold.
 */
let server: TestServer;

const AS_OF = '2026-06-01T00:00:00Z';
const PAGE = '{ pageInfo { hasNextPage endCursor } edges { cursor node { id } } }';

/** The kinds of the sort values, as this test knows them from the contract: a forgery is wrong for its kind. */
type SortKind = 'bigint' | 'int' | 'double' | 'text';

interface Place {
  name: string;
  /** The order the place lists its nodes in: places of the same order (customers under one ordering) share cursors. */
  order: string;
  sortKinds: SortKind[];
  /** The connection at `$after` with `first: $first`. */
  query: string;
  connection(data: any): {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string } }>;
  };
}

const ids: { segment: string; persona: string; modelA: string; modelB: string; customer: string } = {
  segment: '',
  persona: '',
  modelA: '',
  modelB: '',
  customer: '',
};
let places: Place[] = [];

const CUSTOMER_SORT_KINDS: Record<string, SortKind[]> = {
  CREATED_AT: ['bigint'],
  NAME: ['text', 'text'],
  LIFETIME_REVENUE: ['double'],
  LAST_ORDER_AT: ['bigint'],
  SCORE: ['int'],
};

function customersPlace(field: string, direction: string, model?: 'modelA' | 'modelB'): Place {
  return {
    sortKinds: CUSTOMER_SORT_KINDS[field],
    order: `customers ${field} ${direction}${model ? ` ${model}` : ''}`,
    name: `customers ${field} ${direction}${model ? ` ${model}` : ''}`,
    query: `query ($after: String, $first: Int) { customers(first: $first, after: $after, orderBy: { field: ${field}, direction: ${direction}${model ? `, scoreModel: "${ids[model]}"` : ''} }) ${PAGE} }`,
    connection: (data) => data.customers,
  };
}

async function ask(query: string, variables: Record<string, unknown> = {}) {
  const answer = await server.post(query, variables);
  return answer;
}

async function mutate(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const answer = await ask(query, variables);
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data;
}

beforeAll(async () => {
  // Thousands of requests from one address: the rate limit is another test's subject.
  server = await startTestServer({}, { limits: { ...DEFAULT_LIMITS, requestsPerMinute: null } });
  await loadSyntheticBase(server.db, { customers: 60, seed: 11, until: new Date(AS_OF) });
  await mutate(`mutation { refreshMetrics(asOf: "${AS_OF}") { customers } }`);
  ids.segment = (
    await mutate('mutation { createSegment(input: { name: "Everyone", filter: {} }) { id } }')
  ).createSegment.id;
  await mutate('mutation { createSegment(input: { name: "Everyone again", filter: {} }) { id } }');
  ids.persona = (
    await mutate('mutation { createPersona(input: { name: "All", filter: {} }) { id } }')
  ).createPersona.id;
  ids.modelA = (
    await mutate(
      'mutation { createScoringModel(input: { name: "A", rules: [{ label: "buyer", filter: { behaviour: { purchase: { count: { gte: 1 } } } }, points: 60 }] }) { id } }',
    )
  ).createScoringModel.id;
  ids.modelB = (
    await mutate(
      'mutation { createScoringModel(input: { name: "B", rules: [{ label: "regular", filter: { behaviour: { purchase: { count: { gte: 3 } } } }, points: 40 }] }) { id } }',
    )
  ).createScoringModel.id;
  // The customer with the most orders, who also has events: its orders and events page in several steps.
  const busiest = await mutate(
    '{ customers(first: 60) { edges { node { id orders(first: 0) { totalCount } events(first: 0) { totalCount } } } } }',
  );
  const customers = busiest.customers.edges.map((edge: any) => edge.node);
  customers.sort((a: any, b: any) => b.orders.totalCount - a.orders.totalCount);
  ids.customer = customers.find((customer: any) => customer.events.totalCount >= 3).id;
  expect(customers[0].orders.totalCount).toBeGreaterThanOrEqual(3);

  places = [
    customersPlace('CREATED_AT', 'ASC'),
    customersPlace('CREATED_AT', 'DESC'),
    customersPlace('NAME', 'ASC'),
    customersPlace('LIFETIME_REVENUE', 'DESC'),
    customersPlace('LAST_ORDER_AT', 'ASC'),
    customersPlace('SCORE', 'DESC', 'modelA'),
    customersPlace('SCORE', 'DESC', 'modelB'),
    {
      name: 'segments',
      order: 'segments',
      sortKinds: [],
      query: `query ($after: String, $first: Int) { segments(first: $first, after: $after) ${PAGE} }`,
      connection: (data) => data.segments,
    },
    {
      name: 'Segment.members LIFETIME_REVENUE ASC',
      order: 'customers LIFETIME_REVENUE ASC',
      sortKinds: ['double'],
      query: `query ($after: String, $first: Int) { segment(id: "${ids.segment}") { members(first: $first, after: $after, orderBy: { field: LIFETIME_REVENUE, direction: ASC }) ${PAGE} } }`,
      connection: (data) => data.segment.members,
    },
    {
      name: 'Persona.members',
      order: 'customers CREATED_AT ASC',
      sortKinds: ['bigint'],
      query: `query ($after: String, $first: Int) { persona(id: "${ids.persona}") { members(first: $first, after: $after) ${PAGE} } }`,
      connection: (data) => data.persona.members,
    },
    {
      name: 'Customer.orders',
      order: 'orders',
      sortKinds: ['bigint'],
      query: `query ($after: String, $first: Int) { customer(id: "${customers[0].id}") { orders(first: $first, after: $after) ${PAGE} } }`,
      connection: (data) => data.customer.orders,
    },
    {
      name: 'Customer.events',
      order: 'events',
      sortKinds: ['bigint'],
      query: `query ($after: String, $first: Int) { customer(id: "${ids.customer}") { events(first: $first, after: $after) ${PAGE} } }`,
      connection: (data) => data.customer.events,
    },
  ];
}, 120_000);
afterAll(async () => server.stop());

/** Every node of a place, one page of `first` at a time, following endCursor. */
async function walk(place: Place, first: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const answer = await ask(place.query, { after, first });
    expect({ place: place.name, errors: answer.body.errors }).toEqual({
      place: place.name,
      errors: undefined,
    });
    const connection = place.connection(answer.body.data);
    seen.push(...connection.edges.map((edge) => edge.node.id));
    if (!connection.pageInfo.hasNextPage) return seen;
    after = connection.pageInfo.endCursor;
  }
  throw new Error(`${place.name} did not end`);
}

test('genuine cursors page through every connection under every ordering exactly', async () => {
  for (const place of places) {
    const whole = await walk(place, 500);
    expect(whole.length).toBeGreaterThanOrEqual(2);
    expect({ place: place.name, paged: await walk(place, 3) }).toEqual({ place: place.name, paged: whole });
  }
});

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
/** What a cursor holds: only the service's key opens it (the test runs in the service's process). */
const decode = (cursor: string): unknown[] => JSON.parse(openCursor(cursor)!);

/** A genuine cursor of a place: the end of its first page of two. */
async function genuineCursor(place: Place): Promise<string> {
  const answer = await ask(place.query, { first: 2 });
  const cursor = place.connection(answer.body.data).pageInfo.endCursor;
  expect(cursor).toEqual(expect.any(String));
  return cursor!;
}

/** Values that are not of a kind: a sort value's, or an id's (a positive 32-bit integer, what PostgreSQL's serial holds). */
function wrongValuesFor(kind: SortKind | 'id'): unknown[] {
  const everywhere = [null, true, {}, [], [1]];
  const notNumbers = ['1', 'x', '', '1; drop table customers'];
  const notIntegers = [1.5, -0.25, 2 ** 53 + 2, 2 ** 63, 1e300, -1e300];
  switch (kind) {
    case 'id':
      return [...everywhere, ...notNumbers, ...notIntegers, 0, -1, 2 ** 31];
    case 'bigint':
      return [...everywhere, ...notNumbers, ...notIntegers];
    case 'int':
      return [...everywhere, ...notNumbers, ...notIntegers, 2 ** 31, -(2 ** 31) - 1];
    case 'double':
      return [...everywhere, ...notNumbers];
    case 'text':
      return [...everywhere, 1, 'nul\u0000inside', 'x'.repeat(2000)];
  }
}

/**
 * Cursors made from a genuine one and sealed with the service's key, as no
 * client can but an older version of the service might have: every way of
 * being wrong in every place of it. Sealing is no reason to trust the inside.
 */
function forgeriesOf(cursor: string, sortKinds: SortKind[]): Array<[string, string]> {
  const key = decode(cursor);
  const forged: Array<[string, string]> = [];
  const add = (why: string, json: string) => forged.push([why, sealCursor(json)]);
  // The format before sealing: a genuine key in plain base64url.
  forged.push(['the genuine key unsealed', base64url(JSON.stringify(key))]);
  add('one element short', JSON.stringify(key.slice(0, -1)));
  add('one element more', JSON.stringify([...key, 1]));
  add('without its ordering', JSON.stringify(key.slice(1)));
  add('an object', JSON.stringify({ ...key }));
  add('the ordering misspelt', JSON.stringify([`${key[0]} `, ...key.slice(1)]));
  add('the ordering lower-case', JSON.stringify([String(key[0]).toLowerCase(), ...key.slice(1)]));
  expect(key.length).toBe(sortKinds.length + 2);
  for (let i = 0; i < key.length; i++) {
    const kind = i === key.length - 1 ? 'id' : sortKinds[i - 1];
    for (const wrong of i === 0 ? [null, 1, 'customers', ''] : wrongValuesFor(kind)) {
      add(
        `place ${i} = ${JSON.stringify(wrong)?.slice(0, 20)}`,
        JSON.stringify(key.map((value, j) => (j === i ? wrong : value))),
      );
    }
    if (i > 0) {
      // Numbers JSON parses into infinities, and texts that are no JSON at all.
      for (const raw of ['1e400', '-1e400', 'NaN', 'Infinity', '0x10', '01']) {
        add(
          `place ${i} = ${raw}`,
          `[${key.map((value, j) => (j === i ? raw : JSON.stringify(value))).join(',')}]`,
        );
      }
    }
  }
  return forged;
}

/** Cursors that are nobody's: not base64url, not JSON, JSON of the wrong shape, and the format before cursors named their ordering. */
const NOBODYS: Array<[string, string]> = [
  ['empty', ''],
  ['not base64url', 'not a cursor!'],
  ['standard base64 with padding', Buffer.from('[1]').toString('base64')],
  ['base64url of text', base64url('not json')],
  ['base64url of a broken array', base64url('["customers:CREATED_AT:ASC", 1')],
  ['null', base64url('null')],
  ['a number', base64url('42')],
  ['a string', base64url('"customers:CREATED_AT:ASC"')],
  ['an empty array', base64url('[]')],
  ['an object', base64url('{"after": 1}')],
  ['deeply nested', base64url(`${'['.repeat(1000)}${']'.repeat(1000)}`)],
  ['very long', base64url(JSON.stringify(['customers:CREATED_AT:ASC', 'x'.repeat(10_000), 1]))],
  ['the old format: sort values and id', base64url('[1767225600000, 1]')],
  ['the old format: id only', base64url('[1]')],
  ['UTF-8 that is not', Buffer.from([0x5b, 0xff, 0xfe, 0x5d]).toString('base64url')],
];

async function expectRefused(place: Place, why: string, after: string): Promise<void> {
  const answer = await ask(place.query, { after, first: 2 });
  const errors = (answer.body.errors ?? []).map((error: any) => ({
    code: error.extensions.code,
    path: error.extensions.path,
    valid: /not a valid cursor for this ordering/.test(error.message),
  }));
  expect({ place: place.name, why, status: answer.status, errors }).toEqual({
    place: place.name,
    why,
    status: 400,
    errors: [{ code: 'BAD_USER_INPUT', path: 'after', valid: true }],
  });
}

test('every forged cursor is BAD_USER_INPUT at after on every connection, never an internal error', async () => {
  let tried = 0;
  for (const place of places) {
    const genuine = await genuineCursor(place);
    expect((await ask(place.query, { after: genuine, first: 2 })).body.errors).toBeUndefined();
    const cases = [...NOBODYS, ...forgeriesOf(genuine, place.sortKinds)];
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(cases.slice(i, i + 8).map(([why, after]) => expectRefused(place, why, after)));
    }
    tried += cases.length;
  }
  expect(tried).toBeGreaterThan(places.length * 40);
  expect(server.logged).toEqual([]);
});

test('first is checked alike on every connection: 0 to 500 pass, more or negative is BAD_USER_INPUT at first', async () => {
  const answers = [];
  for (const place of places) {
    for (const first of [null, 0, 500, 501, -1]) {
      const answer = await ask(place.query, { after: null, first });
      answers.push({
        place: place.name,
        first,
        status: answer.status,
        errors: (answer.body.errors ?? []).map((error: any) => [
          error.extensions.code,
          error.extensions.path,
          error.message,
        ]),
      });
    }
  }
  const expected = places.flatMap((place) => [
    { place: place.name, first: null, status: 200, errors: [] },
    { place: place.name, first: 0, status: 200, errors: [] },
    { place: place.name, first: 500, status: 200, errors: [] },
    {
      place: place.name,
      first: 501,
      status: 400,
      errors: [['BAD_USER_INPUT', 'first', 'first is at most 500 (got 501)']],
    },
    {
      place: place.name,
      first: -1,
      status: 400,
      errors: [['BAD_USER_INPUT', 'first', 'first must not be negative']],
    },
  ]);
  expect(answers).toEqual(expected);
  expect(places.length).toBe(12);
});

test('a cursor from another ordering or another kind of connection is refused, one from the same ordering of customers is not', async () => {
  const cursors = new Map<Place, string>();
  for (const place of places) cursors.set(place, await genuineCursor(place));
  let refused = 0;
  for (const place of places) {
    for (const [origin, cursor] of cursors) {
      if (origin.order === place.order) continue;
      await expectRefused(place, `cursor of ${origin.name}`, cursor);
      refused += 1;
    }
  }
  // 12 places in 12 orders but for a persona's members (the default order of customers): 12 × 11 pairs less those 2.
  expect(refused).toBe(12 * 11 - 2);

  // The same ordering of customers is the same place in any list of them: the default order's cursor pages a persona's members.
  const everyone = places.find((place) => place.name === 'customers CREATED_AT ASC')!;
  const persona = places.find((place) => place.name === 'Persona.members')!;
  const cursor = await genuineCursor(everyone);
  const fromCustomers = await ask(everyone.query, { after: cursor, first: 3 });
  const fromPersona = await ask(persona.query, { after: cursor, first: 3 });
  expect(fromPersona.body.errors).toBeUndefined();
  expect(persona.connection(fromPersona.body.data).edges.map((edge) => edge.node.id)).toEqual(
    everyone.connection(fromCustomers.body.data).edges.map((edge) => edge.node.id),
  );
});

test("a forged cursor on one customer's orders fails that page only, not the other pages loaded with it", async () => {
  const answer = await ask(
    `{ customers(first: 5) { edges { node { id good: orders(first: 1) { totalCount } bad: orders(first: 1, after: "${base64url('[1]')}") { totalCount } } } } }`,
  );
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeNull();
  expect(
    new Set(answer.body.errors!.map((error: any) => `${error.extensions.code} ${error.path.slice(-1)[0]}`)),
  ).toEqual(new Set(['BAD_USER_INPUT bad']));
  const separate = await ask(
    `{ a: customer(id: "${ids.customer}") { events(first: 1) { totalCount } } b: customer(id: "${ids.customer}") { events(first: 1, after: "x") { totalCount } } }`,
  );
  expect(separate.body.data.a.events.totalCount).toBeGreaterThanOrEqual(3);
  expect(separate.body.data.b).toBeNull();
});

/**
 * Every text a cursor's characters could be read as: itself, its bytes from
 * base64url or base64 at each offset, as UTF-8 and Latin-1. (Names of four
 * letters or more: a shorter one turns up in random bytes by chance.)
 */
function readings(cursor: string): string[] {
  const texts = [cursor];
  for (let offset = 0; offset < 4; offset++) {
    for (const alphabet of ['base64url', 'base64'] as const) {
      const bytes = Buffer.from(cursor.slice(offset), alphabet);
      texts.push(bytes.toString('utf8'), bytes.toString('latin1'));
    }
  }
  return texts.map((text) => text.toLowerCase());
}

test('a cursor of names shows no name, however it is read, and every cursor of a page has the same length', async () => {
  const answer = await ask(
    '{ customers(first: 60, orderBy: { field: NAME, direction: ASC }) { edges { cursor node { firstName lastName } } } }',
  );
  expect(answer.body.errors).toBeUndefined();
  const edges: Array<{ cursor: string; node: { firstName: string | null; lastName: string | null } }> =
    answer.body.data.customers.edges;
  expect(edges.length).toBe(60);
  let names = 0;
  for (const { cursor, node } of edges) {
    const texts = readings(cursor);
    for (const name of [node.firstName, node.lastName]) {
      if (!name || name.length < 4) continue;
      names += 1;
      expect({ name, found: texts.some((text) => text.includes(name.toLowerCase())) }).toEqual({
        name,
        found: false,
      });
    }
  }
  expect(names).toBeGreaterThan(40);
  // Names of different lengths, cursors of one: the length tells nothing of the name.
  expect(new Set(edges.map(({ node }) => `${node.lastName}${node.firstName}`.length)).size).toBeGreaterThan(
    3,
  );
  expect(new Set(edges.map(({ cursor }) => cursor.length)).size).toBe(1);
  // A fresh nonce each time: the same position makes a different cursor, and both page alike.
  const again = await ask(
    '{ customers(first: 1, orderBy: { field: NAME, direction: ASC }) { edges { cursor } } }',
  );
  expect(again.body.data.customers.edges[0].cursor).not.toBe(edges[0].cursor);
});

test('a cursor with any one byte changed is refused, on every connection', async () => {
  let tried = 0;
  for (const place of places) {
    const genuine = await genuineCursor(place);
    const bytes = Buffer.from(genuine, 'base64url');
    const cases: Array<[string, string]> = [];
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] ^= 1 << (i % 8);
      cases.push([`byte ${i} of ${bytes.length} changed`, changed.toString('base64url')]);
    }
    cases.push(['the last byte dropped', bytes.subarray(0, -1).toString('base64url')]);
    cases.push(['a byte added', Buffer.concat([bytes, Buffer.from([0])]).toString('base64url')]);
    cases.push([
      'the last block dropped',
      Buffer.concat([bytes.subarray(0, -144), bytes.subarray(-16)]).toString('base64url'),
    ]);
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(cases.slice(i, i + 8).map(([why, after]) => expectRefused(place, why, after)));
    }
    tried += cases.length;
  }
  expect(tried).toBeGreaterThan(places.length * 150);
  expect(server.logged).toEqual([]);
});

test('cursors sealed under one CURSOR_SECRET open under the same secret only: on another instance, after a restart', () => {
  const format = { ordering: 'customers:NAME:ASC', values: ['text', 'text'] as const };
  const position = { values: ['Martin', 'Jeanne'], id: 7 };
  useCursorSecret('the secret of instance one, 32+ characters');
  const cursor = encodeCursor(format, position);
  useCursorSecret('another secret, just as long as the first');
  expect(() => decodeCursor(format, cursor)).toThrow(/not a valid cursor for this ordering/);
  useCursorSecret('the secret of instance one, 32+ characters');
  expect(decodeCursor(format, cursor)).toEqual(position);
});
