import {
  CreatePersonaDocument,
  CreateSegmentDocument,
  DeletePersonaDocument,
  ExplainMembershipDocument,
  PersonaDistributionDocument,
  PersonaMembersDocument,
  PersonasDocument,
  UpdatePersonaDocument,
} from './generated/operations';
import { recordEvents, recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { refreshMetrics } from '../src/value/metrics.service';
import { startTestServer, type TestServer } from './support/server';

/**
 * Personas over a hand-built base whose assignment is worked out by hand:
 * exclusive by priority number, ties to the oldest persona; portraits,
 * preferred channels (ties, the outbound message_sent left out, the 180-day
 * window) and the cycles a priority can create.
 */
let server: TestServer;
const statements: string[] = [];
const now = Date.now();
const daysAgo = (days: number) => new Date(now - days * 86_400_000);
const born = (years: number) => new Date(Date.UTC(new Date(now).getUTCFullYear() - years, 0, 1));

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => statements.push(sql) });
  const knex = server.db.fork().getKnex();
  await upsertCustomers(knex, [
    { externalId: 'fr-young', country: 'FR', birthDate: born(25), interests: ['running', 'travel'] },
    { externalId: 'fr-old', country: 'FR', birthDate: born(60), interests: ['travel'] },
    { externalId: 'be-young', country: 'BE', birthDate: born(30), interests: ['running'] },
    { externalId: 'de-young', country: 'DE', birthDate: born(22) },
    { externalId: 'de-none', country: 'DE' },
  ]);
  const events = [
    // fr-young: 2 × APP and 2 × EMAIL, the latest on EMAIL: a tie that goes to EMAIL; message_sent on SMS does not count.
    {
      externalId: 'e1',
      customerExternalId: 'fr-young',
      name: 'page_viewed',
      channel: 'APP',
      occurredAt: daysAgo(10),
    },
    {
      externalId: 'e2',
      customerExternalId: 'fr-young',
      name: 'page_viewed',
      channel: 'APP',
      occurredAt: daysAgo(9),
    },
    {
      externalId: 'e3',
      customerExternalId: 'fr-young',
      name: 'message_opened',
      channel: 'EMAIL',
      occurredAt: daysAgo(8),
    },
    {
      externalId: 'e4',
      customerExternalId: 'fr-young',
      name: 'message_clicked',
      channel: 'EMAIL',
      occurredAt: daysAgo(2),
    },
    ...[1, 2, 3].map((i) => ({
      externalId: `s${i}`,
      customerExternalId: 'fr-young',
      name: 'message_sent',
      channel: 'SMS',
      occurredAt: daysAgo(i),
    })),
    // be-young: WEB inside the window, 3 × STORE older than 180 days.
    {
      externalId: 'e5',
      customerExternalId: 'be-young',
      name: 'page_viewed',
      channel: 'WEB',
      occurredAt: daysAgo(100),
    },
    ...[1, 2, 3].map((i) => ({
      externalId: `old${i}`,
      customerExternalId: 'be-young',
      name: 'store_visited',
      channel: 'STORE',
      occurredAt: daysAgo(200 + i),
    })),
  ];
  expect((await recordEvents(knex, events as never)).rejected).toEqual([]);
  const orders = [
    { externalId: 'o1', customerExternalId: 'fr-young', orderedAt: daysAgo(20), amount: 100 },
    { externalId: 'o2', customerExternalId: 'fr-young', orderedAt: daysAgo(5), amount: 50 },
    { externalId: 'o3', customerExternalId: 'be-young', orderedAt: daysAgo(40), amount: 30 },
  ];
  expect((await recordOrders(knex, orders as never, 'EUR')).rejected).toEqual([]);
  await refreshMetrics(knex, new Date(now));
});
afterAll(async () => server.stop());

let young: string;
let french: string;

