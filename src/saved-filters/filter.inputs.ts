import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { Channel, Gender, LifecycleStage, RfmSegment } from '../graphql/graphql-enums';
import { DateTimeScalar } from '../graphql/scalars';

/** GraphQL inputs of the filter language (API.md); the engine in src/filter reads them as plain data. */

@InputType('StringFilter', { description: 'eq/ne/in/notIn are exact; contains/startsWith ignore the case of A–Z and take wildcards literally.' })
export class StringFilterInput {
  @Field(() => String, { nullable: true }) eq?: string | null;
  @Field(() => String, { nullable: true }) ne?: string | null;
  @Field(() => [String], { nullable: true }) in?: string[] | null;
  @Field(() => [String], { nullable: true }) notIn?: string[] | null;
  @Field(() => String, { nullable: true }) contains?: string | null;
  @Field(() => String, { nullable: true }) startsWith?: string | null;
  @Field(() => Boolean, { nullable: true }) isNull?: boolean | null;
}

@InputType('IntFilter')
export class IntFilterInput {
  @Field(() => Int, { nullable: true }) eq?: number | null;
  @Field(() => Int, { nullable: true }) ne?: number | null;
  @Field(() => Int, { nullable: true }) gt?: number | null;
  @Field(() => Int, { nullable: true }) gte?: number | null;
  @Field(() => Int, { nullable: true }) lt?: number | null;
  @Field(() => Int, { nullable: true }) lte?: number | null;
  @Field(() => [Int], { nullable: true }) in?: number[] | null;
  @Field(() => Boolean, { nullable: true }) isNull?: boolean | null;
}

@InputType('FloatFilter')
export class FloatFilterInput {
  @Field(() => Float, { nullable: true }) eq?: number | null;
  @Field(() => Float, { nullable: true }) ne?: number | null;
  @Field(() => Float, { nullable: true }) gt?: number | null;
  @Field(() => Float, { nullable: true }) gte?: number | null;
  @Field(() => Float, { nullable: true }) lt?: number | null;
  @Field(() => Float, { nullable: true }) lte?: number | null;
  @Field(() => Boolean, { nullable: true }) isNull?: boolean | null;
}

@InputType('DateTimeFilter', { description: 'before/after are strict; withinLastDays N is [asOf − N days, asOf].' })
export class DateTimeFilterInput {
  @Field(() => DateTimeScalar, { nullable: true }) before?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) after?: Date | null;
  @Field(() => Int, { nullable: true }) withinLastDays?: number | null;
  @Field(() => Boolean, { nullable: true }) isNull?: boolean | null;
}

@InputType('TagFilter')
export class TagFilterInput {
  @Field(() => [String], { nullable: true }) hasAny?: string[] | null;
  @Field(() => [String], { nullable: true }) hasAll?: string[] | null;
  @Field(() => [String], { nullable: true }) hasNone?: string[] | null;
}

@InputType('AttributeFilter', { description: 'Reads the value under key; a value of another type than the operator counts as missing.' })
export class AttributeFilterInput {
  @Field() key!: string;
  @Field(() => StringFilterInput, { nullable: true }) string?: StringFilterInput | null;
  @Field(() => FloatFilterInput, { nullable: true }) number?: FloatFilterInput | null;
  @Field(() => Boolean, { nullable: true }) bool?: boolean | null;
  @Field(() => Boolean, { nullable: true }) exists?: boolean | null;
}

@InputType('IdentityFilter', { description: 'Who they are.' })
export class IdentityFilterInput {
  @Field(() => StringFilterInput, { nullable: true }) email?: StringFilterInput | null;
  @Field(() => IntFilterInput, { nullable: true, description: 'Whole years at asOf.' }) age?: IntFilterInput | null;
  @Field(() => [Gender], { nullable: true }) gender?: Gender[] | null;
  @Field(() => StringFilterInput, { nullable: true }) country?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true }) region?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true }) city?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true }) postalCode?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true }) companyName?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true }) industry?: StringFilterInput | null;
  @Field(() => IntFilterInput, { nullable: true }) companySize?: IntFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true }) jobTitle?: StringFilterInput | null;
  @Field(() => StringFilterInput, { nullable: true }) jobFunction?: StringFilterInput | null;
  @Field(() => [LifecycleStage], { nullable: true }) lifecycleStage?: LifecycleStage[] | null;
  @Field(() => StringFilterInput, { nullable: true }) acquisitionSource?: StringFilterInput | null;
  @Field(() => TagFilterInput, { nullable: true }) interests?: TagFilterInput | null;
  @Field(() => Boolean, { nullable: true }) emailOptIn?: boolean | null;
  @Field(() => Boolean, { nullable: true }) smsOptIn?: boolean | null;
  @Field(() => DateTimeFilterInput, { nullable: true }) createdAt?: DateTimeFilterInput | null;
  @Field(() => DateTimeFilterInput, { nullable: true }) lastVerifiedAt?: DateTimeFilterInput | null;
  @Field(() => [AttributeFilterInput], { nullable: true }) attributes?: AttributeFilterInput[] | null;
}

