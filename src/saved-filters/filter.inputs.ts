import { Field, Float, ID, InputType, Int, type ClassType } from 'type-graphql';
import { Channel, Gender, LifecycleStage, RfmSegment } from '../graphql/graphql-enums';
import { DateTimeScalar } from '../graphql/scalars';
import { idOf } from '../common/descriptions';
import {
  DATE_OPERATORS,
  FLOAT_OPERATORS,
  INT_OPERATORS,
  STRING_OPERATORS,
  type OperandShape,
  type Operator,
} from '../filter/operators';
import type { DateTimeFilter, FloatFilter, IntFilter, StringFilter } from '../filter/types';

/** GraphQL inputs of the filter language (docs/API.md); the engine in src/filter reads them as plain data. */

/** The GraphQL type of each kind of operand of the operator tables. */
const OPERAND_TYPES: Record<OperandShape, object> = {
  text: String,
  texts: [String],
  int: Int,
  ints: [Int],
  float: Float,
  instant: DateTimeScalar,
  days: Int,
  boolean: Boolean,
};

/** A nullable field for each operator of the table (src/filter/operators.ts), in its order. */
function operatorFields(input: ClassType, table: Record<string, Operator<OperandShape, never>>): void {
  for (const [name, operator] of Object.entries(table)) {
    Field(() => OPERAND_TYPES[operator.operand], { nullable: true, description: operator.description })(
      input.prototype,
      name,
    );
  }
}

@InputType('StringFilter', {
  description:
    'Text comparison; every operator set must hold (AND). eq/ne/in/notIn are exact; contains/startsWith ignore the case of A–Z and take wildcards literally. A missing value matches only ne, notIn and isNull: true.',
})
export class StringFilterInput {}
operatorFields(StringFilterInput, STRING_OPERATORS);

@InputType('IntFilter', {
  description:
    'Whole-number comparison; every operator set must hold (AND), at least one must be set. A missing value matches only ne and isNull: true.',
})
export class IntFilterInput {}
operatorFields(IntFilterInput, INT_OPERATORS);

@InputType('FloatFilter', {
  description:
    'Number comparison; every operator set must hold (AND), at least one must be set. A missing value matches only ne and isNull: true.',
})
export class FloatFilterInput {}
operatorFields(FloatFilterInput, FLOAT_OPERATORS);

@InputType('DateTimeFilter', {
  description: 'Instant comparison; before/after are strict; withinLastDays N is [asOf − N×24h, asOf].',
})
export class DateTimeFilterInput {}
operatorFields(DateTimeFilterInput, DATE_OPERATORS);

// The classes' fields are the tables' operators, added above; the types say so by merging.
/* eslint-disable @typescript-eslint/no-empty-object-type */
export interface StringFilterInput extends StringFilter {}
export interface IntFilterInput extends IntFilter {}
export interface FloatFilterInput extends FloatFilter {}
export interface DateTimeFilterInput extends DateTimeFilter {}
/* eslint-enable @typescript-eslint/no-empty-object-type */

@InputType('TagFilter', { description: 'Comparison of a list of tags; every operator set must hold.' })
export class TagFilterInput {
  @Field(() => [String], { nullable: true, description: 'Has at least one of these tags (exact).' }) hasAny?:
    string[] | null;
  @Field(() => [String], { nullable: true, description: 'Has every one of these tags (exact).' }) hasAll?:
    string[] | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Has none of these tags (exact); holds for a customer without tags.',
  })
  hasNone?: string[] | null;
}

@InputType('AttributeFilter', {
  description: 'Reads the value under key; a value of another type than the operator counts as missing.',
})
export class AttributeFilterInput {
  @Field({ description: 'The key to read, [A-Za-z0-9_.-], 1 to 64 characters.' }) key!: string;
  @Field(() => StringFilterInput, {
    nullable: true,
    description: 'The value is a string matching this filter.',
  })
  string?: StringFilterInput | null;
  @Field(() => FloatFilterInput, {
    nullable: true,
    description: 'The value is a number matching this filter.',
  })
  number?: FloatFilterInput | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'The value is this boolean (true holds only for a stored true).',
  })
  bool?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'true: the key is present (any type); false: it is absent.',
  })
  exists?: boolean | null;
}

