import type { Channel, Gender, LifecycleStage, RfmSegment } from '../common/enums';
import { CUSTOMER_COLUMNS } from '../db/customer-row';
import type { DATE_OPERATORS, FilterOf, FLOAT_OPERATORS, INT_OPERATORS, STRING_OPERATORS } from './operators';

/**
 * The segment filter language of docs/API.md, as plain data (no GraphQL here):
 * the same shape arrives from GraphQL inputs and from saved segments' JSON.
 * Every field that is set must hold; {} matches everyone.
 */
export interface SegmentFilter {
  and?: SegmentFilter[] | null;
  or?: SegmentFilter[] | null;
  not?: SegmentFilter | null;
  identity?: IdentityFilter | null;
  value?: ValueFilter | null;
  behaviour?: BehaviourFilter | null;
  inSegment?: string | null;
  persona?: string | null;
}

/** The scalar filters: every operator of its table (operators.ts) optional, each set one to hold. */
export type StringFilter = FilterOf<typeof STRING_OPERATORS>;
export type IntFilter = FilterOf<typeof INT_OPERATORS>;
export type FloatFilter = FilterOf<typeof FLOAT_OPERATORS>;
export type DateTimeFilter = FilterOf<typeof DATE_OPERATORS>;

export interface TagFilter {
  hasAny?: string[] | null;
  hasAll?: string[] | null;
  hasNone?: string[] | null;
}

export interface AttributeFilter {
  key: string;
  string?: StringFilter | null;
  number?: FloatFilter | null;
  bool?: boolean | null;
  exists?: boolean | null;
}

export interface IdentityFilter {
  email?: StringFilter | null;
  age?: IntFilter | null;
  gender?: Gender[] | null;
  country?: StringFilter | null;
  region?: StringFilter | null;
  city?: StringFilter | null;
  postalCode?: StringFilter | null;
  companyName?: StringFilter | null;
  industry?: StringFilter | null;
  companySize?: IntFilter | null;
  jobTitle?: StringFilter | null;
  jobFunction?: StringFilter | null;
  lifecycleStage?: LifecycleStage[] | null;
  acquisitionSource?: StringFilter | null;
  interests?: TagFilter | null;
  emailOptIn?: boolean | null;
  smsOptIn?: boolean | null;
  createdAt?: DateTimeFilter | null;
  lastVerifiedAt?: DateTimeFilter | null;
  attributes?: AttributeFilter[] | null;
}

export interface ScoreFilter {
  model: string;
  gte?: number | null;
  lte?: number | null;
}

/** One rule of a points-based scoring model: customers matching `filter` earn `points` (-100..100). */
export interface ScoringRuleDefinition {
  label: string;
  filter: SegmentFilter;
  points: number;
}

/**
 * A persona as the engine sees it. Personas are exclusive: a customer is
 * assigned to the first persona, in assignment order (priority number, then
 * age), whose filter matches.
 */
export interface PersonaDefinition {
  id: string;
  name: string;
  filter: SegmentFilter;
}

/** Scores are the sum of the matching rules' points, clamped to this range. */
export const SCORE_RANGE = { min: 0, max: 100 } as const;
export const RULE_POINTS = { min: -100, max: 100 } as const;

export interface ValueFilter {
  rfmSegment?: RfmSegment[] | null;
  preferredChannel?: Channel[] | null;
  recencyScore?: IntFilter | null;
  frequencyScore?: IntFilter | null;
  monetaryScore?: IntFilter | null;
  orderCount?: IntFilter | null;
  lifetimeRevenue?: FloatFilter | null;
  averageOrderValue?: FloatFilter | null;
  daysSinceLastOrder?: IntFilter | null;
  probabilityAlive?: FloatFilter | null;
  expectedPurchases90d?: FloatFilter | null;
  predictedLifetimeValue?: FloatFilter | null;
  score?: ScoreFilter | null;
}

export interface TimeWindow {
  lastDays?: number | null;
  fromDaysAgo?: number | null;
  toDaysAgo?: number | null;
  from?: Date | null;
  to?: Date | null;
}

export interface EventCriterion {
  name?: string | null;
  channel?: Channel[] | null;
  properties?: AttributeFilter[] | null;
  within?: TimeWindow | null;
  count?: IntFilter | null;
}

export interface PurchaseCriterion {
  category?: StringFilter | null;
  channel?: Channel[] | null;
  orderAmount?: FloatFilter | null;
  within?: TimeWindow | null;
  count?: IntFilter | null;
  totalAmount?: FloatFilter | null;
}

export interface BehaviourFilter {
  event?: EventCriterion | null;
  purchase?: PurchaseCriterion | null;
}

/** Identity fields filtered with a StringFilter, and their SQL column. */
const IDENTITY_STRING_FIELD_NAMES = [
  'email',
  'country',
  'region',
  'city',
  'postalCode',
  'companyName',
  'industry',
  'jobTitle',
  'jobFunction',
  'acquisitionSource',
] as const;

export type IdentityStringField = (typeof IDENTITY_STRING_FIELD_NAMES)[number];

export const IDENTITY_STRING_FIELDS = Object.fromEntries(
  IDENTITY_STRING_FIELD_NAMES.map((field) => [field, CUSTOMER_COLUMNS[field].name]),
) as Record<IdentityStringField, string>;

/** Value criteria and their customer_metrics column. */
export const VALUE_INT_FIELDS = {
  recencyScore: 'recency_score',
  frequencyScore: 'frequency_score',
  monetaryScore: 'monetary_score',
  orderCount: 'order_count',
  daysSinceLastOrder: 'days_since_last_order',
} as const;

export const VALUE_FLOAT_FIELDS = {
  lifetimeRevenue: 'lifetime_revenue',
  averageOrderValue: 'average_order_value',
  probabilityAlive: 'probability_alive',
  expectedPurchases90d: 'expected_purchases90d',
  predictedLifetimeValue: 'predicted_lifetime_value',
} as const;

export { DAY_MS } from '../common/dates';
