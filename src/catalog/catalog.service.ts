import type { Knex } from '@mikro-orm/knex';
import type { Channel } from '../common/enums';
import { rowsOf } from '../db/raw-rows';

/**
 * What the base holds, for pickers: the names and values a filter can name,
 * each with how often it occurs. Every list is one grouped statement over a
 * column that an index starts with (events by name, categories, interests,
 * attribute keys, countries, job functions, industries), largest first and
 * cut at `first`; an event's channels and property keys come from its latest
 * events only (JSON is not indexed). Answers are kept CATALOG_LIMITS.cacheMs
 * per store, so a studio asking on every page load costs one statement per list
 * a minute, whatever the number of users.
 */
export const CATALOG_LIMITS = {
  /** An event's channels and property keys are counted among this many of its latest events. */
  eventSample: 1_000,
  /** How long an answer is kept and served again, per store. */
  cacheMs: 60_000,
} as const;

/** A value and how many carry it (customers, orders or events: the list says which). */
export interface CatalogCount {
  value: string;
  count: number;
}

export interface CatalogChannel {
  channel: Channel;
  count: number;
}

/** What the latest events of one name carry. */
export interface EventSample {
  /** Events read: at most CATALOG_LIMITS.eventSample. */
  sampled: number;
  channels: CatalogChannel[];
  properties: CatalogCount[];
}

export type AttributeValueType = 'string' | 'number' | 'boolean';

export interface CatalogAttribute {
  key: string;
  type: AttributeValueType;
  customers: number;
}

/** The lists of the catalog read from one column: the table, the column an index starts with, what a count is. */
export const CATALOG_COLUMNS = {
  categories: { table: 'order_categories', column: 'category' },
  interests: { table: 'customer_interests', column: 'tag' },
  countries: { table: 'customers', column: 'country' },
  jobFunctions: { table: 'customers', column: 'job_function' },
  industries: { table: 'customers', column: 'industry' },
  events: { table: 'events', column: 'name' },
} as const;
export type CatalogList = keyof typeof CATALOG_COLUMNS;

const byCountThenValue = <T extends { count: number; value: string }>(x: T, y: T) =>
  y.count - x.count || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0);

/**
 * The `first` most frequent values of one column with their counts, ties by value; rows
 * without a value are not listed. The grouping reads only the index the column starts.
 */
export function catalogValues(
  knex: Knex,
  list: CatalogList,
  first: number,
  now: number,
): Promise<CatalogCount[]> {
  return cached(knex, `${list}:${first}`, now, async () => {
    const { table, column } = CATALOG_COLUMNS[list];
    const rows: Array<{ value: string; count: number | string }> = await knex
      .raw(
        `select ${column} as value, count(*) as count from ${table} where ${column} is not null
         group by ${column} order by count(*) desc, ${column} limit ?`,
        [first],
      )
      .then(rowsOf);
    return rows.map((row) => ({ value: String(row.value), count: Number(row.count) })).sort(byCountThenValue);
  });
}

/** Attribute keys by the number of customers holding them, once per value type a key is stored with. */
export function catalogAttributes(knex: Knex, first: number, now: number): Promise<CatalogAttribute[]> {
  return cached(knex, `attributes:${first}`, now, async () => {
    const rows: Array<{ key: string; type: AttributeValueType; customers: number | string }> = await knex
      .raw(
        `select key, value_type as type, count(*) as customers from customer_attributes
         group by key, value_type order by count(*) desc, key, value_type limit ?`,
        [first],
      )
      .then(rowsOf);
    return rows.map((row) => ({ key: row.key, type: row.type, customers: Number(row.customers) }));
  });
}

/**
 * The channels and property keys of the latest CATALOG_LIMITS.eventSample events of a name,
 * read through the (name, occurred_at) index: a bounded read, however many such events exist.
 */
export function eventSample(knex: Knex, name: string, now: number): Promise<EventSample> {
  return cached(knex, `event:${name}`, now, async () => {
    const rows: Array<{ channel: Channel; properties: unknown }> = await knex
      .raw(`select channel, properties from events where name = ? order by occurred_at desc limit ?`, [
        name,
        CATALOG_LIMITS.eventSample,
      ])
      .then(rowsOf);
    const channels = new Map<Channel, number>();
    const properties = new Map<string, number>();
    for (const row of rows) {
      channels.set(row.channel, (channels.get(row.channel) ?? 0) + 1);
      const stored = typeof row.properties === 'string' ? JSON.parse(row.properties) : row.properties;
      for (const key of Object.keys(stored ?? {})) properties.set(key, (properties.get(key) ?? 0) + 1);
    }
    return {
      sampled: rows.length,
      channels: [...channels]
        .map(([channel, count]) => ({ channel, value: channel, count }))
        .sort(byCountThenValue)
        .map(({ channel, count }) => ({ channel, count })),
      properties: [...properties].map(([value, count]) => ({ value, count })).sort(byCountThenValue),
    };
  });
}

interface Kept {
  expires: number;
  answer: Promise<unknown>;
}
/** Per store (its knex instance, shared by every forked EntityManager): the answers kept, by list and size. */
const kept = new WeakMap<Knex, Map<string, Kept>>();

/**
 * The answer kept for `key` while it is fresh, else a new one. The promise itself is kept, so
 * requests arriving while a list is being counted wait for that one statement rather than
 * each starting their own; a failed answer is forgotten at once.
 */
function cached<T>(knex: Knex, key: string, now: number, compute: () => Promise<T>): Promise<T> {
  let answers = kept.get(knex);
  if (!answers) kept.set(knex, (answers = new Map()));
  for (const [stale, entry] of answers) if (entry.expires <= now) answers.delete(stale);
  const hit = answers.get(key);
  if (hit) return hit.answer as Promise<T>;
  const answer = compute();
  answers.set(key, { expires: now + CATALOG_LIMITS.cacheMs, answer });
  answer.catch(() => {
    if (answers.get(key)?.answer === answer) answers.delete(key);
  });
  return answer;
}
