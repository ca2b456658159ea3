import { ageAt } from '../common/dates';
import type { CustomerFacts, FlatValue } from './facts';
import type { SavedLookups } from './prepared';
import type {
  AttributeFilter,
  DateTimeFilter,
  EventCriterion,
  FloatFilter,
  IntFilter,
  PersonaDefinition,
  PurchaseCriterion,
  SegmentFilter,
  StringFilter,
  TagFilter,
} from './types';
import { IDENTITY_STRING_FIELDS, SCORE_RANGE, VALUE_FLOAT_FIELDS, VALUE_INT_FIELDS } from './types';
import { DATE_OPERATORS, NUMBER_OPERATORS, operatorsMatch, STRING_OPERATORS } from './operators';
import { inInterval, windowInterval } from './window';

/**
 * The reference evaluator: the meaning of a filter for one customer whose
 * data is loaded, written to be obviously right rather than fast. It is the
 * oracle the compiled SQL is tested against, and it powers `explain`.
 *
 * A missing value (null, absent attribute, no metrics) fails every positive
 * operator; the negative ones (ne, notIn, isNull: true, hasNone) hold on it.
 */
export interface EvaluationContext extends SavedLookups {
  asOf: Date;
}

export function matchString(value: string | null | undefined, filter: StringFilter): boolean {
  return operatorsMatch(STRING_OPERATORS, filter, value ?? null);
}

export function matchNumber(value: number | null | undefined, filter: IntFilter | FloatFilter): boolean {
  return operatorsMatch(NUMBER_OPERATORS, filter, value ?? null);
}

export function matchDate(value: Date | null, filter: DateTimeFilter, asOf: Date): boolean {
  return operatorsMatch(DATE_OPERATORS, filter, value?.getTime() ?? null, asOf);
}

export function matchTags(tags: string[], filter: TagFilter): boolean {
  const checks: boolean[] = [];
  if (filter.hasAny != null) checks.push(filter.hasAny.some((tag) => tags.includes(tag)));
  if (filter.hasAll != null) checks.push(filter.hasAll.every((tag) => tags.includes(tag)));
  if (filter.hasNone != null) checks.push(!filter.hasNone.some((tag) => tags.includes(tag)));
  return checks.every(Boolean);
}

/** A value of another type than the operator's counts as missing. */
export function matchAttribute(values: Record<string, FlatValue>, filter: AttributeFilter): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, filter.key);
  const value = has ? values[filter.key] : undefined;
  const checks: boolean[] = [];
  if (filter.string != null)
    checks.push(matchString(typeof value === 'string' ? value : null, filter.string));
  if (filter.number != null)
    checks.push(matchNumber(typeof value === 'number' ? value : null, filter.number));
  if (filter.bool != null) checks.push(value === filter.bool);
  if (filter.exists != null) checks.push(filter.exists === has);
  return checks.every(Boolean);
}

function countMatches(count: number, filter: IntFilter | null | undefined): boolean {
  return matchNumber(count, filter ?? { gte: 1 });
}

export function matchEvents(customer: CustomerFacts, criterion: EventCriterion, asOf: Date): boolean {
  const interval = windowInterval(criterion.within, asOf);
  const matching = customer.events.filter(
    (event) =>
      inInterval(event.occurredAt.getTime(), interval) &&
      (criterion.name == null || event.name === criterion.name) &&
      (criterion.channel == null || criterion.channel.includes(event.channel)) &&
      (criterion.properties ?? []).every((property) => matchAttribute(event.properties, property)),
  );
  return countMatches(matching.length, criterion.count);
}

/** An order matches a category filter when one of its categories does; an order without categories has a missing category. */
export function matchCategory(categories: string[], filter: StringFilter): boolean {
  return categories.length === 0
    ? matchString(null, filter)
    : categories.some((category) => matchString(category, filter));
}

export function matchPurchases(customer: CustomerFacts, criterion: PurchaseCriterion, asOf: Date): boolean {
  const interval = windowInterval(criterion.within, asOf);
  const matching = customer.orders.filter(
    (order) =>
      inInterval(order.orderedAt.getTime(), interval) &&
      (criterion.category == null || matchCategory(order.categories, criterion.category)) &&
      (criterion.channel == null || criterion.channel.includes(order.channel)) &&
      (criterion.orderAmount == null || matchNumber(order.amount, criterion.orderAmount)),
  );
  const checks: boolean[] = [];
  if (criterion.count == null && criterion.totalAmount == null) checks.push(matching.length >= 1);
  if (criterion.count != null) checks.push(matchNumber(matching.length, criterion.count));
  if (criterion.totalAmount != null) {
    checks.push(
      matchNumber(
        matching.reduce((total, order) => total + order.amount, 0),
        criterion.totalAmount,
      ),
    );
  }
  return checks.every(Boolean);
}

