import { prepareFilter } from '../src/filter/validate';
import { matchingCustomerIds } from '../src/filter/query';
import { suggestPersonas } from '../src/personas/suggestions/suggestions.service';
import { databaseReferences } from '../src/saved-filters/filter.service';
import { filterFromJson } from '../src/filter/json';
import { refreshMetrics } from '../src/value/metrics.service';
import { generateCustomer } from '../seeds/generator';
import { storeGenerated } from '../seeds/load';
import { CreatePersonaDocument, PersonaSuggestionsDocument } from './generated/operations';
import { startTestServer, type TestServer } from './support/server';

/**
 * Persona suggestions on a seeded base small enough to be clustered whole:
 * each suggested filter is run through SQL and measured against its cluster
 * (precision, recall), which must be the figures the suggestion reports.
 */
let server: TestServer;
const CUSTOMERS = 1200;
const now = new Date();

beforeAll(async () => {
  server = await startTestServer();
  const knex = server.db.fork().getKnex();
  await storeGenerated(
    knex,
    Array.from({ length: CUSTOMERS }, (_, i) => generateCustomer(i, { seed: 5, until: now })),
  );
  await refreshMetrics(knex, now);
}, 120_000);
afterAll(async () => server.stop());

test('each suggested filter selects its cluster with the precision and recall it reports', async () => {
  const em = server.db.fork();
  const suggestions = await suggestPersonas(em, 5, null, now);
  expect(suggestions).toHaveLength(5);
  expect(suggestions.reduce((sum, s) => sum + s.memberIds.length, 0)).toBe(CUSTOMERS);
  expect(suggestions.reduce((sum, s) => sum + s.size, 0)).toBe(CUSTOMERS);
  const report: string[] = [];
  let f1Sum = 0;
  for (const suggestion of suggestions) {
    const prepared = await prepareFilter(filterFromJson(suggestion.filter), databaseReferences(em));
    const selected = new Set(await matchingCustomerIds(em.getKnex(), prepared, now));
    const cluster = new Set(suggestion.memberIds);
    const hits = [...selected].filter((id) => cluster.has(id)).length;
    const precision = selected.size === 0 ? 0 : hits / selected.size;
    const recall = hits / cluster.size;
    expect(precision).toBeCloseTo(suggestion.precision, 12);
    expect(recall).toBeCloseTo(suggestion.recall, 12);
    f1Sum += (2 * precision * recall) / (precision + recall || 1);
    expect(suggestion.label.length).toBeGreaterThan(0);
    expect(suggestion.share).toBeCloseTo(suggestion.size / CUSTOMERS, 12);
    report.push(
      `${suggestion.label.padEnd(60)} size ${String(suggestion.size).padStart(4)}  precision ${precision.toFixed(2)}  recall ${recall.toFixed(2)}  [${suggestion.traits.join('; ')}]`,
    );
  }
  console.log(
    `persona suggestions on ${CUSTOMERS} customers, k = 5:\n${report.join('\n')}\nmean F1 ${(f1Sum / suggestions.length).toFixed(2)}`,
  );
  // Clusters found in 20-odd dimensions are not boxes; a few crossed conditions still find most of each.
  expect(f1Sum / suggestions.length).toBeGreaterThan(0.7);
}, 60_000);

test('suggestions are deterministic, come through GraphQL, and their filters feed createPersona unchanged', async () => {
  const first = await server.run(PersonaSuggestionsDocument, { k: 4 });
  const second = await server.run(PersonaSuggestionsDocument, { k: 4 });
  expect(first.errors).toBeUndefined();
  expect(second.data).toEqual(first.data);
  const suggestions = first.data!.personaSuggestions;
  expect(suggestions).toHaveLength(4);
  for (const suggestion of suggestions) {
    expect(suggestion.traits.length).toBeGreaterThan(0);
    expect(suggestion.centroid).toHaveProperty('lifetimeRevenue');
    const created = await server.run(CreatePersonaDocument, {
      input: { name: suggestion.label, filter: suggestion.filter },
    });
    expect(created.errors).toBeUndefined();
  }
});

test('a filter narrows what is clustered, and k is checked', async () => {
  const em = server.db.fork();
  const filter = { identity: { lifecycleStage: ['CUSTOMER'] } } as never;
  const suggestions = await suggestPersonas(em, 3, filter, now);
  const customers = await matchingCustomerIds(
    em.getKnex(),
    await prepareFilter(filter, databaseReferences(em)),
    now,
  );
  expect(suggestions.reduce((sum, s) => sum + s.memberIds.length, 0)).toBe(customers.length);
  for (const suggestion of suggestions)
    expect((suggestion.filter as { and?: unknown[] }).and?.[0] ?? suggestion.filter).toEqual({
      identity: { lifecycleStage: ['CUSTOMER'] },
    });
  const bad = await server.run(PersonaSuggestionsDocument, { k: 1 });
  expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'k' });
});
