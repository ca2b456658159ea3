import {
  CreateScoringModelDocument,
  CreateSegmentDocument,
  DeleteScoringModelDocument,
  DeleteSegmentDocument,
  HotLeadsByScoreDocument,
  ScoringModelsDocument,
  UpdateScoringModelDocument,
} from './generated/operations';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { recordEvents } from '../src/ingest/activity-ingest';
import { startTestServer, type TestServer } from './support/server';

/**
 * Points-based scoring models over a hand-built base whose scores are worked
 * out by hand below, with overlapping rules and negative points.
 */
let server: TestServer;
const statements: string[] = [];

const RULES = [
  { label: 'Works in purchasing', points: 30, filter: { identity: { jobFunction: { eq: 'purchasing' } } } },
  { label: 'Based in France', points: 40, filter: { identity: { country: { eq: 'FR' } } } },
  // Overlaps both rules above: a French buyer earns 30 + 40 + 50 = 120, clamped to 100.
  {
    label: 'French buyer',
    points: 50,
    filter: { identity: { country: { eq: 'FR' }, jobFunction: { eq: 'purchasing' } } },
  },
  {
    label: 'Filled a form this month',
    points: 15,
    filter: { behaviour: { event: { name: 'form_submitted', within: { lastDays: 30 } } } },
  },
  { label: 'Opted out of email', points: -60, filter: { identity: { emailOptIn: false } } },
];

/** By hand, from RULES: externalId → score. */
const EXPECTED: Record<string, number> = {
  'fr-buyer': 100, // 30 + 40 + 50 = 120 → 100
  'fr-buyer-out': 60, // 30 + 40 + 50 − 60 = 60
  'be-form': 45, // 30 + 15
  'be-buyer': 30, // 30
  'de-form-out': 0, // 15 − 60 = −45 → 0
  'fr-finance-out': 0, // 40 − 60 = −20 → 0
  'nobody-out': 0, // −60 → 0
  'de-plain': 0, // nothing
};

let modelId: string;

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => statements.push(sql) });
  const knex = server.db.fork().getKnex();
  await upsertCustomers(knex, [
    { externalId: 'fr-buyer', country: 'FR', jobFunction: 'purchasing', emailOptIn: true },
    { externalId: 'fr-buyer-out', country: 'FR', jobFunction: 'purchasing', emailOptIn: false },
    { externalId: 'be-form', country: 'BE', jobFunction: 'purchasing', emailOptIn: true },
    { externalId: 'be-buyer', country: 'BE', jobFunction: 'purchasing', emailOptIn: true },
    { externalId: 'de-form-out', country: 'DE', emailOptIn: false },
    { externalId: 'fr-finance-out', country: 'FR', jobFunction: 'finance', emailOptIn: false },
    { externalId: 'nobody-out', emailOptIn: false },
    { externalId: 'de-plain', country: 'DE', emailOptIn: true },
  ]);
  const recent = new Date(Date.now() - 3 * 86_400_000);
  const old = new Date(Date.now() - 60 * 86_400_000);
  const stored = await recordEvents(knex, [
    { externalId: 'e1', customerExternalId: 'be-form', name: 'form_submitted', occurredAt: recent },
    { externalId: 'e2', customerExternalId: 'de-form-out', name: 'form_submitted', occurredAt: recent },
    // Too old for the rule's window.
    { externalId: 'e3', customerExternalId: 'be-buyer', name: 'form_submitted', occurredAt: old },
  ]);
  expect(stored.rejected).toEqual([]);
  const created = await server.run(CreateScoringModelDocument, {
    input: { name: 'Lead score', description: 'hand-checked', rules: RULES as never },
  });
  expect(created.errors).toBeUndefined();
  modelId = created.data!.createScoringModel.id;
});
afterAll(async () => server.stop());