test('assignment is exclusive: the lowest priority number wins, ties go to the oldest persona', async () => {
  const created = async (name: string, filter: object, priority?: number) => {
    const result = await server.run(CreatePersonaDocument, { input: { name, filter, priority } });
    expect(result.errors).toBeUndefined();
    return result.data!.createPersona;
  };
  const youngPersona = await created('Young', { identity: { age: { lte: 34 } } });
  french = (await created('French', { identity: { country: { eq: 'FR' } } })).id;
  young = youngPersona.id;
  expect(youngPersona).toMatchObject({ priority: 100, definition: 'age ≤ 34', size: 3 });
  // Same priority: Young is older, so fr-young is Young's; French keeps fr-old only.
  const personas = (await server.run(PersonasDocument)).data!.personas;
  expect(personas.map((p) => [p.name, p.size])).toEqual([
    ['Young', 3],
    ['French', 1],
  ]);
  const distribution = (await server.run(PersonaDistributionDocument, {})).data!.personaDistribution;
  expect(distribution).toEqual([
    { key: young, customers: 3, share: 0.6 },
    { key: french, customers: 1, share: 0.2 },
    { key: 'unassigned', customers: 1, share: 0.2 },
  ]);
  // A lower number first: French now takes fr-young from Young.
  const moved = await server.run(UpdatePersonaDocument, {
    id: french,
    input: { name: 'French', filter: { identity: { country: { eq: 'FR' } } }, priority: 5 },
  });
  expect(moved.data!.updatePersona.priority).toBe(5);
  const after = (await server.run(PersonasDocument)).data!.personas;
  expect(after.map((p) => [p.name, p.size, p.share])).toEqual([
    ['French', 2, 0.4],
    ['Young', 2, 0.4],
  ]);
  // Left out, the priority stays.
  await server.run(UpdatePersonaDocument, {
    id: french,
    input: { name: 'French buyers', filter: { identity: { country: { eq: 'FR' } } } },
  });
  expect((await server.run(PersonasDocument)).data!.personas[0]).toMatchObject({
    name: 'French buyers',
    priority: 5,
  });
  const unassigned = (await server.run(PersonaDistributionDocument, {})).data!.personaDistribution.at(-1)!;
  expect(unassigned).toEqual({ key: 'unassigned', customers: 1, share: 0.2 });
});

test('members, Customer.persona and preferredChannel, at a constant number of statements per page', async () => {
  const result = await server.run(PersonaMembersDocument, { id: young, first: 10 });
  expect(result.errors).toBeUndefined();
  const nodes = result.data!.persona!.members.edges.map((edge) => edge.node);
  expect(nodes.map((node) => node.externalId)).toEqual(['be-young', 'de-young']);
  expect(nodes.every((node) => node.persona?.id === young)).toBe(true);
  expect(nodes.map((node) => node.preferredChannel)).toEqual(['WEB', null]);

  const page = async (first: number) => {
    statements.length = 0;
    const customers = await server.post(
      'query($first: Int) { customers(first: $first) { edges { node { externalId preferredChannel persona { name } } } } }',
      { first },
    );
    expect(customers.body.errors).toBeUndefined();
    return {
      count: statements.length,
      nodes: customers.body.data.customers.edges.map((edge: any) => edge.node),
    };
  };
  const two = await page(2);
  const all = await page(5);
  expect(all.count).toBe(two.count);
  expect(all.nodes).toEqual([
    { externalId: 'fr-young', preferredChannel: 'EMAIL', persona: { name: 'French buyers' } },
    { externalId: 'fr-old', preferredChannel: null, persona: { name: 'French buyers' } },
    { externalId: 'be-young', preferredChannel: 'WEB', persona: { name: 'Young' } },
    { externalId: 'de-young', preferredChannel: null, persona: { name: 'Young' } },
    { externalId: 'de-none', preferredChannel: null, persona: null },
  ]);
});