@InputType('IdentityFilter', {
  description: 'Who they are: criteria on the customer record; every criterion set must hold.',
})
export class IdentityFilterInput {
  @Field(() => StringFilterInput, {
    nullable: true,
    description: 'Email address (personal data: needs the pii scope).',
  })
  email?: StringFilterInput | null;
  @Field(() => IntFilterInput, {
    nullable: true,
    description:
      'Age in whole years at asOf; customers without a birth date are missing. Without the pii scope, at now only (no asOf).',
  })
  age?: IntFilterInput | null;
  @Field(() => [Gender], { nullable: true, description: 'Gender is one of these.' }) gender?: Gender[] | null;
  @Field(() => StringFilterInput, {
    nullable: true,
    description: 'Country code, ISO 3166-1 alpha-2, upper-case.',
  })
  country?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true, description: 'Region, state or province.' })
  region?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true, description: 'City.' }) city?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true, description: 'Postal code.' })
  postalCode?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true, description: 'Company name (B2B).' })
  companyName?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true, description: 'Industry of the company (B2B).' })
  industry?: StringFilterInput | null;
  @Field(() => IntFilterInput, { nullable: true, description: 'Number of employees of the company (B2B).' })
  companySize?: IntFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true, description: 'Job title (B2B).' })
  jobTitle?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true, description: 'Job function (B2B), e.g. "purchasing".' })
  jobFunction?: StringFilterInput | null;
  @Field(() => [LifecycleStage], { nullable: true, description: 'Lifecycle stage is one of these.' })
  lifecycleStage?: LifecycleStage[] | null;
  @Field(() => StringFilterInput, { nullable: true, description: 'Where the lead came from.' })
  acquisitionSource?: StringFilterInput | null;
  @Field(() => TagFilterInput, { nullable: true, description: 'Psychographic tags.' })
  interests?: TagFilterInput | null;
  @Field(() => Boolean, { nullable: true, description: 'Consented to email (true) or not (false).' })
  emailOptIn?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Consented to text messages (true) or not (false).' })
  smsOptIn?: boolean | null;
  @Field(() => DateTimeFilterInput, { nullable: true, description: 'When the customer relationship began.' })
  createdAt?: DateTimeFilterInput | null;
  @Field(() => DateTimeFilterInput, {
    nullable: true,
    description: 'When the record was last confirmed accurate.',
  })
  lastVerifiedAt?: DateTimeFilterInput | null;
  @Field(() => [AttributeFilterInput], {
    nullable: true,
    description: 'Integrator-defined attributes; every listed filter must hold.',
  })
  attributes?: AttributeFilterInput[] | null;
}

@InputType('ScoreFilter', { description: 'Score under a scoring model, 0..100; gte and lte inclusive.' })
export class ScoreFilterInput {
  @Field(() => ID, { description: idOf('scoring model') }) model!: string;
  @Field(() => Int, { nullable: true, description: 'Score (0..100) at least this, inclusive.' }) gte?:
    number | null;
  @Field(() => Int, { nullable: true, description: 'Score (0..100) at most this, inclusive.' }) lte?:
    number | null;
}

@InputType('ValueFilter', {
  description:
    'What they are worth; reads the latest metrics refresh (no metrics: only negative operators hold). Every criterion set must hold.',
})
export class ValueFilterInput {
  @Field(() => [RfmSegment], {
    nullable: true,
    description: 'RFM segment is one of these (customers without orders have none).',
  })
  rfmSegment?: RfmSegment[] | null;
  @Field(() => [Channel], {
    nullable: true,
    description:
      'Preferred channel kept by the latest metrics refresh (most customer-initiated events in the 180 days before its asOf) is one of these; customers without one never match.',
  })
  preferredChannel?: Channel[] | null;
  @Field(() => IntFilterInput, { nullable: true, description: 'RFM recency score, 1..5 (5 = most recent).' })
  recencyScore?: IntFilterInput | null;
  @Field(() => IntFilterInput, {
    nullable: true,
    description: 'RFM frequency score, 1..5 (5 = most orders).',
  })
  frequencyScore?: IntFilterInput | null;
  @Field(() => IntFilterInput, {
    nullable: true,
    description: 'RFM monetary score, 1..5 (5 = most revenue).',
  })
  monetaryScore?: IntFilterInput | null;
  @Field(() => IntFilterInput, {
    nullable: true,
    description: 'Number of orders (raw orders) at the refresh.',
  })
  orderCount?: IntFilterInput | null;
  @Field(() => FloatFilterInput, {
    nullable: true,
    description: 'Sum of order amounts, a currency amount (0 without orders).',
  })
  lifetimeRevenue?: FloatFilterInput | null;
  @Field(() => FloatFilterInput, {
    nullable: true,
    description: 'lifetimeRevenue / orderCount, a currency amount (missing without orders).',
  })
  averageOrderValue?: FloatFilterInput | null;
  @Field(() => IntFilterInput, {
    nullable: true,
    description: 'Whole days from the latest order to the refresh (missing without orders).',
  })
  daysSinceLastOrder?: IntFilterInput | null;
  @Field(() => FloatFilterInput, { nullable: true, description: 'BG/NBD probability of being active, 0..1.' })
  probabilityAlive?: FloatFilterInput | null;
  @Field(() => FloatFilterInput, {
    nullable: true,
    description: 'BG/NBD expected purchase occasions in the next 90 days.',
  })
  expectedPurchases90d?: FloatFilterInput | null;
  @Field(() => FloatFilterInput, {
    nullable: true,
    description: 'Expected spend over the next 12 months, a currency amount.',
  })
  predictedLifetimeValue?: FloatFilterInput | null;
  @Field(() => ScoreFilterInput, {
    nullable: true,
    description: 'Score under a scoring model, computed live at asOf (not from the refresh).',
  })
  score?: ScoreFilterInput | null;
}

