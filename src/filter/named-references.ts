import type { AttributeFilter, SegmentFilter, StringFilter, TagFilter } from './types';

/**
 * The names a filter spells out that only the data can confirm: event names
 * and their property keys, attribute keys, order categories, interests and
 * countries. A name nobody has makes a criterion match no one, which is
 * legitimate (the name may appear later) but usually a typo; callers look
 * these up to warn.
 */
export type NameKind = 'event' | 'eventProperty' | 'attribute' | 'category' | 'interest' | 'country';

export interface NamedReference {
  kind: NameKind;
  name: string;
  /** Where in the input it was written, as in validation errors (`filter.and.1.behaviour.event.name`). */
  path: string;
  /** For an event property: the event name the criterion also asks for, if any. */
  event?: string | null;
}

/** Every named reference of a filter as written (saved segments it uses were checked when they were saved). */
export function namedReferences(filter: SegmentFilter | null | undefined, path = 'filter'): NamedReference[] {
  if (!filter) return [];
  const found: NamedReference[] = [];
  const exactValues = (kind: NameKind, at: string, strings: StringFilter | null | undefined) => {
    if (strings?.eq != null) found.push({ kind, name: strings.eq, path: `${at}.eq` });
    strings?.in?.forEach((name, index) => found.push({ kind, name, path: `${at}.in.${index}` }));
  };
  const tags = (at: string, filterOfTags: TagFilter | null | undefined) => {
    for (const operator of ['hasAny', 'hasAll', 'hasNone'] as const) {
      filterOfTags?.[operator]?.forEach((name, index) =>
        found.push({ kind: 'interest', name, path: `${at}.${operator}.${index}` }),
      );
    }
  };
  const keys = (
    kind: NameKind,
    at: string,
    attributes: AttributeFilter[] | null | undefined,
    event?: string | null,
  ) =>
    attributes?.forEach((attribute, index) =>
      found.push({ kind, name: attribute.key, path: `${at}.${index}.key`, event }),
    );

  filter.and?.forEach((part, index) => found.push(...namedReferences(part, `${path}.and.${index}`)));
  filter.or?.forEach((part, index) => found.push(...namedReferences(part, `${path}.or.${index}`)));
  found.push(...namedReferences(filter.not, `${path}.not`));
  const identity = filter.identity;
  if (identity) {
    exactValues('country', `${path}.identity.country`, identity.country);
    tags(`${path}.identity.interests`, identity.interests);
    keys('attribute', `${path}.identity.attributes`, identity.attributes);
  }
  const event = filter.behaviour?.event;
  if (event) {
    if (event.name != null)
      found.push({ kind: 'event', name: event.name, path: `${path}.behaviour.event.name` });
    keys('eventProperty', `${path}.behaviour.event.properties`, event.properties, event.name);
  }
  exactValues('category', `${path}.behaviour.purchase.category`, filter.behaviour?.purchase?.category);
  return found;
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two names, ignoring case. */
export function nameDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[x.length][y.length];
}

/** The existing name closest to a missing one, if any is close enough to be a likely typo (a third of its length, at least 2). */
export function closestName(missing: string, existing: Iterable<string>): string | null {
  const allowed = Math.max(2, Math.floor(missing.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of existing) {
    if (name === missing) continue;
    const distance = nameDistance(missing, name);
    if (distance < bestDistance || (distance === bestDistance && best !== null && name < best)) {
      best = name;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : null;
}