test('a portrait describes the typical member', async () => {
  const portraits = (await server.run(PersonasDocument)).data!.personas;
  const french = portraits.find((p) => p.name === 'French buyers')!.portrait;
  expect(french.medianAge).toBe(42.5); // 25 and 60
  expect(french.revenuePerCustomer).toBe(75); // (100 + 50) / 2
  expect(french.topCountries).toEqual([{ key: 'FR', share: 1 }]);
  expect(french.topInterests).toEqual([
    { key: 'travel', share: 1 },
    { key: 'running', share: 0.5 },
  ]);
  expect(french.preferredChannels).toEqual([
    { key: 'EMAIL', share: 0.5 },
    { key: 'none', share: 0.5 },
  ]);
  expect(french.rfm.reduce((sum, bucket) => sum + bucket.customers, 0)).toBe(2);
  expect(french.rfm.find((bucket) => bucket.key === 'none')?.customers).toBe(1);
  const youngPortrait = portraits.find((p) => p.name === 'Young')!.portrait;
  expect(youngPortrait.medianAge).toBe(26); // 22 and 30
  expect(youngPortrait.topCountries.map((bucket) => bucket.key).sort()).toEqual(['BE', 'DE']);
});

test('the persona criterion in a segment, explained', async () => {
  const segment = await server.run(CreateSegmentDocument, {
    input: { name: 'Young Belgians', filter: { persona: young, identity: { country: { eq: 'BE' } } } },
  });
  expect(segment.errors).toBeUndefined();
  expect(segment.data!.createSegment.definition).toBe('country = "BE" AND persona "Young"');
  const explained = await server.run(ExplainMembershipDocument, {
    externalId: 'fr-young',
    filter: { persona: young },
  });
  const root = explained.data!.customer!.explain.root;
  // fr-young is 25 (Young's filter holds) but French buyers, before Young, has them.
  expect(root).toMatchObject({
    kind: 'persona',
    matched: false,
    actual: `assigned to persona ${french} "French buyers"`,
  });
  expect(root.children[0]).toMatchObject({ kind: 'identity.age', matched: true });
});

test('a persona cannot reach itself, through its filter or through the personas its priority puts before it', async () => {
  const self = await server.run(UpdatePersonaDocument, {
    id: young,
    input: { name: 'Young', filter: { not: { persona: young } } },
  });
  expect(self.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    path: 'input.filter.not.persona',
  });
  // "Young non-French" uses Young, so it cannot rank before Young (Young would have to exclude it first).
  const before = await server.run(CreatePersonaDocument, {
    input: {
      name: 'Young non-French',
      priority: 1,
      filter: { persona: young, not: { identity: { country: { eq: 'FR' } } } },
    },
  });
  expect(before.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    path: 'input.filter.persona',
  });
  expect(before.errors?.[0].message).toMatch(/refers back to itself/);
  // The refused write left nothing behind.
  expect((await server.run(PersonasDocument)).data!.personas.map((p) => p.name)).toEqual([
    'French buyers',
    'Young',
  ]);
  // Ranked after Young, the same filter is fine.
  const after = await server.run(CreatePersonaDocument, {
    input: { name: 'Young non-French', priority: 200, filter: { persona: young } },
  });
  expect(after.errors).toBeUndefined();
  expect(after.data!.createPersona.size).toBe(0); // Young's members are Young's
  expect(
    (await server.run(DeletePersonaDocument, { id: after.data!.createPersona.id })).data!.deletePersona,
  ).toBe(true);
});

test('deleting a persona that a segment uses is a conflict; unknown ids are NOT_FOUND', async () => {
  const used = await server.run(DeletePersonaDocument, { id: young });
  expect(used.errors?.[0].extensions?.code).toBe('CONFLICT');
  expect(used.errors?.[0].message).toMatch(/segment \d+ "Young Belgians"/);
  const unknown = await server.run(DeletePersonaDocument, { id: '999999' });
  expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  const bad = await server.run(CreatePersonaDocument, { input: { name: ' ', filter: {} } });
  expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'input.name' });
  const priority = await server.run(CreatePersonaDocument, {
    input: { name: 'Far', filter: {}, priority: 2_000_000 },
  });
  expect(priority.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'input.priority' });
  const unknownPersona = await server.run(CreatePersonaDocument, {
    input: { name: 'Ghost', filter: { persona: '424242' } },
  });
  expect(unknownPersona.errors?.[0].extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    path: 'input.filter.persona',
  });
});