@InputType('TimeWindow', {
  description:
    'When, measured back from asOf; closed intervals. Exactly one style: lastDays | fromDaysAgo+toDaysAgo | from/to; none = all history up to asOf.',
})
export class TimeWindowInput {
  @Field(() => Int, { nullable: true, description: 'The last N days: [asOf − N×24h, asOf]; N ≥ 0.' })
  lastDays?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Start, N days before asOf (inclusive); alone: up to asOf. Must be ≥ toDaysAgo.',
  })
  fromDaysAgo?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'End, N days before asOf (inclusive); alone: from the beginning of history.',
  })
  toDaysAgo?: number | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Start instant (inclusive); alone: up to asOf.',
  })
  from?: Date | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'End instant (inclusive), never past asOf; alone: from the beginning of history.',
  })
  to?: Date | null;
}

@InputType('EventCriterion', {
  description: 'Customers by their events: how many events matching name, channel, properties and window.',
})
export class EventCriterionInput {
  @Field(() => String, { nullable: true, description: 'Event name (exact); default any event.' }) name?:
    string | null;
  @Field(() => [Channel], { nullable: true, description: 'Channel is one of these; default any channel.' })
  channel?: Channel[] | null;
  @Field(() => [AttributeFilterInput], {
    nullable: true,
    description: "Filters on the event's properties (e.g. campaign, content_type); every one must hold.",
  })
  properties?: AttributeFilterInput[] | null;
  @Field(() => TimeWindowInput, {
    nullable: true,
    description: 'When the event happened; default all history up to asOf.',
  })
  within?: TimeWindowInput | null;
  @Field(() => IntFilterInput, {
    nullable: true,
    description:
      'How many such events; default { gte: 1 }; { eq: 0 } = never (includes customers with no events).',
  })
  count?: IntFilterInput | null;
}

@InputType('PurchaseCriterion', {
  description:
    'Customers by their orders: how many orders (or how much) matching category, channel, amount and window.',
})
export class PurchaseCriterionInput {
  @Field(() => StringFilterInput, { nullable: true, description: 'Orders having a category that matches.' })
  category?: StringFilterInput | null;
  @Field(() => [Channel], { nullable: true, description: 'Channel is one of these; default any channel.' })
  channel?: Channel[] | null;
  @Field(() => FloatFilterInput, { nullable: true, description: 'Amount of each order, a currency amount.' })
  orderAmount?: FloatFilterInput | null;
  @Field(() => TimeWindowInput, {
    nullable: true,
    description: 'When the order was placed; default all history up to asOf.',
  })
  within?: TimeWindowInput | null;
  @Field(() => IntFilterInput, {
    nullable: true,
    description:
      'How many such orders; default { gte: 1 } unless totalAmount is given; { eq: 0 } = never bought.',
  })
  count?: IntFilterInput | null;
  @Field(() => FloatFilterInput, {
    nullable: true,
    description: 'Sum of the amounts of such orders, a currency amount (0 for none).',
  })
  totalAmount?: FloatFilterInput | null;
}

@InputType('BehaviourFilter', {
  description: 'What they did, measured live against orders/events at or before asOf.',
})
export class BehaviourFilterInput {
  @Field(() => EventCriterionInput, { nullable: true, description: 'Did (or did not) do an interaction.' })
  event?: EventCriterionInput | null;
  @Field(() => PurchaseCriterionInput, { nullable: true, description: 'Did (or did not) buy.' })
  purchase?: PurchaseCriterionInput | null;
}

@InputType('SegmentFilter', {
  description:
    'Who to select. Every field that is set must hold (AND); {} matches everyone. At most 200 nodes.',
})
export class SegmentFilterInput {
  @Field(() => [SegmentFilterInput], {
    nullable: true,
    description: 'Every one of these filters holds (non-empty list).',
  })
  and?: SegmentFilterInput[] | null;
  @Field(() => [SegmentFilterInput], {
    nullable: true,
    description: 'At least one of these filters holds (non-empty list).',
  })
  or?: SegmentFilterInput[] | null;
  @Field(() => SegmentFilterInput, {
    nullable: true,
    description: 'This filter does not hold: the exact complement within all customers.',
  })
  not?: SegmentFilterInput | null;
  @Field(() => IdentityFilterInput, { nullable: true, description: 'Who they are.' })
  identity?: IdentityFilterInput | null;
  @Field(() => ValueFilterInput, { nullable: true, description: 'What they are worth.' })
  value?: ValueFilterInput | null;
  @Field(() => BehaviourFilterInput, { nullable: true, description: 'What they did.' })
  behaviour?: BehaviourFilterInput | null;
  @Field(() => ID, {
    nullable: true,
    description: 'Members of another saved segment, by id (composition; no cycles).',
  })
  inSegment?: string | null;
  @Field(() => ID, { nullable: true, description: 'Customers assigned to that persona, by id.' }) persona?:
    string | null;
}
