import type {
  AttributeFilter,
  DateTimeFilter,
  EventCriterion,
  FloatFilter,
  IntFilter,
  PurchaseCriterion,
  SegmentFilter,
  StringFilter,
  TagFilter,
  TimeWindow,
} from './types';
import {
  DATE_OPERATORS,
  INT_OPERATORS,
  iso,
  list,
  NUMBER_OPERATORS,
  operatorsWords,
  quote,
  setOperators,
  STRING_OPERATORS,
} from './operators';
import { IDENTITY_STRING_FIELDS, VALUE_FLOAT_FIELDS, VALUE_INT_FIELDS } from './types';

/**
 * The human-readable `definition` of a filter, e.g.
 * `country in (FR, BE) AND purchased at least 3 times in the last 90 days AND NOT in segment "Churn risk"`.
 */
export interface DescribeContext {
  /** A segment's name for inSegment, when known. */
  segmentName(id: string): string | undefined;
  /** A scoring model's name for value.score, when known. */
  scoringModelName?(id: string): string | undefined;
  /** A persona's name, when known. */
  personaName?(id: string): string | undefined;
  /**
   * How an email criterion's values are written; default as given. A caller
   * without pii gets them masked: each value is masked before it is put in
   * words, so an address is never looked for in text (where `)`, `"`, `, `
   * or ` and ` inside it would end it early).
   */
  emailShown?(value: string): string;
}

/** Several conditions on one subject: "age ≥ 30 AND age < 40". */
const joinAll = (parts: string[]) => parts.join(' AND ');

function describeString(subject: string, filter: StringFilter): string {
  return joinAll(operatorsWords(STRING_OPERATORS, filter, subject));
}

function describeNumber(subject: string, filter: IntFilter | FloatFilter): string {
  return joinAll(operatorsWords(NUMBER_OPERATORS, filter, subject));
}

function describeDate(subject: string, filter: DateTimeFilter): string {
  return joinAll(operatorsWords(DATE_OPERATORS, filter, subject));
}

function describeTags(filter: TagFilter): string {
  const parts: string[] = [];
  if (filter.hasAny != null) parts.push(`interests include any of ${list(filter.hasAny)}`);
  if (filter.hasAll != null) parts.push(`interests include all of ${list(filter.hasAll)}`);
  if (filter.hasNone != null) parts.push(`interests include none of ${list(filter.hasNone)}`);
  return joinAll(parts);
}

function describeAttribute(owner: string, filter: AttributeFilter): string {
  const subject = `${owner} ${filter.key}`;
  const parts: string[] = [];
  if (filter.string != null) parts.push(describeString(subject, filter.string));
  if (filter.number != null) parts.push(describeNumber(subject, filter.number));
  if (filter.bool != null) parts.push(`${subject} is ${filter.bool}`);
  if (filter.exists != null) parts.push(filter.exists ? `${subject} is set` : `${subject} is not set`);
  return joinAll(parts);
}

export function describeWindow(window: TimeWindow | null | undefined): string {
  if (!window) return '';
  if (window.lastDays != null) return ` in the last ${window.lastDays} days`;
  if (window.fromDaysAgo != null && window.toDaysAgo != null)
    return ` between ${window.fromDaysAgo} and ${window.toDaysAgo} days ago`;
  if (window.fromDaysAgo != null) return ` in the last ${window.fromDaysAgo} days`;
  if (window.toDaysAgo != null) return ` more than ${window.toDaysAgo} days ago`;
  if (window.from && window.to) return ` between ${iso(window.from)} and ${iso(window.to)}`;
  if (window.from) return ` since ${iso(window.from)}`;
  if (window.to) return ` until ${iso(window.to)}`;
  return '';
}

function describeCount(count: IntFilter | null | undefined): string {
  if (count == null) return 'at least once';
  if (count.eq === 0 && Object.values(count).filter((v) => v != null).length === 1) return 'never';
  return setOperators(INT_OPERATORS, count)
    .map(([operator, operand]) => operator.times(operand))
    .join(' and ');
}

function describeEvent(criterion: EventCriterion): string {
  const what = criterion.name != null ? quote(criterion.name) : 'any event';
  const extras: string[] = [];
  if (criterion.channel != null) extras.push(`on ${list(criterion.channel)}`);
  for (const property of criterion.properties ?? [])
    extras.push(`with ${describeAttribute('property', property)}`);
  const detail = `${what}${extras.length ? ` ${extras.join(' ')}` : ''}`;
  const count = describeCount(criterion.count);
  return count === 'never'
    ? `never did ${detail}${describeWindow(criterion.within)}`
    : `did ${detail} ${count}${describeWindow(criterion.within)}`;
}

function describePurchase(criterion: PurchaseCriterion): string {
  const extras: string[] = [];
  if (criterion.category != null) extras.push(`with ${describeString('category', criterion.category)}`);
  if (criterion.channel != null) extras.push(`on ${list(criterion.channel)}`);
  if (criterion.orderAmount != null)
    extras.push(`with ${describeNumber('order amount', criterion.orderAmount)}`);
  const detail = extras.length ? ` ${extras.join(' ')}` : '';
  const count = describeCount(criterion.count);
  if (count === 'never' && criterion.totalAmount == null)
    return `never purchased${detail}${describeWindow(criterion.within)}`;
  const parts: string[] = [];
  if (criterion.count != null || criterion.totalAmount == null) parts.push(count);
  if (criterion.totalAmount != null) parts.push(`for ${describeNumber('a total', criterion.totalAmount)}`);
  return `purchased${detail} ${parts.join(' ')}${describeWindow(criterion.within)}`;
}

