import { ageAt } from '../common/dates';
import { describeFilter, type DescribeContext } from './describe';
import { assignedPersona, evaluate, scoreOf, type EvaluationContext } from './evaluate';
import type { CustomerFacts } from './facts';
import type { SegmentFilter } from './types';
import { IDENTITY_STRING_FIELDS, VALUE_FLOAT_FIELDS, VALUE_INT_FIELDS } from './types';
import { inInterval, windowInterval } from './window';

/** Why a customer is in or out: each node says what it asked, the customer's actual value, and whether it held. */
export interface ExplanationNode {
  kind: string;
  description: string;
  matched: boolean;
  actual: string | null;
  children: ExplanationNode[];
}

export type ExplainContext = EvaluationContext & DescribeContext;

const show = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** One criterion as a filter of its own, with the customer's value for it. */
interface Part {
  kind: string;
  filter: SegmentFilter;
  actual: string | null;
  children?: ExplanationNode[];
}

function parts(customer: CustomerFacts, filter: SegmentFilter, context: ExplainContext): Part[] {
  const out: Part[] = [];
  const identity = filter.identity;
  if (identity) {
    for (const field of Object.keys(identity) as Array<keyof typeof identity>) {
      if (identity[field] == null) continue;
      let actual: unknown;
      if (field in IDENTITY_STRING_FIELDS) actual = customer[field as keyof typeof IDENTITY_STRING_FIELDS];
      else if (field === 'age') actual = customer.birthDate ? ageAt(customer.birthDate, context.asOf) : null;
      else if (field === 'attributes') {
        const keys = identity.attributes!.map((attribute) => attribute.key);
        actual = Object.fromEntries(
          keys.filter((key) => key in customer.attributes).map((key) => [key, customer.attributes[key]]),
        );
      } else actual = customer[field as keyof CustomerFacts];
      out.push({
        kind: `identity.${field}`,
        filter: { identity: { [field]: identity[field] } },
        actual: show(actual),
      });
    }
  }
  const value = filter.value;
  if (value) {
    for (const field of Object.keys(value) as Array<keyof typeof value>) {
      if (value[field] == null) continue;
      if (field === 'score') {
        out.push(scorePart(customer, value.score!.model, { value: { score: value.score } }, context));
        continue;
      }
      const known =
        field in VALUE_INT_FIELDS ||
        field in VALUE_FLOAT_FIELDS ||
        field === 'rfmSegment' ||
        field === 'preferredChannel';
      const actual = !customer.metrics
        ? 'no metrics yet'
        : known
          ? show(customer.metrics[field as keyof typeof customer.metrics])
          : null;
      out.push({ kind: `value.${field}`, filter: { value: { [field]: value[field] } }, actual });
    }
  }
  const event = filter.behaviour?.event;
  if (event) {
    const interval = windowInterval(event.within, context.asOf);
    const inWindow = customer.events.filter(
      (e) => inInterval(e.occurredAt.getTime(), interval) && (event.name == null || e.name === event.name),
    );
    out.push({
      kind: 'behaviour.event',
      filter: { behaviour: { event } },
      actual: `${inWindow.length} event(s) of that name in the window`,
    });
  }
  const purchase = filter.behaviour?.purchase;
  if (purchase) {
    const interval = windowInterval(purchase.within, context.asOf);
    const inWindow = customer.orders.filter((order) => inInterval(order.orderedAt.getTime(), interval));
    const total = inWindow.reduce((sum, order) => sum + order.amount, 0);
    out.push({
      kind: 'behaviour.purchase',
      filter: { behaviour: { purchase } },
      actual: `${inWindow.length} order(s) in the window, total ${total}`,
    });
  }
  if (filter.and)
    out.push({
      kind: 'and',
      filter: { and: filter.and },
      actual: null,
      children: filter.and.map((part) => explainFilter(customer, part, context)),
    });
  if (filter.or)
    out.push({
      kind: 'or',
      filter: { or: filter.or },
      actual: null,
      children: filter.or.map((part) => explainFilter(customer, part, context)),
    });
  if (filter.not)
    out.push({
      kind: 'not',
      filter: { not: filter.not },
      actual: null,
      children: [explainFilter(customer, filter.not, context)],
    });
  if (filter.inSegment != null) {
    const saved = context.segmentFilter(filter.inSegment);
    out.push({
      kind: 'inSegment',
      filter: { inSegment: filter.inSegment },
      actual: null,
      children: [explainFilter(customer, saved, context)],
    });
  }
  if (filter.persona != null) out.push(personaPart(customer, filter.persona, context));
  return out;
}

/** A persona criterion: the persona the customer is assigned to, and why the asked one's filter holds or not. */
function personaPart(customer: CustomerFacts, id: string, context: ExplainContext): Part {
  const assigned = assignedPersona(customer, context);
  const persona = context.personaOrder().find((candidate) => candidate.id === id)!;
  return {
    kind: 'persona',
    filter: { persona: id },
    actual: assigned ? `assigned to persona ${assigned.id} "${assigned.name}"` : 'assigned to no persona',
    children: [explainFilter(customer, persona.filter, context)],
  };
}

/** A score criterion: the customer's score, and each rule with the points it gave or would have given. */
function scorePart(
  customer: CustomerFacts,
  modelId: string,
  filter: SegmentFilter,
  context: ExplainContext,
): Part {
  const rules = context.scoringRules(modelId).map((rule): ExplanationNode => {
    const node = explainFilter(customer, rule.filter, context);
    const points = rule.points > 0 ? `+${rule.points}` : String(rule.points);
    return {
      kind: 'scoringRule',
      description: `${rule.label}: ${points} points`,
      matched: node.matched,
      actual: node.matched ? points : '0',
      children: [node],
    };
  });
  return {
    kind: 'value.score',
    filter,
    actual: String(scoreOf(customer, modelId, context)),
    children: rules,
  };
}

export function explainFilter(
  customer: CustomerFacts,
  filter: SegmentFilter,
  context: ExplainContext,
): ExplanationNode {
  const nodes = parts(customer, filter, context).map((part) => ({
    kind: part.kind,
    description: describeFilter(part.filter, context),
    matched: evaluate(customer, part.filter, context),
    actual: part.actual,
    children: part.children ?? [],
  }));
  if (nodes.length === 1) return nodes[0];
  return {
    kind: nodes.length === 0 ? 'everyone' : 'all',
    description: describeFilter(filter, context),
    matched: nodes.every((node) => node.matched),
    actual: null,
    children: nodes,
  };
}