/** The sum of the points of the rules the customer matches, clamped to 0..100. */
export function scoreOf(customer: CustomerFacts, modelId: string, context: EvaluationContext): number {
  const sum = context
    .scoringRules(modelId)
    .filter((rule) => evaluate(customer, rule.filter, context))
    .reduce((total, rule) => total + rule.points, 0);
  return Math.min(SCORE_RANGE.max, Math.max(SCORE_RANGE.min, sum));
}

export function evaluate(
  customer: CustomerFacts,
  filter: SegmentFilter,
  context: EvaluationContext,
): boolean {
  const checks: boolean[] = [];
  if (filter.and != null) checks.push(filter.and.every((part) => evaluate(customer, part, context)));
  if (filter.or != null) checks.push(filter.or.some((part) => evaluate(customer, part, context)));
  if (filter.not != null) checks.push(!evaluate(customer, filter.not, context));
  if (filter.identity != null) {
    const identity = filter.identity;
    for (const field of Object.keys(IDENTITY_STRING_FIELDS) as Array<keyof typeof IDENTITY_STRING_FIELDS>) {
      const stringFilter = identity[field];
      if (stringFilter != null) checks.push(matchString(customer[field], stringFilter));
    }
    if (identity.age != null)
      checks.push(
        matchNumber(customer.birthDate ? ageAt(customer.birthDate, context.asOf) : null, identity.age),
      );
    if (identity.companySize != null) checks.push(matchNumber(customer.companySize, identity.companySize));
    if (identity.gender != null)
      checks.push(customer.gender !== null && identity.gender.includes(customer.gender));
    if (identity.lifecycleStage != null)
      checks.push(identity.lifecycleStage.includes(customer.lifecycleStage));
    if (identity.interests != null) checks.push(matchTags(customer.interests, identity.interests));
    if (identity.emailOptIn != null) checks.push(customer.emailOptIn === identity.emailOptIn);
    if (identity.smsOptIn != null) checks.push(customer.smsOptIn === identity.smsOptIn);
    if (identity.createdAt != null)
      checks.push(matchDate(customer.createdAt, identity.createdAt, context.asOf));
    if (identity.lastVerifiedAt != null)
      checks.push(matchDate(customer.lastVerifiedAt, identity.lastVerifiedAt, context.asOf));
    for (const attribute of identity.attributes ?? [])
      checks.push(matchAttribute(customer.attributes, attribute));
  }
  if (filter.value != null) {
    const value = filter.value;
    const metrics = customer.metrics;
    for (const field of Object.keys(VALUE_INT_FIELDS) as Array<keyof typeof VALUE_INT_FIELDS>) {
      const numberFilter = value[field];
      if (numberFilter != null) checks.push(matchNumber(metrics ? metrics[field] : null, numberFilter));
    }
    for (const field of Object.keys(VALUE_FLOAT_FIELDS) as Array<keyof typeof VALUE_FLOAT_FIELDS>) {
      const numberFilter = value[field];
      if (numberFilter != null) checks.push(matchNumber(metrics ? metrics[field] : null, numberFilter));
    }
    if (value.rfmSegment != null)
      checks.push(metrics?.rfmSegment != null && value.rfmSegment.includes(metrics.rfmSegment));
    if (value.preferredChannel != null)
      checks.push(
        metrics?.preferredChannel != null && value.preferredChannel.includes(metrics.preferredChannel),
      );
    if (value.score != null)
      checks.push(
        matchNumber(scoreOf(customer, value.score.model, context), {
          gte: value.score.gte,
          lte: value.score.lte,
        }),
      );
  }
  if (filter.behaviour != null) {
    if (filter.behaviour.event != null)
      checks.push(matchEvents(customer, filter.behaviour.event, context.asOf));
    if (filter.behaviour.purchase != null)
      checks.push(matchPurchases(customer, filter.behaviour.purchase, context.asOf));
  }
  if (filter.inSegment != null)
    checks.push(evaluate(customer, context.segmentFilter(filter.inSegment), context));
  if (filter.persona != null) checks.push(isPersonaMember(customer, filter.persona, context));
  return checks.every(Boolean);
}

/** A persona's members: its filter matches and no persona before it in assignment order has the customer. */
function isPersonaMember(customer: CustomerFacts, id: string, context: EvaluationContext): boolean {
  const order = context.personaOrder();
  const position = order.findIndex((persona) => persona.id === id);
  return (
    evaluate(customer, order[position].filter, context) &&
    order.slice(0, position).every((earlier) => !evaluate(customer, earlier.filter, context))
  );
}

/** The persona a customer is assigned to (needs every persona prepared, see preparePersonaAssignment): the first, in assignment order, whose filter matches; or none. */
export function assignedPersona(
  customer: CustomerFacts,
  context: EvaluationContext,
): PersonaDefinition | null {
  return context.personaOrder().find((persona) => evaluate(customer, persona.filter, context)) ?? null;
}
