import { startTestServer, type TestServer } from './support/server';

/**
 * The graph of saved-filter references (saved_filter_references) follows
 * every write of a segment, a scoring model's rules and a persona, and
 * refuses to delete a scoring model or a persona still in use, naming users.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.stop());

/** The graph as "user_kind user_id -> referenced_kind referenced_id" lines, sorted. */
async function graph(): Promise<string[]> {
  const rows = await server.db.fork().getKnex()('saved_filter_references').select('*');
  return rows
    .map(
      (row: Record<string, unknown>) =>
        `${row.user_kind} ${row.user_id} -> ${row.referenced_kind} ${row.referenced_id}`,
    )
    .sort();
}

async function mutate(field: string, query: string, variables: Record<string, unknown>): Promise<string> {
  const { body } = await server.post(query, variables);
  expect(body.errors).toBeUndefined();
  const result = body.data[field];
  return typeof result === 'object' ? result.id : result;
}

const createSegment = (name: string, filter: object) =>
  mutate('createSegment', 'mutation ($input: SegmentInput!) { createSegment(input: $input) { id } }', {
    input: { name, filter },
  });
const updateSegment = (id: string, name: string, filter: object) =>
  mutate(
    'updateSegment',
    'mutation ($id: ID!, $input: SegmentInput!) { updateSegment(id: $id, input: $input) { id } }',
    { id, input: { name, filter } },
  );
const createModel = (name: string, filters: object[]) =>
  mutate(
    'createScoringModel',
    'mutation ($input: ScoringModelInput!) { createScoringModel(input: $input) { id } }',
    { input: { name, rules: filters.map((filter, i) => ({ label: `rule ${i}`, points: 10, filter })) } },
  );
const updateModel = (id: string, name: string, filters: object[]) =>
  mutate(
    'updateScoringModel',
    'mutation ($id: ID!, $input: ScoringModelInput!) { updateScoringModel(id: $id, input: $input) { id } }',
    { id, input: { name, rules: filters.map((filter, i) => ({ label: `rule ${i}`, points: 10, filter })) } },
  );
const createPersona = (name: string, filter: object, priority = 100) =>
  mutate('createPersona', 'mutation ($input: PersonaInput!) { createPersona(input: $input) { id } }', {
    input: { name, filter, priority },
  });
const updatePersona = (id: string, name: string, filter: object, priority = 100) =>
  mutate(
    'updatePersona',
    'mutation ($id: ID!, $input: PersonaInput!) { updatePersona(id: $id, input: $input) { id } }',
    { id, input: { name, filter, priority } },
  );

async function remove(kind: 'Segment' | 'ScoringModel' | 'Persona', id: string) {
  const { body } = await server.post(`mutation ($id: ID!) { delete${kind}(id: $id) }`, { id });
  return body.errors
    ? { refused: body.errors[0].extensions?.code, message: body.errors[0].message }
    : { deleted: body.data[`delete${kind}`] };
}

const score = (model: string) => ({ value: { score: { model, gte: 10 } } });

