import {
  CreateSegmentDocument,
  DeleteSegmentDocument,
  ExplainMembershipDocument,
  ListSegmentsDocument,
  SegmentMembersDocument,
  UpdateSegmentDocument,
} from './generated/operations';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { recordOrders } from '../src/ingest/activity-ingest';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
const statements: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => statements.push(sql) });
  const knex = server.db.fork().getKnex();
  await upsertCustomers(knex, [
    { externalId: 'fr-1', country: 'FR', jobFunction: 'purchasing', emailOptIn: true },
    { externalId: 'fr-2', country: 'FR', jobFunction: 'finance', emailOptIn: false },
    { externalId: 'be-1', country: 'BE', jobFunction: 'purchasing', emailOptIn: true },
    { externalId: 'de-1', country: 'DE' },
    { externalId: 'xx-1' },
  ]);
  const recent = new Date(Date.now() - 5 * 86_400_000);
  await recordOrders(
    knex,
    [
      { externalId: 'o1', customerExternalId: 'fr-1', orderedAt: recent, amount: 120 },
      { externalId: 'o2', customerExternalId: 'be-1', orderedAt: recent, amount: 40 },
    ],
    'EUR',
  );
});
afterAll(async () => server.stop());

async function create(name: string, filter: object) {
  const result = await server.run(CreateSegmentDocument, { input: { name, filter } as never });
  expect(result.errors).toBeUndefined();
  return result.data!.createSegment;
}

test('a saved segment has a definition, a live size, and its filter feeds back unchanged', async () => {
  const filter = {
    identity: { country: { in: ['FR', 'BE'] } },
    behaviour: { purchase: { within: { lastDays: 30 } } },
  };
  const segment = await create('Recent FR/BE buyers', filter);
  expect(segment).toMatchObject({
    version: 1,
    size: 2,
    filter,
    definition: 'country in (FR, BE) AND purchased at least once in the last 30 days',
  });
  const again = await create('Copy', segment.filter);
  expect(again.size).toBe(2);
  expect(again.filter).toEqual(segment.filter);
});

test('composition: A inside B inside C, with references both ways', async () => {
  const a = await create('A: French', { identity: { country: { eq: 'FR' } } });
  const b = await create('B: French opted in', { inSegment: a.id, identity: { emailOptIn: true } });
  const c = await create('C: not B', { not: { inSegment: b.id } });
  expect([a.size, b.size, c.size]).toEqual([2, 1, 4]);
  expect(c.definition).toBe('NOT in segment "B: French opted in"');
  const view = await server.run(SegmentMembersDocument, { id: b.id, first: 10 });
  expect(view.data!.segment).toMatchObject({
    references: [{ id: a.id, name: 'A: French' }],
    referencedBy: [{ id: c.id, name: 'C: not B' }],
  });
  expect(view.data!.segment!.members.edges.map((edge) => edge.node.externalId)).toEqual(['fr-1']);
});