async function scores(filter?: object): Promise<Record<string, number>> {
  const result = await server.post(
    `query($m: ID!, $f: SegmentFilter) { customers(first: 100, filter: $f) { edges { node { externalId score(model: $m) } } } }`,
    { m: modelId, f: filter },
  );
  expect(result.body.errors).toBeUndefined();
  return Object.fromEntries(
    result.body.data.customers.edges.map((edge: any) => [edge.node.externalId, edge.node.score]),
  );
}

const idsWithScore = (test: (score: number) => boolean) =>
  Object.entries(EXPECTED)
    .filter(([, score]) => test(score))
    .map(([id]) => id)
    .sort();

test('Customer.score sums the points of overlapping rules, negative ones included, clamped to 0..100', async () => {
  expect(await scores()).toEqual(EXPECTED);
});

test('value.score filters read the same clamped score, and not is its complement', async () => {
  const names = async (filter: object) => Object.keys(await scores(filter)).sort();
  expect(await names({ value: { score: { model: modelId, gte: 30 } } })).toEqual(
    idsWithScore((s) => s >= 30),
  );
  expect(await names({ value: { score: { model: modelId, lte: 0 } } })).toEqual(idsWithScore((s) => s <= 0));
  expect(await names({ value: { score: { model: modelId, gte: 45, lte: 60 } } })).toEqual([
    'be-form',
    'fr-buyer-out',
  ]);
  expect(await names({ value: { score: { model: modelId, gte: 100 } } })).toEqual(['fr-buyer']);
  expect(await names({ not: { value: { score: { model: modelId, gte: 30 } } } })).toEqual(
    idsWithScore((s) => s < 30),
  );
});

test('members are ordered by score, ties by id, across keyset pages', async () => {
  const order = async (direction: 'ASC' | 'DESC') => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await server.post(
        `query($m: ID!, $after: String, $d: SortDirection!) { customers(first: 3, after: $after, orderBy: { field: SCORE, direction: $d, scoreModel: $m }) { pageInfo { hasNextPage endCursor } edges { node { id externalId score(model: $m) } } } }`,
        { m: modelId, after, d: direction },
      );
      expect(page.body.errors).toBeUndefined();
      seen.push(
        ...page.body.data.customers.edges.map(
          (edge: any) => `${edge.node.score}:${edge.node.id}:${edge.node.externalId}`,
        ),
      );
      after = page.body.data.customers.pageInfo.hasNextPage
        ? page.body.data.customers.pageInfo.endCursor
        : null;
    } while (after);
    return seen;
  };
  const key = (entry: string) => entry.split(':').slice(0, 2).map(Number);
  const descending = await order('DESC');
  expect(descending).toHaveLength(Object.keys(EXPECTED).length);
  const sorted = [...descending].sort((a, b) => key(b)[0] - key(a)[0] || key(b)[1] - key(a)[1]);
  expect(descending).toEqual(sorted);
  expect(descending.slice(0, 4).map((entry) => entry.split(':')[2])).toEqual([
    'fr-buyer',
    'fr-buyer-out',
    'be-form',
    'be-buyer',
  ]);
  expect(await order('ASC')).toEqual([...descending].reverse());
});

test('the example query: hot leads by score, best first, each explained rule by rule', async () => {
  const result = await server.run(HotLeadsByScoreDocument, { model: modelId, first: 10 });
  expect(result.errors).toBeUndefined();
  const leads = result.data!.customers;
  expect(leads.totalCount).toBe(2);
  expect(leads.edges.map((edge) => [edge.node.externalId, edge.node.score])).toEqual([
    ['fr-buyer', 100],
    ['fr-buyer-out', 60],
  ]);
  const root = leads.edges[1].node.explain.root;
  expect(root).toMatchObject({ kind: 'value.score', description: '"Lead score" score ≥ 60', actual: '60' });
  expect(root.children.map((rule) => [rule.description, rule.matched, rule.actual])).toEqual([
    ['Works in purchasing: +30 points', true, '+30'],
    ['Based in France: +40 points', true, '+40'],
    ['French buyer: +50 points', true, '+50'],
    ['Filled a form this month: +15 points', false, '0'],
    ['Opted out of email: -60 points', true, '-60'],
  ]);
});