test('each write of a segment, a scoring model and a persona replaces its rows of the graph, and a delete removes them', async () => {
  const base = await createSegment('Germans', { identity: { country: { eq: 'DE' } } });
  const model = await createModel('Lead score', [{ inSegment: base }, { identity: { emailOptIn: true } }]);
  const persona = await createPersona('Scored Germans', { and: [{ inSegment: base }, score(model)] });
  const segment = await createSegment('Scored leads', {
    or: [{ inSegment: base }, { not: score(model) }],
    persona,
  });
  expect(await graph()).toEqual(
    [
      `scoring_model ${model} -> segment ${base}`,
      `persona ${persona} -> segment ${base}`,
      `persona ${persona} -> scoring_model ${model}`,
      `segment ${segment} -> segment ${base}`,
      `segment ${segment} -> scoring_model ${model}`,
      `segment ${segment} -> persona ${persona}`,
    ].sort(),
  );

  // Updates replace what the object named: nothing stale stays, and two rules naming one thing give one row.
  await updateSegment(segment, 'Scored leads', { persona });
  const other = await createModel('Other score', [{ identity: { country: { eq: 'FR' } } }]);
  await updateModel(model, 'Lead score', [score(other), { not: score(other) }]);
  await updatePersona(persona, 'Scored Germans', { inSegment: base });
  expect(await graph()).toEqual(
    [
      `scoring_model ${model} -> scoring_model ${other}`,
      `persona ${persona} -> segment ${base}`,
      `segment ${segment} -> persona ${persona}`,
    ].sort(),
  );

  // A refused write leaves the graph as it was.
  const { body } = await server.post(
    'mutation ($id: ID!, $input: PersonaInput!) { updatePersona(id: $id, input: $input) { id } }',
    { id: persona, input: { name: 'Scored Germans', filter: { not: { persona } } } },
  );
  expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(await graph()).toContain(`persona ${persona} -> segment ${base}`);

  expect(await remove('Segment', segment)).toEqual({ deleted: true });
  expect(await graph()).toEqual(
    [`scoring_model ${model} -> scoring_model ${other}`, `persona ${persona} -> segment ${base}`].sort(),
  );
  expect(await remove('ScoringModel', model)).toEqual({ deleted: true });
  expect(await graph()).toEqual([`persona ${persona} -> segment ${base}`]);
  expect(await remove('Persona', persona)).toEqual({ deleted: true });
  expect(await graph()).toEqual([]);
  expect(await remove('ScoringModel', other)).toEqual({ deleted: true });
  expect(await remove('Segment', base)).toEqual({ deleted: true });
});

test('a scoring model used by a segment, a rule of another model and a persona cannot be deleted, and the refusal names each user', async () => {
  const model = await createModel('Engagement', [{ identity: { emailOptIn: true } }]);
  const segment = await createSegment('Engaged', score(model));
  const byRule = await createModel('Engaged bonus', [score(model), { not: score(model) }]);
  const persona = await createPersona('Engaged persona', score(model));
  expect(await remove('ScoringModel', model)).toEqual({
    refused: 'CONFLICT',
    message: `scoring model ${model} is used by segment ${segment} "Engaged", scoring model ${byRule} "Engaged bonus", persona ${persona} "Engaged persona": change those first`,
  });

  // Once the users stop naming it, it goes.
  await updateSegment(segment, 'Engaged', { identity: { emailOptIn: true } });
  await updateModel(byRule, 'Engaged bonus', [{ identity: { emailOptIn: false } }]);
  expect(await remove('ScoringModel', model)).toEqual({
    refused: 'CONFLICT',
    message: `scoring model ${model} is used by persona ${persona} "Engaged persona": change those first`,
  });
  await updatePersona(persona, 'Engaged persona', {});
  expect(await remove('ScoringModel', model)).toEqual({ deleted: true });
});

test('a persona used by a segment, a scoring rule and a later persona cannot be deleted, and the refusal names each user', async () => {
  const persona = await createPersona('Buyers', { identity: { country: { eq: 'FR' } } }, 10);
  const segment = await createSegment('Buyer segment', { persona });
  const model = await createModel('Buyer score', [{ persona }]);
  const later = await createPersona('After buyers', { not: { persona } }, 500);
  expect(await remove('Persona', persona)).toEqual({
    refused: 'CONFLICT',
    message: `persona ${persona} is used by segment ${segment} "Buyer segment", scoring model ${model} "Buyer score", persona ${later} "After buyers": change those first`,
  });
  expect(await remove('Persona', later)).toEqual({ deleted: true });
  expect(await remove('ScoringModel', model)).toEqual({ deleted: true });
  expect(await remove('Persona', persona)).toEqual({
    refused: 'CONFLICT',
    message: `persona ${persona} is used by segment ${segment} "Buyer segment": change those first`,
  });
  expect(await remove('Segment', segment)).toEqual({ deleted: true });
  expect(await remove('Persona', persona)).toEqual({ deleted: true });
});
