import { Channel, Gender, LifecycleStage, RfmSegment } from '../common/enums';
import { compilePersonaAssignment, type CompileContext } from '../filter/compile';
import { joinSql, raw, sql, type Sql } from '../filter/sql';
import type { IntFilter, SegmentFilter, StringFilter } from '../filter/types';
import { ageCutoff } from '../filter/window';
import { enumOf, type NameOf } from '../common/enum-of';

/** The axes of a market map (docs/API.md). */
export const Dimension = enumOf(
  'COUNTRY',
  'REGION',
  'GENDER',
  'AGE_BAND',
  'INDUSTRY',
  'COMPANY_SIZE_BAND',
  'JOB_FUNCTION',
  'LIFECYCLE_STAGE',
  'ACQUISITION_SOURCE',
  'RFM_SEGMENT',
  'PERSONA',
  'PREFERRED_CHANNEL',
);
export type Dimension = NameOf<typeof Dimension>;

/** Inclusive integer bands with their labels; the last one is open-ended. */
interface Band {
  label: string;
  min: number;
  max: number | null;
}

export const AGE_BANDS: Band[] = [
  { label: 'under 18', min: 0, max: 17 },
  { label: '18–24', min: 18, max: 24 },
  { label: '25–34', min: 25, max: 34 },
  { label: '35–44', min: 35, max: 44 },
  { label: '45–54', min: 45, max: 54 },
  { label: '55–64', min: 55, max: 64 },
  { label: '65+', min: 65, max: null },
];

/** Employees; a company of 0 (its founder alone) counts in the smallest band. */
export const COMPANY_SIZE_BANDS: Band[] = [
  { label: '1–9', min: 0, max: 9 },
  { label: '10–49', min: 10, max: 49 },
  { label: '50–249', min: 50, max: 249 },
  { label: '250–999', min: 250, max: 999 },
  { label: '1000+', min: 1000, max: null },
];

export const UNKNOWN = 'unknown';
export const UNASSIGNED = 'unassigned';

/** What a dimension reads beyond the customer row: the instant, and the personas in assignment order. */
export interface DimensionContext {
  asOf: Date;
  /** Compile context prepared for persona assignment (only read by PERSONA). */
  compile: CompileContext;
}

export interface DimensionDefinition {
  /** The key of a customer `c` as SQL (text or integer), NULL when missing. */
  key(context: DimensionContext): Sql;
  /**
   * A LEFT JOIN onto `customers c` (at most one row per customer) that `key` reads
   * from, so a stored column is read as a column, not a subquery per customer.
   */
  join?: Sql;
  /** The key shown for a missing value. */
  missing: string;
  /** Every possible key in display order, or null for open domains (ordered by size). */
  order(context: DimensionContext): string[] | null;
  /** Keys of `order` shown even when no customer has them. */
  alwaysShown(context: DimensionContext): string[];
  /** A filter selecting exactly the customers with this key, or null when the filter language cannot say it. */
  filterOf(key: string, context: DimensionContext): SegmentFilter | null;
  /** Open domains: the filter of every known key but the given ones (the folded "other" key). */
  filterOfOthers?(shownKeys: string[]): SegmentFilter;
}

const bandFilter = (bands: Band[], label: string): IntFilter => {
  const band = bands.find((candidate) => candidate.label === label)!;
  return band.max === null
    ? { gte: band.min }
    : band.min === 0
      ? { lte: band.max }
      : { gte: band.min, lte: band.max };
};

/** An identity text column: open domain, `eq` per key, `isNull` for the missing one. */
function textColumn(
  column: string,
  field: 'country' | 'region' | 'industry' | 'jobFunction' | 'acquisitionSource',
): DimensionDefinition {
  return {
    key: () => raw(`c.${column}`),
    missing: UNKNOWN,
    order: () => null,
    alwaysShown: () => [],
    filterOf: (key) => ({
      identity: { [field]: (key === UNKNOWN ? { isNull: true } : { eq: key }) as StringFilter },
    }),
    filterOfOthers: (shownKeys) => ({
      identity: { [field]: { notIn: shownKeys, isNull: false } as StringFilter },
    }),
  };
}

/** An enumerated column: its values in their declared order; missing shown only when someone has it. */
/**
 * An axis over a closed list of values: each cell's filter is the list criterion of its value,
 * and the cell of customers without one (`missing`) is the complement of every value.
 */
function enumerated<V extends string>(
  values: V[],
  key: (context: DimensionContext) => Sql,
  criterion: (values: V[]) => SegmentFilter,
  missing = UNKNOWN,
): DimensionDefinition {
  return {
    key,
    missing,
    order: () => [...values, missing],
    alwaysShown: () => values,
    filterOf: (cell) => (cell === missing ? { not: criterion(values) } : criterion([cell as V])),
  };
}

