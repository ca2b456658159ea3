/**
 * What a field costs, keyed by `Type.field`: the work it starts (and, for
 * Customer.segments, the segments it may return). The README's "Limits" table
 * lists each entry (test/heavy-requests.test.ts holds the two together).
 *
 * The units: reading a loaded value is 1; an indexed statement per parent (a
 * batch look-up, a small loader) is tens; a statement over the whole base (a
 * count, a grouped figure, a filtered page, which may read every customer
 * before its LIMIT) is a SCAN; clustering is sampling plus CPU work in the
 * process. A field at or above SCAN is heavy: it also waits for one of its
 * key's places for heavy work (heavy-work.ts).
 */
export const SCAN = 1_000;

/** What a field's cost may depend on: the arguments it is asked with, and how many segments are saved. */
export interface Pricing {
  args: ReadonlySet<string>;
  savedSegments: number;
}

/** A field's own cost. */
export type FieldCost = number | ((pricing: Pricing) => number);

export const FIELD_COSTS: Readonly<Record<string, FieldCost>> = {
  // Root fields over the whole base.
  /** Without a filter the page is a keyset range on an index; with one, the filter may read the whole base. */
  'Query.customers': ({ args }) => (args.has('filter') ? SCAN : 1),
  'Query.marketMap': SCAN,
  /** Up to 20 saved filters evaluated over the base in one statement. */
  'Query.segmentOverlap': 5 * SCAN,
  'Query.personaDistribution': SCAN,
  /** Two counts and a sample statement, then k-means and the greedy search for each cluster's filter in the process. */
  'Query.personaSuggestions': 4 * SCAN,
  /** Recomputes every customer's value and refits the models. */
  'Mutation.refreshMetrics': 10 * SCAN,
  // The catalog: each list one grouped statement over an index (kept a minute per store, but priced as if read).
  'Catalog.events': SCAN,
  'Catalog.attributes': SCAN,
  'Catalog.categories': SCAN,
  'Catalog.interests': SCAN,
  'Catalog.countries': SCAN,
  'Catalog.jobFunctions': SCAN,
  'Catalog.industries': SCAN,
  /** One indexed read of the name's latest events (shared by its sampled, channels and properties). */
  'CatalogEvent.sampled': 20,
  'CatalogEvent.channels': 20,
  'CatalogEvent.properties': 20,
  // Figures of a selection: each one statement over the base.
  'CustomerConnection.totalCount': SCAN,
  'Segment.size': SCAN,
  'Segment.members': SCAN,
  /** One statement grouping the members by several dimensions at once. */
  'Segment.stats': 2 * SCAN,
  /** Members at `from` against everyone else, with their orders over the period. */
  'Segment.performance': 2 * SCAN,
  'Persona.size': SCAN,
  /** The members and the whole base: two counts. */
  'Persona.share': 2 * SCAN,
  'Persona.members': SCAN,
  'Persona.portrait': 2 * SCAN,
  'SegmentPreview.size': SCAN,
  'SegmentPreview.shareOfBase': 2 * SCAN,
  'SegmentPreview.sample': SCAN,
  'SegmentPreview.stats': 2 * SCAN,
  // Per parent: a share of a batched statement, or an indexed look-up.
  /**
   * Per saved segment, its filter evaluated for the customer (a share of the page's statements)
   * and an answer built when the customer is in it: 2 per saved segment, and what each selects
   * times their number. (The answers weigh: 80 customers × 300 segments held the event loop
   * ~300 ms a request on the test machine.)
   */
  'Customer.segments': ({ savedSegments }) => Math.max(1, 2 * savedSegments),
  /** Loads the customer's orders and events and evaluates the filter tree. */
  'Customer.explain': 50,
  'Customer.score': 10,
  'Customer.persona': 10,
  'Customer.preferredChannel': 5,
  'Segment.references': 10,
  'Segment.referencedBy': 10,
  'SegmentPreview.warnings': 10,
  /** The names of the saved segments, models and personas the filter uses: indexed look-ups. */
  'SegmentPreview.definition': 10,
  'SegmentStats.warnings': 10,
};

/**
 * List fields without `first` whose length is known before they run: what each item selects is
 * priced that many times (other lists count once, connections by their `first`).
 */
export const LIST_LENGTHS: Readonly<Record<string, (pricing: Pricing) => number>> = {
  'Customer.segments': ({ savedSegments }) => Math.max(1, savedSegments),
};

/** Fields whose price needs the number of saved segments: the cost limit counts them first. */
export const PRICED_BY_SAVED_SEGMENTS: ReadonlySet<string> = new Set(['Customer.segments']);

/** The field's own cost (1 when the table does not name it). */
export function costOf(coordinate: string, pricing: Pricing): number {
  const cost = FIELD_COSTS[coordinate];
  if (cost === undefined) return 1;
  return typeof cost === 'number' ? cost : cost(pricing);
}

/**
 * A field whose own cost, asked with these arguments, is a SCAN or more whatever the saved
 * segments: it takes a place for heavy work. (Customer.segments takes one per page, in its loader.)
 */
export function isHeavy(coordinate: string, args: ReadonlySet<string>): boolean {
  return costOf(coordinate, { args, savedSegments: 0 }) >= SCAN;
}