test('scores of a page cost one statement per model, whatever the page size', async () => {
  const count = async (first: number) => {
    statements.length = 0;
    const result = await server.post(
      `query($m: ID!, $first: Int) { customers(first: $first) { edges { node { score(model: $m) } } } }`,
      { m: modelId, first },
    );
    expect(result.body.errors).toBeUndefined();
    return statements.length;
  };
  const two = await count(2);
  expect(await count(8)).toBe(two);
  // The page, then the model's existence and rules, then the scores.
  expect(two).toBe(4);
});

test('a model reads back as saved, and an update replaces its rules', async () => {
  const listed = await server.run(ScoringModelsDocument);
  const model = listed.data!.scoringModels.find((m) => m.id === modelId)!;
  expect(model).toEqual({ id: modelId, name: 'Lead score', description: 'hand-checked', rules: RULES });
  const extra = await server.run(CreateScoringModelDocument, {
    input: { name: 'Extra', rules: [{ label: 'Everyone', points: 5, filter: {} }] as never },
  });
  const updated = await server.run(UpdateScoringModelDocument, {
    id: extra.data!.createScoringModel.id,
    input: {
      name: 'Extra v2',
      rules: [
        { label: 'German', points: 70, filter: { identity: { country: { eq: 'DE' } } } },
        { label: 'Opted out', points: -10, filter: { identity: { emailOptIn: false } } },
      ] as never,
    },
  });
  expect(updated.errors).toBeUndefined();
  expect(updated.data!.updateScoringModel.rules.map((rule) => rule.label)).toEqual(['German', 'Opted out']);
  const result = await server.post(
    `query($m: ID!) { customer(externalId: "de-form-out") { score(model: $m) } }`,
    { m: updated.data!.updateScoringModel.id },
  );
  expect(result.body.data.customer.score).toBe(60);
});

test('a rule may not use a score of its own model, directly or through a segment or another model', async () => {
  const own = await server.run(UpdateScoringModelDocument, {
    id: modelId,
    input: {
      name: 'Lead score',
      rules: [
        RULES[0],
        { label: 'self', points: 10, filter: { value: { score: { model: modelId, gte: 50 } } } },
      ] as never,
    },
  });
  expect(own.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    path: 'input.rules.1.filter.value.score.model',
  });
  expect(own.errors?.[0].message).toContain('cannot use its own score');

  const segment = await server.run(CreateSegmentDocument, {
    input: { name: 'High scorers', filter: { value: { score: { model: modelId, gte: 60 } } } as never },
  });
  expect(segment.data!.createSegment.size).toBe(2);
  const throughSegment = await server.run(UpdateScoringModelDocument, {
    id: modelId,
    input: {
      name: 'Lead score',
      rules: [
        { label: 'loop', points: 10, filter: { or: [{}, { inSegment: segment.data!.createSegment.id }] } },
      ] as never,
    },
  });
  expect(throughSegment.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    path: 'input.rules.0.filter.or.1.inSegment',
  });

  const other = await server.run(CreateScoringModelDocument, {
    input: {
      name: 'Uses lead score',
      rules: [
        { label: 'hot', points: 80, filter: { value: { score: { model: modelId, gte: 60 } } } },
      ] as never,
    },
  });
  expect(other.errors).toBeUndefined();
  const throughModel = await server.run(UpdateScoringModelDocument, {
    id: modelId,
    input: {
      name: 'Lead score',
      rules: [
        {
          label: 'loop',
          points: 10,
          filter: { value: { score: { model: other.data!.createScoringModel.id, gte: 1 } } },
        },
      ] as never,
    },
  });
  expect(throughModel.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    path: 'input.rules.0.filter.value.score.model',
  });
  // Nothing of the refused updates was kept.
  expect(await scores()).toEqual(EXPECTED);

  // A model in use cannot go; once its users are gone it can.
  const blocked = await server.run(DeleteScoringModelDocument, { id: modelId });
  expect(blocked.errors?.[0].extensions?.code).toBe('CONFLICT');
  expect(blocked.errors?.[0].message).toContain('"High scorers"');
  expect(blocked.errors?.[0].message).toContain('"Uses lead score"');
  expect(
    (await server.run(DeleteSegmentDocument, { id: segment.data!.createSegment.id })).data!.deleteSegment,
  ).toBe(true);
  expect(
    (await server.run(DeleteScoringModelDocument, { id: other.data!.createScoringModel.id })).data!
      .deleteScoringModel,
  ).toBe(true);
  const spare = await server.run(CreateScoringModelDocument, { input: { name: 'Spare', rules: [] } });
  expect(
    (await server.run(DeleteScoringModelDocument, { id: spare.data!.createScoringModel.id })).data!
      .deleteScoringModel,
  ).toBe(true);
  expect(
    (await server.run(DeleteScoringModelDocument, { id: spare.data!.createScoringModel.id })).errors?.[0]
      .extensions?.code,
  ).toBe('NOT_FOUND');
});