@InputType('ScoreFilter')
export class ScoreFilterInput {
  @Field(() => ID) model!: string;
  @Field(() => Int, { nullable: true }) gte?: number | null;
  @Field(() => Int, { nullable: true }) lte?: number | null;
}

@InputType('ValueFilter', { description: 'What they are worth; reads the latest metrics refresh (no metrics: only negative operators hold).' })
export class ValueFilterInput {
  @Field(() => [RfmSegment], { nullable: true }) rfmSegment?: RfmSegment[] | null;
  @Field(() => IntFilterInput, { nullable: true }) recencyScore?: IntFilterInput | null;
  @Field(() => IntFilterInput, { nullable: true }) frequencyScore?: IntFilterInput | null;
  @Field(() => IntFilterInput, { nullable: true }) monetaryScore?: IntFilterInput | null;
  @Field(() => IntFilterInput, { nullable: true }) orderCount?: IntFilterInput | null;
  @Field(() => FloatFilterInput, { nullable: true }) lifetimeRevenue?: FloatFilterInput | null;
  @Field(() => FloatFilterInput, { nullable: true }) averageOrderValue?: FloatFilterInput | null;
  @Field(() => IntFilterInput, { nullable: true }) daysSinceLastOrder?: IntFilterInput | null;
  @Field(() => FloatFilterInput, { nullable: true }) probabilityAlive?: FloatFilterInput | null;
  @Field(() => FloatFilterInput, { nullable: true }) expectedPurchases90d?: FloatFilterInput | null;
  @Field(() => FloatFilterInput, { nullable: true }) predictedLifetimeValue?: FloatFilterInput | null;
  @Field(() => ScoreFilterInput, { nullable: true }) score?: ScoreFilterInput | null;
}

@InputType('TimeWindow', { description: 'Exactly one style: lastDays | fromDaysAgo+toDaysAgo | from/to; none = all history up to asOf.' })
export class TimeWindowInput {
  @Field(() => Int, { nullable: true }) lastDays?: number | null;
  @Field(() => Int, { nullable: true }) fromDaysAgo?: number | null;
  @Field(() => Int, { nullable: true }) toDaysAgo?: number | null;
  @Field(() => DateTimeScalar, { nullable: true }) from?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) to?: Date | null;
}

@InputType('EventCriterion')
export class EventCriterionInput {
  @Field(() => String, { nullable: true, description: 'Omitted: any event.' }) name?: string | null;
  @Field(() => [Channel], { nullable: true }) channel?: Channel[] | null;
  @Field(() => [AttributeFilterInput], { nullable: true }) properties?: AttributeFilterInput[] | null;
  @Field(() => TimeWindowInput, { nullable: true }) within?: TimeWindowInput | null;
  @Field(() => IntFilterInput, { nullable: true, description: 'Default { gte: 1 }; { eq: 0 } = never.' }) count?: IntFilterInput | null;
}

@InputType('PurchaseCriterion')
export class PurchaseCriterionInput {
  @Field(() => StringFilterInput, { nullable: true, description: 'Orders having a matching category.' }) category?: StringFilterInput | null;
  @Field(() => [Channel], { nullable: true }) channel?: Channel[] | null;
  @Field(() => FloatFilterInput, { nullable: true, description: 'Per-order amount.' }) orderAmount?: FloatFilterInput | null;
  @Field(() => TimeWindowInput, { nullable: true }) within?: TimeWindowInput | null;
  @Field(() => IntFilterInput, { nullable: true, description: 'Default { gte: 1 }; { eq: 0 } = never bought.' }) count?: IntFilterInput | null;
  @Field(() => FloatFilterInput, { nullable: true, description: 'Sum of the amounts of such orders (0 for none).' }) totalAmount?: FloatFilterInput | null;
}

@InputType('BehaviourFilter', { description: 'What they did, measured live against orders/events up to asOf.' })
export class BehaviourFilterInput {
  @Field(() => EventCriterionInput, { nullable: true }) event?: EventCriterionInput | null;
  @Field(() => PurchaseCriterionInput, { nullable: true }) purchase?: PurchaseCriterionInput | null;
}

@InputType('SegmentFilter', { description: 'Every field that is set must hold (AND); {} matches everyone.' })
export class SegmentFilterInput {
  @Field(() => [SegmentFilterInput], { nullable: true }) and?: SegmentFilterInput[] | null;
  @Field(() => [SegmentFilterInput], { nullable: true }) or?: SegmentFilterInput[] | null;
  @Field(() => SegmentFilterInput, { nullable: true }) not?: SegmentFilterInput | null;
  @Field(() => IdentityFilterInput, { nullable: true }) identity?: IdentityFilterInput | null;
  @Field(() => ValueFilterInput, { nullable: true }) value?: ValueFilterInput | null;
  @Field(() => BehaviourFilterInput, { nullable: true }) behaviour?: BehaviourFilterInput | null;
  @Field(() => ID, { nullable: true, description: 'Members of another saved segment (composition).' }) inSegment?: string | null;
  @Field(() => ID, { nullable: true, description: 'Customers assigned to that persona.' }) persona?: string | null;
}
