import { ATTRIBUTE_KEY, type FlatValue } from '../db/customer-row';
import { unstorableText } from '../common/text';

/** Limits of one ingestion call and of each value, documented in the README. */
export const INGEST_LIMITS = {
  batch: 5000,
  externalId: 255,
  text: 255,
  email: 320,
  phone: 64,
  postalCode: 32,
  tag: 100,
  tags: 100,
  categories: 50,
  eventName: 100,
  attributeKeys: 100,
  attributeString: 1000,
  /**
   * Largest order amount. A sum over any realistic base (10^6 orders of this
   * much, 10^18) stays finite with 15 significant digits; 1.7e308 overflows
   * the first SUM that meets two of them (SQLite turns it to NULL,
   * PostgreSQL to an error).
   */
  amount: 1e12,
} as const;

/** The earliest and latest instants we store: beyond them a date is a typo, not history. */
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

export class ItemProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function requireText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw new ItemProblem(field, `${field} must be a string`);
  if (value.trim() === '') throw new ItemProblem(field, `${field} must not be empty`);
  if (value.length > max) throw new ItemProblem(field, `${field} is longer than ${max} characters`);
  storableText(value, field);
  return value;
}

/** Refuses text that no store keeps as written (common/text.ts): the item is rejected, not the batch. */
function storableText(value: string, field: string): void {
  const reason = unstorableText(value);
  if (reason) throw new ItemProblem(field, `${field} ${reason}`);
}

/** An optional text: undefined stays undefined (not given), null clears. */
export function optionalText(value: unknown, field: string, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  return requireText(value, field, max);
}

export function requireInstant(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ItemProblem(field, `${field} is not a valid date-time`);
  }
  if (value.getTime() < EARLIEST || value.getTime() >= LATEST) {
    throw new ItemProblem(field, `${field} must be between 1900 and 2200`);
  }
  return value;
}

export function optionalInstant(value: unknown, field: string): Date | null | undefined {
  if (value === undefined || value === null) return value;
  return requireInstant(value, field);
}

export function requireEnum<T extends string>(value: unknown, allowed: Record<string, T>, field: string): T {
  const values = Object.values(allowed) as string[];
  if (typeof value !== 'string' || !values.includes(value)) {
    throw new ItemProblem(field, `${field} must be one of ${values.join(', ')}`);
  }
  return value as T;
}

/** A list of short labels, deduplicated in the order given. */
export function tagList(value: unknown, field: string, maxItems: number): string[] {
  if (!Array.isArray(value)) throw new ItemProblem(field, `${field} must be a list of strings`);
  if (value.length > maxItems) throw new ItemProblem(field, `${field} holds more than ${maxItems} values`);
  const tags: string[] = [];
  value.forEach((tag, i) => {
    const text = requireText(tag, `${field}.${i}`, INGEST_LIMITS.tag);
    if (!tags.includes(text)) tags.push(text);
  });
  return tags;
}

/** A flat object of string, number or boolean values under safe keys (attributes, properties). */
export function flatObject(value: unknown, field: string): Record<string, FlatValue> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ItemProblem(field, `${field} must be an object of string, number or boolean values`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > INGEST_LIMITS.attributeKeys) {
    throw new ItemProblem(field, `${field} has more than ${INGEST_LIMITS.attributeKeys} keys`);
  }
  const flat: Record<string, FlatValue> = {};
  for (const [key, item] of entries) {
    if (!ATTRIBUTE_KEY.test(key)) {
      throw new ItemProblem(`${field}.${key}`, `${field} key "${key}" must match [A-Za-z0-9_.-]{1,64}`);
    }
    if (typeof item === 'string') {
      if (item.length > INGEST_LIMITS.attributeString) {
        throw new ItemProblem(
          `${field}.${key}`,
          `${field}.${key} is longer than ${INGEST_LIMITS.attributeString} characters`,
        );
      }
      storableText(item, `${field}.${key}`);
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item))
        throw new ItemProblem(`${field}.${key}`, `${field}.${key} must be a finite number`);
    } else if (typeof item !== 'boolean') {
      throw new ItemProblem(`${field}.${key}`, `${field}.${key} must be a string, number or boolean`);
    }
    flat[key] = item as FlatValue;
  }
  return flat;
}

/**
 * A comparable text of a stored or incoming value: objects compare whatever
 * their key order, instants by their milliseconds. Tells a replay from a change.
 */
export function canonical(value: unknown): string {
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const sorted = Object.keys(value as object)
      .sort()
      .map((key) => [key, (value as Record<string, unknown>)[key]]);
    return JSON.stringify(sorted);
  }
  return JSON.stringify(value ?? null);
}
