import {
  CreatePersonaDocument,
  CreateScoringModelDocument,
  CreateSegmentDocument,
  DeletePersonaDocument,
  DeleteScoringModelDocument,
  DeleteSegmentDocument,
  UpdateSegmentDocument,
} from './generated/operations';
import { startTestServer, type TestServer } from './support/server';

/**
 * Who uses which saved segment is one graph: the segments a segment uses and
 * is used by, and the refusal to delete a segment that a segment, a persona or
 * a scoring rule still uses, read the same references.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.stop());

async function createSegment(name: string, filter: object): Promise<string> {
  const result = await server.run(CreateSegmentDocument, { input: { name, filter } as never });
  expect(result.errors).toBeUndefined();
  return result.data!.createSegment.id;
}

async function refusal(id: string) {
  const refused = await server.run(DeleteSegmentDocument, { id });
  expect(refused.data?.deleteSegment ?? null).toBeNull();
  return { code: refused.errors?.[0].extensions?.code, message: refused.errors?.[0].message };
}

test('a segment used by a segment, a scoring rule and a persona cannot be deleted, and the refusal names each user', async () => {
  const base = await createSegment('Germans', { identity: { country: { eq: 'DE' } } });
  const bySegment = await createSegment('German leads', { inSegment: base, identity: { emailOptIn: true } });
  expect(await refusal(base)).toEqual({
    code: 'CONFLICT',
    message: `segment ${base} is used by segment ${bySegment} "German leads": change those first`,
  });

  const model = await server.run(CreateScoringModelDocument, {
    input: {
      name: 'German bonus',
      rules: [{ label: 'in Germans', points: 20, filter: { inSegment: base } }] as never,
    },
  });
  expect(model.errors).toBeUndefined();
  const modelId = model.data!.createScoringModel.id;
  const persona = await server.run(CreatePersonaDocument, {
    input: { name: 'German persona', filter: { inSegment: base } as never },
  });
  expect(persona.errors).toBeUndefined();
  const personaId = persona.data!.createPersona.id;
  expect(await refusal(base)).toEqual({
    code: 'CONFLICT',
    message: `segment ${base} is used by segment ${bySegment} "German leads", scoring model ${modelId} "German bonus", persona ${personaId} "German persona": change those first`,
  });

  // The segment that used it stops using it: the same graph answers referencedBy and the refusal.
  const changed = await server.run(UpdateSegmentDocument, {
    id: bySegment,
    input: { name: 'German leads', filter: { identity: { country: { eq: 'DE' } } } as never },
  });
  expect(changed.errors).toBeUndefined();
  const view = await server.post('query ($id: ID!) { segment(id: $id) { referencedBy { id } } }', {
    id: base,
  });
  expect(view.body).toEqual({ data: { segment: { referencedBy: [] } } });
  expect(await refusal(base)).toEqual({
    code: 'CONFLICT',
    message: `segment ${base} is used by scoring model ${modelId} "German bonus", persona ${personaId} "German persona": change those first`,
  });

  expect((await server.run(DeleteScoringModelDocument, { id: modelId })).data!.deleteScoringModel).toBe(true);
  expect(await refusal(base)).toEqual({
    code: 'CONFLICT',
    message: `segment ${base} is used by persona ${personaId} "German persona": change those first`,
  });
  expect((await server.run(DeletePersonaDocument, { id: personaId })).data!.deletePersona).toBe(true);
  expect((await server.run(DeleteSegmentDocument, { id: base })).data!.deleteSegment).toBe(true);
});
