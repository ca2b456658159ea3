import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { PROJECT_ROOT, SCHEMA_FILE } from '../src/common/paths';
import { schemaText } from '../src/server/schema-text';

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
  const text = await schemaText();
  for (const name of ['type Customer', 'type CustomerValue', 'type Order', 'type Event', 'type IngestResult', 'type IngestError', 'enum RfmSegment', 'enum Channel', 'enum LifecycleStage', 'input CustomerOrder', 'scalar DateTime', 'scalar JSON', 'upsertCustomers(customers: [CustomerInput!]!): IngestResult!', 'recordOrders(orders: [OrderInput!]!): IngestResult!', 'recordEvents(events: [EventInput!]!): IngestResult!']) {
    expect(text).toContain(name);
  }
});
