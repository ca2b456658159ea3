import { useEffect, useState } from 'react';
import { operation, request } from './graphql';
import type { CatalogList } from './filter-model';

/** One value a picker offers, with how many carry it (see COUNTED). */
export interface CatalogEntry {
  value: string;
  count: number;
}

export interface SavedChoice {
  id: string;
  name: string;
}

/** What an entry's count counts, per list: the API's catalog counts events and orders, not customers, for those. */
export const COUNTED: Record<CatalogList, { one: string; many: string }> = {
  eventNames: { one: 'event', many: 'events' },
  categories: { one: 'order', many: 'orders' },
  interests: { one: 'customer', many: 'customers' },
  countries: { one: 'customer', many: 'customers' },
  regions: { one: 'customer', many: 'customers' },
  industries: { one: 'customer', many: 'customers' },
  jobFunctions: { one: 'customer', many: 'customers' },
  acquisitionSources: { one: 'customer', many: 'customers' },
};

/**
 * How many values a picker asks for. The catalog answers the most frequent
 * first; a value beyond them is still typed (the pickers keep free text), and
 * the list narrows as one types, so a long list stays usable.
 */
export const PICKER_VALUES = 200;

/** The lists the catalog holds, each as the field that answers it (aliased to one shape). */
const CATALOG_FIELDS: Partial<Record<CatalogList, string>> = {
  eventNames: 'events(first: $first) { value: name count: events }',
  categories: 'categories(first: $first) { value count }',
  interests: 'interests(first: $first) { value count }',
  countries: 'countries(first: $first) { value count }',
  industries: 'industries(first: $first) { value count }',
  jobFunctions: 'jobFunctions(first: $first) { value count }',
};

/**
 * The lists the catalog does not hold come from a market map on that dimension
 * (one grouped statement: its 50 largest keys with counts).
 */
const MAP_DIMENSIONS: Partial<Record<CatalogList, string>> = {
  regions: 'REGION',
  acquisitionSources: 'ACQUISITION_SOURCE',
};

interface MapAnswer {
  marketMap: { cells: Array<{ row: string; customers: number }> };
}

const MAP = operation<MapAnswer, { rows: string }>(
  `query StudioCatalogMap($rows: Dimension!) { marketMap(rows: $rows) { cells { row customers } } }`,
);

const SAVED = operation<{
  segments: { edges: Array<{ node: SavedChoice }> };
  personas: SavedChoice[];
}>(`query StudioSavedChoices { segments(first: 500) { edges { node { id name } } } personas { id name } }`);

/** Asked once per page load, and only when a picker needs it (the first size is not kept waiting). */
const lists = new Map<CatalogList, Promise<CatalogEntry[]>>();
let saved: Promise<{ segments: SavedChoice[]; personas: SavedChoice[] }> | null = null;

function askCatalog(field: string): Promise<CatalogEntry[]> {
  const query = operation<{ catalog: { values: CatalogEntry[] } }, { first: number }>(
    `query StudioCatalog($first: Int) { catalog { values: ${field} } }`,
  );
  return request(query, { first: PICKER_VALUES }).then((answer) => answer.catalog.values);
}

function askMap(dimension: string): Promise<CatalogEntry[]> {
  return request(MAP, { rows: dimension }).then((answer) =>
    answer.marketMap.cells
      // "other" and "unknown" are the map's own buckets, not values a customer has.
      .filter((cell) => cell.row !== 'other' && cell.row !== 'unknown' && cell.customers > 0)
      .map((cell) => ({ value: cell.row, count: cell.customers })),
  );
}

function loadList(list: CatalogList): Promise<CatalogEntry[]> {
  let found = lists.get(list);
  if (!found) {
    const field = CATALOG_FIELDS[list];
    const dimension = MAP_DIMENSIONS[list];
    found = field ? askCatalog(field) : dimension ? askMap(dimension) : Promise.resolve([]);
    // A failed look-up is asked again next time.
    found.catch(() => lists.delete(list));
    lists.set(list, found);
  }
  return found;
}

/** What `load` resolves to, asked again only when `key` changes (null: nothing to load). */
function useLoaded<T>(key: string | null, load: () => Promise<T>, fallback: T): T {
  const [value, setValue] = useState<T>(fallback);
  useEffect(() => {
    if (key === null) return;
    let live = true;
    load().then(
      (loaded) => {
        if (live) setValue(loaded);
      },
      // The picker falls back to free text (or an empty choice): the criterion still works,
      // and the API's errors show at it.
      () => undefined,
    );
    return () => {
      live = false;
    };
    // `load` is derived from `key`.
  }, [key]);
  return value;
}

/** The values of one picker (empty until loaded, or when the catalog has none). */
export function useCatalogList(list: CatalogList | undefined): CatalogEntry[] {
  return useLoaded(list ?? null, () => loadList(list!), EMPTY);
}

const EMPTY: CatalogEntry[] = [];
const NO_CHOICES: SavedChoice[] = [];

/** Saved segments or personas, for inSegment and persona criteria. */
export function useSavedChoices(kind: 'segments' | 'personas' | null): SavedChoice[] {
  return useLoaded(
    kind,
    async () => {
      saved ??= request(SAVED).then((answer) => ({
        segments: answer.segments.edges.map((edge) => edge.node),
        personas: answer.personas,
      }));
      saved.catch(() => (saved = null));
      return (await saved)[kind!];
    },
    NO_CHOICES,
  );
}

/** After a save, the next picker asks again (the new segment is a choice). */
export function forgetSavedChoices(): void {
  saved = null;
}
