import type { SegmentFilter } from '../filter/types';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JSONScalar } from '../graphql/scalars';
import { Dimension } from './dimensions';

registerEnumType(Dimension, {
  name: 'Dimension',
  description:
    'An axis of a market map. AGE_BAND: 18–24, 25–34, 35–44, 45–54, 55–64, 65+, unknown (and "under 18" when someone is); ' +
    'COMPANY_SIZE_BAND: 1–9, 10–49, 50–249, 250–999, 1000+ employees, unknown; PERSONA: persona ids in assignment order, then "unassigned"; ' +
    'PREFERRED_CHANNEL: channels, then "none". Open axes (COUNTRY, REGION, INDUSTRY, JOB_FUNCTION, ACQUISITION_SOURCE) show their 50 largest keys, "other" for the rest, then "unknown".',
});

@ObjectType('Bucket', { description: 'Customers sharing one key; share is of the population the buckets break down.' })
export class BucketType {
  @Field()
  key!: string;

  @Field(() => Int)
  customers!: number;

  @Field(() => Float)
  share!: number;
}

@ObjectType('SegmentStats', { description: 'A population in figures, computed in one statement as of asOf.' })
export class SegmentStatsType {
  @Field(() => Int)
  size!: number;

  @Field(() => Float, { description: 'size / every customer; 0 on an empty base.' })
  shareOfBase!: number;

  @Field(() => Float, { description: "Sum of the members' orders at or before asOf." })
  revenue!: number;

  @Field(() => Float, { description: 'revenue / size; 0 for an empty population.' })
  revenuePerCustomer!: number;

  @Field(() => Float, { nullable: true, description: "revenue / the members' orders; null without orders." })
  averageOrderValue!: number | null;

  @Field(() => [BucketType], { description: 'By RFM segment of the latest refresh; "none" without one. Largest first; the buckets sum to size.' })
  rfm!: BucketType[];

  @Field(() => [BucketType], { description: 'By lifecycle stage. Largest first.' })
  lifecycle!: BucketType[];

  @Field(() => [BucketType], { description: 'By preferred channel at asOf; "none" without customer-initiated events in 180 days. Largest first.' })
  channels!: BucketType[];

  @Field(() => [BucketType], { description: 'By country; "unknown" without one. Largest first.' })
  countries!: BucketType[];

  /** The filter behind the figures, for the warnings (not a field). */
  filter?: SegmentFilter;
}

@ObjectType('MarketCell')
export class MarketCellType {
  @Field()
  row!: string;

  @Field()
  column!: string;

  @Field(() => Int)
  customers!: number;

  @Field(() => Float, { description: "Sum of the cell's customers' orders at or before asOf." })
  revenue!: number;

  @Field(() => Float, { description: '0 for an empty cell.' })
  revenuePerCustomer!: number;

  @Field(() => Float, { description: 'customers / total.' })
  share!: number;

  @Field(() => JSONScalar, {
    nullable: true,
    description: "A SegmentFilter selecting exactly this cell (the map's filter and both keys), ready for createSegment; null on a PREFERRED_CHANNEL axis, which filters cannot express.",
  })
  filter!: Record<string, unknown> | null;
}

@ObjectType('MarketMap', { description: 'Every potential segment of two crossed dimensions, from one grouped statement.' })
export class MarketMapType {
  @Field(() => [String])
  rows!: string[];

  @Field(() => [String], { description: '["all"] when no column dimension was asked.' })
  columns!: string[];

  @Field(() => [MarketCellType], { description: 'Every row × column, empty ones included, row by row; they add up to total.' })
  cells!: MarketCellType[];

  @Field(() => Int, { description: 'Customers the filter selects.' })
  total!: number;
}

@ObjectType('Overlap')
export class OverlapType {
  @Field(() => ID)
  a!: string;

  @Field(() => ID)
  b!: string;

  @Field(() => Int)
  both!: number;

  @Field(() => Int)
  onlyA!: number;

  @Field(() => Int)
  onlyB!: number;

  @Field(() => Float, { description: 'both / (both + onlyA + onlyB); 0 when both segments are empty.' })
  jaccard!: number;
}

@ObjectType('SegmentPerformance', { description: 'Members are the segment as of `from`; buyers those with an order in [from, to).' })
export class SegmentPerformanceType {
  @Field(() => Int)
  members!: number;

  @Field(() => Int)
  buyers!: number;

  @Field(() => Float, { description: 'buyers / members; 0 without members.' })
  conversionRate!: number;

  @Field(() => Float, { description: "Members' orders in [from, to)." })
  revenue!: number;

  @Field(() => Float)
  revenuePerMember!: number;

  @Field(() => Float, { description: 'The same rate among every customer outside the segment.' })
  baselineConversionRate!: number;

  @Field(() => Float, { nullable: true, description: 'conversionRate / baselineConversionRate; null when the baseline is 0.' })
  lift!: number | null;
}
