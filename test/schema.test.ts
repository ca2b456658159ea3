import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { PROJECT_ROOT, SCHEMA_FILE } from '../src/common/paths';
import { buildAppSchema } from '../src/server/schema';
import { schemaText } from '../src/server/schema-text';
import { schemaEntries } from './support/schema-signatures';

/** The committed schema and the generated operations must match the code; `npm run generate` refreshes both. */
test('schema/schema.graphql is what the code emits', async () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  expect(committed === (await schemaText())).toBe(true);
});

test('test/generated/operations.ts is what codegen makes of schema/examples', async () => {
  const { config } = await loadCodegenConfig({ configFilePath: join(PROJECT_ROOT, 'codegen.yml') });
  const outputs = await generate({ ...config, cwd: PROJECT_ROOT, silent: true }, false);
  const [output] = outputs as Array<{ filename: string; content: string }>;
  expect(output.filename).toMatch(/test\/generated\/operations\.ts$/);
  const committed = readFileSync(join(PROJECT_ROOT, 'test', 'generated', 'operations.ts'), 'utf8');
  expect(committed === output.content).toBe(true);
});

test('the contract names of docs/API.md are in the schema', async () => {
  const entries = schemaEntries(await buildAppSchema());
  for (const name of [
    'type Customer',
    'type CustomerValue',
    'type Order',
    'type Event',
    'type IngestResult',
    'type IngestError',
    'enum RfmSegment',
    'enum Channel',
    'enum LifecycleStage',
    'input CustomerOrder',
    'scalar DateTime',
    'scalar JSON',
  ]) {
    expect(entries.has(name) ? name : `${name} is not in the schema`).toBe(name);
  }
  expect(entries.get('type Mutation.upsertCustomers')).toBe(
    'upsertCustomers(customers: [CustomerInput!]!): IngestResult!',
  );
  expect(entries.get('type Mutation.recordOrders')).toBe(
    'recordOrders(orders: [OrderInput!]!): IngestResult!',
  );
  expect(entries.get('type Mutation.recordEvents')).toBe(
    'recordEvents(events: [EventInput!]!): IngestResult!',
  );
});