const PHRASES: Record<string, string> = {
  postalCode: 'postal code',
  companyName: 'company name',
  jobTitle: 'job title',
  jobFunction: 'job function',
  acquisitionSource: 'acquisition source',
  companySize: 'company size',
  createdAt: 'created',
  lastVerifiedAt: 'last verified',
  recencyScore: 'recency score',
  frequencyScore: 'frequency score',
  monetaryScore: 'monetary score',
  orderCount: 'order count',
  lifetimeRevenue: 'lifetime revenue',
  averageOrderValue: 'average order value',
  daysSinceLastOrder: 'days since last order',
  probabilityAlive: 'P(alive)',
  expectedPurchases90d: 'expected purchases (90 days)',
  predictedLifetimeValue: 'predicted lifetime value',
};
const phrase = (field: string) => PHRASES[field] ?? field;

/**
 * A string criterion with each of its values as `show` writes it: every text
 * operand of the operator table, so an operator added there is masked too.
 */
function shownValues(filter: StringFilter, show: (value: string) => string): StringFilter {
  const shown: Record<string, unknown> = { ...filter };
  for (const [name, operator] of Object.entries(STRING_OPERATORS)) {
    const operand = shown[name];
    if (operand == null) continue;
    if (operator.operand === 'text') shown[name] = show(operand as string);
    else if (operator.operand === 'texts') shown[name] = (operand as string[]).map(show);
  }
  return shown as StringFilter;
}

/** The conditions of one filter node, each a phrase; the node holds when all do. */
export function describeParts(filter: SegmentFilter, context: DescribeContext): string[] {
  const parts: string[] = [];
  const group = (text: string, many: boolean) => (many ? `(${text})` : text);
  if (filter.and != null)
    parts.push(
      group(filter.and.map((part) => describeFilter(part, context)).join(' AND '), filter.and.length > 1),
    );
  if (filter.or != null)
    parts.push(
      group(
        filter.or
          .map((part) => group(describeFilter(part, context), describeParts(part, context).length > 1))
          .join(' OR '),
        filter.or.length > 1,
      ),
    );
  if (filter.not != null) {
    const inner = describeFilter(filter.not, context);
    parts.push(`NOT ${describeParts(filter.not, context).length > 1 ? `(${inner})` : inner}`);
  }
  const identity = filter.identity;
  if (identity != null) {
    for (const field of Object.keys(IDENTITY_STRING_FIELDS) as Array<keyof typeof IDENTITY_STRING_FIELDS>) {
      const criterion = identity[field];
      if (criterion == null) continue;
      const shown =
        field === 'email' && context.emailShown ? shownValues(criterion, context.emailShown) : criterion;
      parts.push(describeString(phrase(field), shown));
    }
    if (identity.age != null) parts.push(describeNumber('age', identity.age));
    if (identity.companySize != null) parts.push(describeNumber('company size', identity.companySize));
    if (identity.gender != null) parts.push(`gender in ${list(identity.gender)}`);
    if (identity.lifecycleStage != null) parts.push(`lifecycle stage in ${list(identity.lifecycleStage)}`);
    if (identity.interests != null) parts.push(describeTags(identity.interests));
    if (identity.emailOptIn != null)
      parts.push(identity.emailOptIn ? 'opted in to email' : 'not opted in to email');
    if (identity.smsOptIn != null) parts.push(identity.smsOptIn ? 'opted in to SMS' : 'not opted in to SMS');
    if (identity.createdAt != null) parts.push(describeDate('created', identity.createdAt));
    if (identity.lastVerifiedAt != null) parts.push(describeDate('last verified', identity.lastVerifiedAt));
    for (const attribute of identity.attributes ?? []) parts.push(describeAttribute('attribute', attribute));
  }
  const value = filter.value;
  if (value != null) {
    for (const field of [...Object.keys(VALUE_INT_FIELDS), ...Object.keys(VALUE_FLOAT_FIELDS)] as Array<
      keyof typeof VALUE_INT_FIELDS | keyof typeof VALUE_FLOAT_FIELDS
    >) {
      if (value[field] != null) parts.push(describeNumber(phrase(field), value[field]!));
    }
    if (value.rfmSegment != null) parts.push(`RFM segment in ${list(value.rfmSegment)}`);
    if (value.preferredChannel != null) parts.push(`preferred channel in ${list(value.preferredChannel)}`);
    if (value.score != null) {
      const name = context.scoringModelName?.(value.score.model);
      const what = name === undefined ? `score of model ${value.score.model}` : `${quote(name)} score`;
      parts.push(describeNumber(what, { gte: value.score.gte, lte: value.score.lte }));
    }
  }
  if (filter.behaviour?.event != null) parts.push(describeEvent(filter.behaviour.event));
  if (filter.behaviour?.purchase != null) parts.push(describePurchase(filter.behaviour.purchase));
  if (filter.inSegment != null) {
    const name = context.segmentName(filter.inSegment);
    parts.push(name === undefined ? `in segment ${filter.inSegment}` : `in segment ${quote(name)}`);
  }
  if (filter.persona != null) {
    const name = context.personaName?.(filter.persona);
    parts.push(name === undefined ? `persona ${filter.persona}` : `persona ${quote(name)}`);
  }
  return parts;
}

/** Whether a filter (itself, not the saved filters it uses) has an email criterion, at any depth. */
export function hasEmailCriterion(filter: SegmentFilter): boolean {
  return (
    filter.identity?.email != null ||
    (filter.and ?? []).some(hasEmailCriterion) ||
    (filter.or ?? []).some(hasEmailCriterion) ||
    (filter.not != null && hasEmailCriterion(filter.not))
  );
}

export function describeFilter(filter: SegmentFilter, context: DescribeContext): string {
  const parts = describeParts(filter, context);
  return parts.length ? parts.join(' AND ') : 'everyone';
}
