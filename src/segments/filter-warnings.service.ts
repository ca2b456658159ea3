import type { Knex } from '@mikro-orm/knex';
import { rowsOf } from '../db/raw-rows';
import { closestName, namedReferences, type NameKind, type NamedReference } from '../filter/named-references';
import type { SegmentFilter } from '../filter/types';

/** A criterion that names something no customer has: never an error, since the name may appear later. */
export interface FilterWarning {
  path: string;
  message: string;
}

/** Where each kind of name is stored, with an index that starts with that column. */
const NAME_COLUMNS: Record<
  Exclude<NameKind, 'eventProperty'>,
  { table: string; column: string; what: (name: string) => string }
> = {
  event: { table: 'events', column: 'name', what: (name) => `no event named ${name}` },
  attribute: {
    table: 'customer_attributes',
    column: 'key',
    what: (name) => `no customer has an attribute ${name}`,
  },
  category: {
    table: 'order_categories',
    column: 'category',
    what: (name) => `no order has the category ${name}`,
  },
  interest: {
    table: 'customer_interests',
    column: 'tag',
    what: (name) => `no customer has the interest ${name}`,
  },
  country: { table: 'customers', column: 'country', what: (name) => `no customer is in country ${name}` },
};

/** Property keys are read from this many of the latest events (of the named event, when the criterion names one): they are JSON, not indexed. */
export const PROPERTY_SAMPLE = 10_000;
/** Suggestions are drawn from at most this many distinct names of a kind. */
const SUGGESTION_POOL = 2_000;

/**
 * The warnings for a filter: one indexed look-up per distinct name, and for a
 * missing one a walk over the distinct names of its index (a seek per name) to
 * suggest the closest ("no event named purchsae; did you mean purchase?").
 */
export async function filterWarnings(
  knex: Knex,
  filter: SegmentFilter | null | undefined,
): Promise<FilterWarning[]> {
  const references = namedReferences(filter);
  const verdicts = new Map<string, Promise<string | null>>();
  const warnings: FilterWarning[] = [];
  for (const reference of references) {
    const key = JSON.stringify([reference.kind, reference.name, reference.event ?? null]);
    if (!verdicts.has(key)) verdicts.set(key, verdictOn(knex, reference));
    const message = await verdicts.get(key)!;
    if (message) warnings.push({ path: reference.path, message });
  }
  return warnings;
}

/** null when the name exists; otherwise the warning's message. */
async function verdictOn(knex: Knex, reference: NamedReference): Promise<string | null> {
  if (reference.kind === 'eventProperty') return propertyVerdict(knex, reference);
  const { table, column, what } = NAME_COLUMNS[reference.kind];
  const found = await knex(table).where(column, reference.name).first(knex.raw('1 as found'));
  if (found) return null;
  return withSuggestion(
    what(reference.name),
    closestName(reference.name, await distinctNames(knex, table, column)),
  );
}

async function propertyVerdict(knex: Knex, reference: NamedReference): Promise<string | null> {
  const latest = (event: string | null) => {
    const query = knex('events').select('properties').limit(PROPERTY_SAMPLE);
    return event === null
      ? query.orderBy('id', 'desc')
      : query.where('name', event).orderBy('occurred_at', 'desc');
  };
  // An event name nobody has is warned about on its own: its properties are then looked for among all events.
  let event = reference.event ?? null;
  let rows = await latest(event);
  if (rows.length === 0 && event !== null) [event, rows] = [null, await latest(null)];
  const keys = new Set<string>();
  for (const row of rows) {
    const properties = typeof row.properties === 'string' ? JSON.parse(row.properties) : row.properties;
    for (const key of Object.keys(properties ?? {})) keys.add(key);
  }
  if (keys.has(reference.name)) return null;
  const events = event !== null ? `${event} events` : 'events';
  return withSuggestion(
    `no property ${reference.name} among the latest ${PROPERTY_SAMPLE.toLocaleString('en')} ${events}`,
    closestName(reference.name, keys),
  );
}

function withSuggestion(message: string, suggestion: string | null): string {
  return suggestion === null ? message : `${message}; did you mean ${suggestion}?`;
}

/**
 * The distinct values of an indexed column, smallest first, by repeated
 * seeks (the next value above the last one) rather than a scan of the table.
 */
async function distinctNames(knex: Knex, table: string, column: string): Promise<string[]> {
  const rows = await knex
    .raw(
      `with recursive names(value, position) as (
         select min(${column}), 1 from ${table}
         union all
         select (select min(${column}) from ${table} where ${column} > names.value), position + 1 from names
         where names.value is not null and position < ?
       )
       select value from names where value is not null`,
      [SUGGESTION_POOL],
    )
    .then(rowsOf);
  return rows.map((row: { value: string }) => row.value);
}
