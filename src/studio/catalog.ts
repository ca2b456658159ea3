import { useEffect, useState } from 'react';
import { operation, request } from './graphql';
import type { CatalogList } from './filter-model';

/** One value a picker offers, with how many customers have it. */
export interface CatalogEntry {
  value: string;
  customers: number;
}

export interface SavedChoice {
  id: string;
  name: string;
}

interface MapAnswer {
  marketMap: { cells: Array<{ row: string; customers: number }> };
}

/**
 * Where each picker's values come from. The open identity fields come from a
 * market map on that dimension (one grouped statement: its 50 largest keys with
 * counts); names no map lists (events, categories, interests) are typed freely,
 * and the API's warnings say when one matches nobody.
 */
const MAP_DIMENSIONS: Partial<Record<CatalogList, string>> = {
  countries: 'COUNTRY',
  regions: 'REGION',
  industries: 'INDUSTRY',
  jobFunctions: 'JOB_FUNCTION',
  acquisitionSources: 'ACQUISITION_SOURCE',
};

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

function loadList(list: CatalogList): Promise<CatalogEntry[]> {
  const dimension = MAP_DIMENSIONS[list];
  if (!dimension) return Promise.resolve([]);
  let found = lists.get(list);
  if (!found) {
    found = request(MAP, { rows: dimension }).then((answer) =>
      answer.marketMap.cells
        // "other" and "unknown" are the map's own buckets, not values a customer has.
        .filter((cell) => cell.row !== 'other' && cell.row !== 'unknown' && cell.customers > 0)
        .map((cell) => ({ value: cell.row, customers: cell.customers })),
    );
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