function banded(
  bands: Band[],
  expression: (context: DimensionContext) => Sql,
  filterOf: (band: string) => SegmentFilter,
  unknown: SegmentFilter,
): DimensionDefinition {
  return {
    key: expression,
    missing: UNKNOWN,
    order: () => [...bands.map((band) => band.label), UNKNOWN],
    // "under 18" is shown only when someone is.
    alwaysShown: () => [
      ...bands.filter((band) => band.label !== 'under 18').map((band) => band.label),
      UNKNOWN,
    ],
    filterOf: (key) => (key === UNKNOWN ? unknown : filterOf(key)),
  };
}

/** Age band at asOf, from birth dates compared with bound cutoffs (the same arithmetic as the age criterion). */
function ageBandSql(asOf: Date): Sql {
  const branches = AGE_BANDS.filter((band) => band.max !== null).map(
    (band) => sql`when c.birth_date >= ${ageCutoff(asOf, band.max! + 1)} then ${band.label}`,
  );
  const oldest = AGE_BANDS[AGE_BANDS.length - 1].label;
  return sql`(case when c.birth_date is null then null ${joinSql(' ', branches)} else ${oldest} end)`;
}

function companySizeBandSql(): Sql {
  const branches = COMPANY_SIZE_BANDS.filter((band) => band.max !== null).map(
    (band) => sql`when c.company_size <= ${band.max!} then ${band.label}`,
  );
  const largest = COMPANY_SIZE_BANDS[COMPANY_SIZE_BANDS.length - 1].label;
  return sql`(case when c.company_size is null then null ${joinSql(' ', branches)} else ${largest} end)`;
}

const allGenders = Object.values(Gender);
/** The value metrics of customer `c` (RFM segment, preferred channel), as of the latest refresh. */
const metricsJoin = sql`left join customer_metrics dimension_metrics on dimension_metrics.customer_id = c.id`;
const allRfm = Object.values(RfmSegment);
const allChannels = Object.values(Channel);
/** The key of customers without a preferred channel. */
const NO_PREFERRED_CHANNEL = 'none';

export const DIMENSIONS: Record<Dimension, DimensionDefinition> = {
  [Dimension.COUNTRY]: textColumn('country', 'country'),
  [Dimension.REGION]: textColumn('region', 'region'),
  [Dimension.INDUSTRY]: textColumn('industry', 'industry'),
  [Dimension.JOB_FUNCTION]: textColumn('job_function', 'jobFunction'),
  [Dimension.ACQUISITION_SOURCE]: textColumn('acquisition_source', 'acquisitionSource'),
  [Dimension.GENDER]: enumerated(
    allGenders,
    () => sql`c.gender`,
    (gender) => ({ identity: { gender } }),
  ),
  [Dimension.LIFECYCLE_STAGE]: enumerated(
    Object.values(LifecycleStage),
    () => sql`c.lifecycle_stage`,
    (lifecycleStage) => ({ identity: { lifecycleStage } }),
  ),
  [Dimension.RFM_SEGMENT]: {
    ...enumerated(
      allRfm,
      () => sql`dimension_metrics.rfm_segment`,
      (rfmSegment) => ({ value: { rfmSegment } }),
    ),
    join: metricsJoin,
  },
  // Kept with the value metrics by the refresh (as of its asOf), like the RFM segment.
  [Dimension.PREFERRED_CHANNEL]: {
    ...enumerated(
      allChannels,
      () => sql`dimension_metrics.preferred_channel`,
      (preferredChannel) => ({ value: { preferredChannel } }),
      NO_PREFERRED_CHANNEL,
    ),
    join: metricsJoin,
  },
  [Dimension.AGE_BAND]: banded(
    AGE_BANDS,
    (context) => ageBandSql(context.asOf),
    (label) => ({ identity: { age: bandFilter(AGE_BANDS, label) } }),
    { identity: { age: { isNull: true } } },
  ),
  [Dimension.COMPANY_SIZE_BAND]: banded(
    COMPANY_SIZE_BANDS,
    () => companySizeBandSql(),
    (label) => ({ identity: { companySize: bandFilter(COMPANY_SIZE_BANDS, label) } }),
    { identity: { companySize: { isNull: true } } },
  ),
  [Dimension.PERSONA]: {
    key: (context) => compilePersonaAssignment(context.compile),
    missing: UNASSIGNED,
    order: (context) => [...context.compile.personaOrder().map((persona) => persona.id), UNASSIGNED],
    alwaysShown: (context) => [...context.compile.personaOrder().map((persona) => persona.id), UNASSIGNED],
    filterOf: (key, context) => {
      if (key !== UNASSIGNED) return { persona: key };
      const personas = context.compile.personaOrder();
      return personas.length ? { not: { or: personas.map((persona) => ({ persona: persona.id })) } } : {};
    },
  },
};

/** A key read from the database as the API shows it. */
export function keyOf(value: unknown, definition: DimensionDefinition): string {
  return value === null || value === undefined ? definition.missing : String(value);
}
