import { parseIsoInstant } from '../common/dates';
import type { SegmentFilter } from './types';

/** Filter fields that hold instants: saved as ISO text, used as Date. */
const INSTANT_KEYS = new Set(['before', 'after', 'from', 'to']);

/**
 * A filter as stored (JSON) back into the engine's form: instants become
 * Dates again. Anything unreadable is left as is for validation to refuse.
 */
export function filterFromJson(json: unknown): SegmentFilter {
  const revive = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => revive(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, revive(v, k)]),
      );
    }
    if (key && INSTANT_KEYS.has(key) && typeof value === 'string') return parseIsoInstant(value) ?? value;
    return value;
  };
  return revive(json) as SegmentFilter;
}

/** A filter as plain JSON to store or return: unset fields dropped, instants as ISO text. */
export function filterToJson(filter: SegmentFilter): Record<string, unknown> {
  const plain = (value: unknown): unknown => {
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map(plain);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined && v !== null)
          .map(([k, v]) => [k, plain(v)]),
      );
    }
    return value;
  };
  return plain(filter) as Record<string, unknown>;
}

/** A filter read from a JSON column: SQLite hands back text, PostgreSQL's jsonb an object. */
export function storedFilter(column: unknown): SegmentFilter {
  return filterFromJson(typeof column === 'string' ? JSON.parse(column) : column);
}