test('evaluateSegment words a filter before it is saved as Segment.definition does, naming the segments it uses', async () => {
  const french = await create('French, for the preview', { identity: { country: { eq: 'FR' } } });
  const filter = { inSegment: french.id, behaviour: { purchase: { within: { lastDays: 30 } } } };
  const saved = await create('French recent buyers', filter);
  const preview = await server.post(
    'query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size definition } }',
    {
      f: filter,
    },
  );
  expect(preview.body.data.evaluateSegment).toEqual({ size: saved.size, definition: saved.definition });
  expect(saved.definition).toBe(
    'purchased at least once in the last 30 days AND in segment "French, for the preview"',
  );
  const unknown = await server.post('{ evaluateSegment(filter: { inSegment: "999999" }) { definition } }');
  expect(unknown.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

test('a reference cycle is refused on create and on update, with its path', async () => {
  const missing = await server.post(
    'mutation { createSegment(input: { name: "x", filter: { or: [{}, { inSegment: "424242" }] } }) { id } }',
  );
  expect(missing.body.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    path: 'input.filter.or.1.inSegment',
  });
  const a = await create('cycle A', { identity: { country: { eq: 'DE' } } });
  const b = await create('cycle B', { inSegment: a.id });
  const self = await server.run(UpdateSegmentDocument, {
    id: a.id,
    input: { name: 'cycle A', filter: { and: [{ inSegment: a.id }] } as never },
  });
  expect(self.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    path: 'input.filter.and.0.inSegment',
  });
  const loop = await server.run(UpdateSegmentDocument, {
    id: a.id,
    input: { name: 'cycle A', filter: { inSegment: b.id } as never },
  });
  expect(loop.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(loop.errors?.[0].message).toContain('refers back to itself');
});

test('updateSegment with a stale expectedVersion is a CONFLICT and changes nothing', async () => {
  const segment = await create('versioned', { identity: { country: { eq: 'FR' } } });
  const first = await server.run(UpdateSegmentDocument, {
    id: segment.id,
    expectedVersion: 1,
    input: { name: 'versioned', filter: { identity: { country: { eq: 'BE' } } } as never },
  });
  expect(first.data!.updateSegment).toMatchObject({ version: 2, definition: 'country = "BE"' });
  const stale = await server.run(UpdateSegmentDocument, {
    id: segment.id,
    expectedVersion: 1,
    input: { name: 'versioned', filter: { identity: { country: { eq: 'DE' } } } as never },
  });
  expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
  const view = await server.run(SegmentMembersDocument, { id: segment.id });
  expect(view.data!.segment).toMatchObject({ version: 2, definition: 'country = "BE"', size: 1 });
  const unknown = await server.run(UpdateSegmentDocument, {
    id: '99999',
    input: { name: 'x', filter: {} as never },
  });
  expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
});

test('deleteSegment is a CONFLICT while another segment references it', async () => {
  const base = await create('to delete', { identity: { country: { eq: 'FR' } } });
  const user = await create('user of it', { inSegment: base.id });
  const refused = await server.run(DeleteSegmentDocument, { id: base.id });
  expect(refused.errors?.[0].extensions?.code).toBe('CONFLICT');
  expect(refused.errors?.[0].message).toContain('user of it');
  expect((await server.run(DeleteSegmentDocument, { id: user.id })).data!.deleteSegment).toBe(true);
  expect((await server.run(DeleteSegmentDocument, { id: base.id })).data!.deleteSegment).toBe(true);
  expect((await server.run(SegmentMembersDocument, { id: base.id })).data!.segment).toBeNull();
});

test('segments(search) finds names ignoring case, with literal wildcards', async () => {
  await create('B2B 100% loyal', { identity: { country: { eq: 'FR' } } });
  const found = await server.run(ListSegmentsDocument, { search: 'b2b 100%' });
  expect(found.data!.segments.edges.map((edge) => edge.node.name)).toEqual(['B2B 100% loyal']);
  const none = await server.run(ListSegmentsDocument, { search: '_2b' });
  expect(none.data!.segments.totalCount).toBe(0);
});

test('Customer.segments costs one statement per saved segment, whatever the page size', async () => {
  const count = async (first: number) => {
    statements.length = 0;
    const { body } = await server.post(
      `{ customers(first: ${first}) { edges { node { externalId segments { name } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    return { body, statements: statements.filter((sql) => /^\s*select/i.test(sql)).length };
  };
  const small = await count(1);
  const large = await count(5);
  expect(large.statements).toBe(small.statements);
  const fr1 = large.body.data.customers.edges.find((edge: any) => edge.node.externalId === 'fr-1').node;
  expect(fr1.segments.map((segment: any) => segment.name)).toEqual(
    expect.arrayContaining(['Recent FR/BE buyers', 'A: French', 'B: French opted in']),
  );
  expect(fr1.segments.map((segment: any) => segment.name)).not.toContain('C: not B');
});

test('explain says why, node by node, and agrees with membership', async () => {
  const segments = await server.run(ListSegmentsDocument, { search: 'B: French' });
  const b = segments.data!.segments.edges[0].node;
  const inside = await server.run(ExplainMembershipDocument, { externalId: 'fr-1', segment: b.id });
  expect(inside.errors).toBeUndefined();
  const explanation = inside.data!.customer!.explain;
  expect(explanation.matched).toBe(true);
  expect(explanation.root).toMatchObject({
    kind: 'inSegment',
    description: 'in segment "B: French opted in"',
    matched: true,
  });
  const outside = await server.run(ExplainMembershipDocument, { externalId: 'fr-2', segment: b.id });
  const reasons = outside.data!.customer!.explain.root.children[0].children!;
  expect(outside.data!.customer!.explain.matched).toBe(false);
  expect(reasons).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        kind: 'identity.emailOptIn',
        matched: false,
        actual: 'false',
        description: 'opted in to email',
      }),
      expect.objectContaining({ kind: 'inSegment', matched: true }),
    ]),
  );
  const byFilter = await server.run(ExplainMembershipDocument, {
    externalId: 'be-1',
    filter: { behaviour: { purchase: { totalAmount: { gte: 100 } } } } as never,
  });
  expect(byFilter.data!.customer!.explain.root).toMatchObject({
    kind: 'behaviour.purchase',
    matched: false,
    actual: '1 order(s) in the window, total 40',
  });
  const both = await server.post(
    '{ customer(externalId: "be-1") { explain(segment: "1", filter: {}) { matched } } }',
  );
  expect(both.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});
