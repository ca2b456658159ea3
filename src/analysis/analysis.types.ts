import type { SegmentFilter } from '../filter/types';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { JSONScalar } from '../graphql/scalars';
import { Dimension } from './dimensions';
import { registerDescribedEnum } from '../graphql/described-enum';

registerDescribedEnum(Dimension, {
  name: 'Dimension',
  description:
    'An axis of a market map. AGE_BAND: 18–24, 25–34, 35–44, 45–54, 55–64, 65+, unknown (and "under 18" when someone is); ' +
    'COMPANY_SIZE_BAND: 1–9, 10–49, 50–249, 250–999, 1000+ employees, unknown; PERSONA: persona ids in assignment order, then "unassigned"; ' +
    'PREFERRED_CHANNEL: channels, then "none". Open axes (COUNTRY, REGION, INDUSTRY, JOB_FUNCTION, ACQUISITION_SOURCE) show their 50 largest keys, "other" for the rest, then "unknown".',
  values: {
    COUNTRY: 'Country code (ISO 3166-1 alpha-2); open axis.',
    REGION: 'Region, state or province; open axis.',
    GENDER: 'Gender values, then "unknown" for customers without one.',
    AGE_BAND:
      'Age bands in whole years at asOf: 18–24, 25–34, 35–44, 45–54, 55–64, 65+, "unknown" (and "under 18" when someone is).',
    INDUSTRY: 'Industry of the company; open axis.',
    COMPANY_SIZE_BAND: 'Employee bands: 1–9, 10–49, 50–249, 250–999, 1000+, "unknown".',
    JOB_FUNCTION: 'Job function; open axis.',
    LIFECYCLE_STAGE: 'Lifecycle stages in their order.',
    ACQUISITION_SOURCE: 'Where the lead came from; open axis.',
    RFM_SEGMENT: 'RFM segments of the latest metrics refresh, then "unknown" for customers without one.',
    PERSONA: 'Persona ids in assignment order, then "unassigned".',
    PREFERRED_CHANNEL:
      'Preferred channel kept by the latest metrics refresh (180 days of customer-initiated events before its asOf), then "none" (also for customers without metrics).',
  },
});

@ObjectType('Bucket', {
  description: 'Customers sharing one key; share is of the population the buckets break down.',
})
export class BucketType {
  @Field({
    description:
      'What the customers share: a country code, an RFM segment, a persona id, a channel…; "none", "unknown" or "unassigned" for those without one.',
  })
  key!: string;

  @Field(() => Int, { description: 'Customers in the bucket.' })
  customers!: number;

  @Field(() => Float, { description: 'customers / the population broken down, 0..1.' })
  share!: number;
}

@ObjectType('SegmentStats', { description: 'A population in figures, computed in one statement as of asOf.' })
export class SegmentStatsType {
  @Field(() => Int, { description: 'Customers in the population.' })
  size!: number;

  @Field(() => Float, { description: 'size / every customer, 0..1; 0 on an empty base.' })
  shareOfBase!: number;

  @Field(() => Float, {
    description:
      "Sum of the members' order amounts at or before asOf, a currency amount (no currency conversion).",
  })
  revenue!: number;

  @Field(() => Float, { description: 'revenue / size, a currency amount; 0 for an empty population.' })
  revenuePerCustomer!: number;

  @Field(() => Float, {
    nullable: true,
    description: "revenue / the members' orders at or before asOf, a currency amount; null without orders.",
  })
  averageOrderValue!: number | null;

  @Field(() => [BucketType], {
    description:
      'By RFM segment of the latest refresh; "none" without one. Largest first; the buckets sum to size.',
  })
  rfm!: BucketType[];

  @Field(() => [BucketType], { description: 'By lifecycle stage. Largest first.' })
  lifecycle!: BucketType[];

  @Field(() => [BucketType], {
    description:
      'By preferred channel at asOf; "none" without customer-initiated events in 180 days. Largest first.',
  })
  channels!: BucketType[];

  @Field(() => [BucketType], { description: 'By country; "unknown" without one. Largest first.' })
  countries!: BucketType[];

  /** The filter behind the figures, for the warnings (not a field). */
  filter?: SegmentFilter;
}

@ObjectType('MarketCell', {
  description: 'One potential segment of a market map: the customers with one row key and one column key.',
})
export class MarketCellType {
  @Field({ description: 'The row key of the cell (see Dimension for the keys of each axis).' })
  row!: string;

  @Field({ description: 'The column key of the cell; "all" without a column dimension.' })
  column!: string;

  @Field(() => Int, { description: 'Customers in the cell.' })
  customers!: number;

  @Field(() => Float, {
    description: "Sum of the cell's customers' order amounts at or before asOf, a currency amount.",
  })
  revenue!: number;

  @Field(() => Float, { description: 'revenue / customers, a currency amount; 0 for an empty cell.' })
  revenuePerCustomer!: number;

  @Field(() => Float, { description: "customers / the map's total, 0..1." })
  share!: number;

  @Field(() => JSONScalar, {
    nullable: true,
    description:
      "A SegmentFilter selecting exactly this cell (the map's filter and both keys), ready for createSegment.",
  })
  filter!: Record<string, unknown> | null;
}

@ObjectType('MarketMap', {
  description: 'Every potential segment of two crossed dimensions, from one grouped statement.',
})
export class MarketMapType {
  @Field(() => [String], { description: 'The row keys, in display order (see Dimension).' })
  rows!: string[];

  @Field(() => [String], {
    description: 'The column keys, in display order; ["all"] when no column dimension was asked.',
  })
  columns!: string[];

  @Field(() => [MarketCellType], {
    description: 'Every row × column, empty ones included, row by row; they add up to total.',
  })
  cells!: MarketCellType[];

  @Field(() => Int, { description: 'Customers the filter selects.' })
  total!: number;
}

@ObjectType('Overlap', { description: 'How two saved segments overlap, as of asOf.' })
export class OverlapType {
  @Field(() => ID, { description: 'The first segment of the pair.' })
  a!: string;

  @Field(() => ID, { description: 'The second segment of the pair.' })
  b!: string;

  @Field(() => Int, { description: 'Customers in both segments.' })
  both!: number;

  @Field(() => Int, { description: 'Customers in a but not in b.' })
  onlyA!: number;

  @Field(() => Int, { description: 'Customers in b but not in a.' })
  onlyB!: number;

  @Field(() => Float, { description: 'both / (both + onlyA + onlyB), 0..1; 0 when both segments are empty.' })
  jaccard!: number;
}

@ObjectType('SegmentPerformance', {
  description: 'Members are the segment as of `from`; buyers those with an order in [from, to).',
})
export class SegmentPerformanceType {
  @Field(() => Int, { description: 'Members of the segment as of `from`.' })
  members!: number;

  @Field(() => Int, { description: 'Members with at least one order in [from, to).' })
  buyers!: number;

  @Field(() => Float, { description: 'buyers / members, 0..1; 0 without members.' })
  conversionRate!: number;

  @Field(() => Float, { description: "Sum of the members' order amounts in [from, to), a currency amount." })
  revenue!: number;

  @Field(() => Float, { description: 'revenue / members, a currency amount; 0 without members.' })
  revenuePerMember!: number;

  @Field(() => Float, {
    description: 'The same rate among every customer outside the segment (as of `from`), 0..1.',
  })
  baselineConversionRate!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'conversionRate / baselineConversionRate; null when the baseline is 0.',
  })
  lift!: number | null;
}
