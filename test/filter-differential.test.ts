import fc from 'fast-check';
import { recordEvents, recordOrders } from '../src/ingest/activity-ingest';
import { upsertCustomers } from '../src/ingest/customer-ingest';
import { assignedPersona, evaluate } from '../src/filter/evaluate';
import { loadCustomerFacts } from '../src/filter/facts-loader';
import { matchingCustomerIds } from '../src/filter/query';
import { compileFilter, compilePersonaAssignment } from '../src/filter/compile';
import { dialectFor } from '../src/filter/dialect';
import { dialectName } from '../src/db/dialect-name';
import type { PersonaDefinition, ScoringRuleDefinition, SegmentFilter } from '../src/filter/types';
import {
  prepareFilter,
  preparePersonaAssignment,
  savedLookups,
  type FilterReferences,
} from '../src/filter/validate';
import { createTestDatabase, type TestDatabase } from './support/database';
import {
  AS_OF,
  baseArb,
  filterArb,
  longListFilterArb,
  scoringRulesArb,
  type BaseCustomer,
} from './support/filter-arbitraries';

/**
 * The compiled SQL must select exactly the customers the reference evaluator
 * accepts: random small bases (nulls, missing attributes, customers without
 * orders or events, instants on window edges) × random filters of every
 * criterion kind up to depth 4, including composition through saved segments
 * and scores of points-based scoring models (overlapping rules, negative points),
 * and persona membership (exclusive, in assignment order).
 */
const BASES = Number(process.env.FILTER_BASES ?? 10);
const FILTERS_PER_BASE = Number(process.env.FILTERS_PER_BASE ?? 400);
/** Of which, filters whose lists hold 10 to 1,000 values (bound as one parameter). */
const LONG_LIST_SHARE = 4;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

async function loadBase(base: BaseCustomer[]): Promise<void> {
  const knex = database.db.fork().getKnex();
  for (const table of [
    'customer_metrics',
    'order_categories',
    'orders',
    'events',
    'customer_interests',
    'customer_attributes',
    'customers',
  ]) {
    await knex(table).delete();
  }
  const stored = await upsertCustomers(knex, base.map((item) => item.customer) as never);
  const orders = await recordOrders(
    knex,
    base.flatMap((item) => item.orders),
    'EUR',
  );
  const events = await recordEvents(
    knex,
    base.flatMap((item) => item.events),
  );
  for (const result of [stored, orders, events]) expect(result.rejected).toEqual([]);
  const ids = new Map<string, number>(
    (await knex('customers').select('id', 'external_id')).map((row: any) => [
      row.external_id,
      Number(row.id),
    ]),
  );
  const metrics = base
    .filter((item) => item.metrics)
    .map((item) => ({
      ...item.metrics,
      customer_id: ids.get(item.customer.externalId as string),
      as_of: AS_OF.getTime(),
      computed_at: AS_OF.getTime(),
    }));
  if (metrics.length) await knex('customer_metrics').insert(metrics);
}

test(`compiled SQL equals the reference evaluator on ${BASES} random bases × ${FILTERS_PER_BASE} random filters`, async () => {
  const bases = fc.sample(baseArb(24), { numRuns: BASES, seed: 20261123 });
  let nonTrivial = 0;
  for (const [b, base] of bases.entries()) {
    await loadBase(base);
    const knex = database.db.fork().getKnex();
    const facts = await loadCustomerFacts(knex);
    // Two scoring models (the second may use the first's score), three personas
    // in an assignment order with a tie broken by age (each may use the models
    // and the personas before it) and three saved segments, each may use all of
    // those and the segments before it.
    const models = new Map<string, ScoringRuleDefinition[]>();
    for (const id of ['1', '2'])
      models.set(
        id,
        fc.sample(scoringRulesArb({ models: [...models.keys()] }), {
          numRuns: 1,
          seed: b * 10 + 5 + Number(id),
        })[0],
      );
    const personas: PersonaDefinition[] = [];
    for (const id of ['3', '1', '2']) {
      const filter = fc.sample(
        filterArb(2, { models: [...models.keys()], personas: personas.map((p) => p.id) }),
        { numRuns: 1, seed: b * 10 + 7 + Number(id) },
      )[0];
      personas.push({ id, name: `persona ${id}`, filter });
    }
    const saved = new Map<string, SegmentFilter>();
    for (const id of ['1', '2', '3']) {
      const filter = fc.sample(
        filterArb(2, {
          segments: [...saved.keys()],
          models: [...models.keys()],
          personas: personas.map((p) => p.id),
        }),
        { numRuns: 1, seed: b * 10 + Number(id) },
      )[0];
      saved.set(id, filter);
    }
    const references: FilterReferences = {
      segmentFilter: async (id) => saved.get(id) ?? null,
      personaOrder: async () => personas,
      scoringRules: async (id) => models.get(id) ?? null,
    };
    const everything = {
      segments: [...saved.keys()],
      models: [...models.keys()],
      personas: personas.map((p) => p.id),
    };
    // Persona assignment in one expression agrees with the reference evaluator's.
    const assignment = await preparePersonaAssignment(references, 'assignment');
    const assigned = compilePersonaAssignment({
      asOf: AS_OF,
      dialect: dialectFor(dialectName(knex)),
      ...savedLookups(assignment),
    });
    const assignedRows: Array<{ id: number | string; persona: number | string | null }> = await knex(
      'customers as c',
    )
      .select('c.id', knex.raw(`${assigned.text} as persona`, assigned.bindings))
      .orderBy('c.id');
    const assignmentContext = { asOf: AS_OF, ...savedLookups(assignment) };
    expect(assignedRows.map((row) => (row.persona == null ? null : String(row.persona)))).toEqual(
      facts.map((customer) => assignedPersona(customer, assignmentContext)?.id ?? null),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: LONG_LIST_SHARE - 1, arbitrary: filterArb(4, everything) },
          { weight: 1, arbitrary: longListFilterArb(4, everything) },
        ),
        async (filter) => {
          const prepared = await prepareFilter(filter, references);
          const fromSql = await matchingCustomerIds(knex, prepared, AS_OF);
          const context = { asOf: AS_OF, ...savedLookups(prepared) };
          const fromReference = facts
            .filter((customer) => evaluate(customer, filter, context))
            .map((customer) => customer.id)
            .sort((x, y) => x - y);
          expect(fromSql).toEqual(fromReference);
          if (fromSql.length > 0 && fromSql.length < facts.length) nonTrivial += 1;
          // not is the exact complement, whatever is null.
          const complement = await matchingCustomerIds(knex, { ...prepared, filter: { not: filter } }, AS_OF);
          expect(complement.length + fromSql.length).toBe(facts.length);
          // The other shape of aggregates (grouped sets vs per customer) means the same.
          const dialect = dialectFor(dialectName(knex));
          const other = compileFilter(filter, {
            asOf: AS_OF,
            dialect: { ...dialect, groupBroadAggregates: !dialect.groupBroadAggregates },
            ...savedLookups(prepared),
          });
          const otherRows: Array<{ id: number | string }> = await knex('customers as c')
            .select('c.id')
            .whereRaw(other.text, other.bindings)
            .orderBy('c.id');
          expect(otherRows.map((row) => Number(row.id))).toEqual(fromReference);
        },
      ),
      { numRuns: FILTERS_PER_BASE, seed: 1000 + b, endOnFailure: true },
    );
  }
  // The random filters must actually split the bases, or the comparison proves little.
  expect(nonTrivial).toBeGreaterThan((BASES * FILTERS_PER_BASE) / 4);
}, 600_000);