test('a segment used by a scoring rule cannot be deleted', async () => {
  const segment = await server.run(CreateSegmentDocument, {
    input: { name: 'Germans', filter: { identity: { country: { eq: 'DE' } } } as never },
  });
  const id = segment.data!.createSegment.id;
  const model = await server.run(CreateScoringModelDocument, {
    input: {
      name: 'German bonus',
      rules: [{ label: 'in Germans', points: 20, filter: { inSegment: id } }] as never,
    },
  });
  expect(model.errors).toBeUndefined();
  const blocked = await server.run(DeleteSegmentDocument, { id });
  expect(blocked.errors?.[0].extensions?.code).toBe('CONFLICT');
  expect(blocked.errors?.[0].message).toContain('scoring model');
});

test.each([
  [{ name: ' ', rules: [] }, 'input.name'],
  [{ name: 'x', rules: [{ label: '', points: 1, filter: {} }] }, 'input.rules.0.label'],
  [
    {
      name: 'x',
      rules: [
        { label: 'a', points: 1, filter: {} },
        { label: 'b', points: 101, filter: {} },
      ],
    },
    'input.rules.1.points',
  ],
  [{ name: 'x', rules: [{ label: 'a', points: -101, filter: {} }] }, 'input.rules.0.points'],
  [
    {
      name: 'x',
      rules: [{ label: 'a', points: 1, filter: { value: { score: { model: '424242', gte: 1 } } } }],
    },
    'input.rules.0.filter.value.score.model',
  ],
  [{ name: 'x', rules: [{ label: 'a', points: 1, filter: { and: [] } }] }, 'input.rules.0.filter.and'],
  [
    { name: 'x', rules: Array.from({ length: 101 }, (_, i) => ({ label: `r${i}`, points: 1, filter: {} })) },
    'input.rules',
  ],
])('a wrong model input is BAD_USER_INPUT at its path (%#)', async (input, path) => {
  const result = await server.run(CreateScoringModelDocument, { input: input as never });
  expect(result.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path });
});

test('scores of unknown models and SCORE without a model are refused with their path', async () => {
  const unknown = await server.post(`{ customers(first: 1) { edges { node { score(model: "424242") } } } }`);
  expect(unknown.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'model' });
  const noModel = await server.post(
    `{ customers(first: 1, orderBy: { field: SCORE, direction: DESC }) { totalCount } }`,
  );
  expect(noModel.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', path: 'orderBy.scoreModel' });
  const wrongModel = await server.post(
    `{ customers(first: 1, orderBy: { field: SCORE, direction: DESC, scoreModel: "424242" }) { totalCount } }`,
  );
  expect(wrongModel.body.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    path: 'orderBy.scoreModel',
  });
  const filter = await server.post(
    `{ evaluateSegment(filter: { value: { score: { model: "424242", gte: 1 } } }) { size } }`,
  );
  expect(filter.body.errors?.[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    path: 'filter.value.score.model',
  });
});
