import type { MiddlewareFn } from 'type-graphql';
import { forbidden } from '../common/errors';
import type { Caller } from '../common/scopes';
import { withAgesAt } from '../common/age-access';
import { CustomerOrderField } from '../customers/customer.types';
import type { RequestContext } from '../graphql/context';
import { maskEmail, maskText, mayReadPersonalData } from './masking';

/**
 * The place of the first email criterion in a field's arguments
 * (`filter.and.0.identity.email`), or null. Arguments reach a global
 * middleware as GraphQL gives them (plain objects), so an email criterion is
 * an `email` set under an `identity` key.
 */
export function emailCriterionPath(value: unknown, path: string, underIdentity = false): string | null {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = emailCriterionPath(item, `${path}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return null;
  if (underIdentity && (value as Record<string, unknown>).email != null) return `${path}.email`;
  for (const [key, child] of Object.entries(value)) {
    const found = emailCriterionPath(child, path === '' ? key : `${path}.${key}`, key === 'identity');
    if (found) return found;
  }
  return null;
}

/**
 * Filtering on email addresses would let a caller who may not read them find
 * them out by counting (is anyone's address "a…"?): a filter argument with an
 * email criterion needs the pii scope (FORBIDDEN at its path). Ordering by
 * name would tell who comes before whom, a letter at a time: it needs the pii
 * scope too.
 */
export const personalCriteriaGuard: MiddlewareFn<RequestContext> = async ({ args, context }, next) => {
  if (!mayReadPersonalData(context.caller) && args && Object.keys(args).length) {
    const path = emailCriterionPath(args, '');
    if (path) throw forbidden('a filter on email addresses needs the pii scope', path);
    if ((args.orderBy as { field?: unknown } | null | undefined)?.field === CustomerOrderField.NAME)
      throw forbidden('ordering customers by name needs the pii scope', 'orderBy.field');
  }
  return next();
};

/**
 * A caller without pii learns ages at the request's now only: every field
 * runs with that limit (common/age-access.ts), so an age taken at a chosen
 * asOf anywhere below it, however deep, is FORBIDDEN.
 */
export const agesAtNowWithoutPii: MiddlewareFn<RequestContext> = ({ context }, next) =>
  mayReadPersonalData(context.caller) ? next() : withAgesAt(context.now, next);

/** An email criterion's value as a caller without pii sees it: a domain alone stays, a person does not. */
export function maskCriterionValue(value: string): string {
  if (value.startsWith('@')) return value;
  return value.includes('@') ? maskEmail(value) : maskText(value);
}

/** How a caller sees the values of email criteria in plain words (DescribeContext.emailShown): masked without pii. */
export function emailShownTo(caller: Caller | null): ((value: string) => string) | undefined {
  return mayReadPersonalData(caller) ? undefined : maskCriterionValue;
}

/** A saved filter (JSON) with the values of its email criteria masked. */
export function maskEmailCriteria(value: unknown, underIdentity = false): unknown {
  if (Array.isArray(value)) return value.map((item) => maskEmailCriteria(item));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (underIdentity && key === 'email' && child !== null && typeof child === 'object') {
      out[key] = Object.fromEntries(
        Object.entries(child).map(([op, operand]) => [
          op,
          typeof operand === 'string'
            ? maskCriterionValue(operand)
            : Array.isArray(operand)
              ? operand.map((item) => (typeof item === 'string' ? maskCriterionValue(item) : item))
              : operand,
        ]),
      );
    } else {
      out[key] = maskEmailCriteria(child, key === 'identity');
    }
  }
  return out;
}

/**
 * The fields that show saved filters, or parts of them, in JSON, and the
 * customer's own address in an explanation. Filters in words (definitions,
 * explanations' descriptions) are written masked in the first place
 * (emailShownTo): masking text afterwards would mean finding addresses in it.
 */
const FILTER_FIELDS: Record<string, 'json' | 'actual'> = {
  'Segment.filter': 'json',
  'Persona.filter': 'json',
  'ScoringRule.filter': 'json',
  'ExplanationNode.actual': 'actual',
};

function masked(kind: 'json' | 'actual', value: unknown, root: { kind?: string }): unknown {
  if (kind === 'json') return maskEmailCriteria(value);
  // An explanation node shows the customer's own value; only an email node's is personal (names and phones are no criteria).
  return root.kind === 'identity.email' ? maskEmail(String(value)) : value;
}

/**
 * A segment saved by someone with pii may filter on an address; readers
 * without pii see the filter, its definition and its explanations with that
 * address masked, like Customer.email, and an explanation's actual value of
 * an email criterion (the customer's own address) masked too.
 */
export const personalCriteriaMask: MiddlewareFn<RequestContext> = ({ context, info, root }, next) => {
  const kind = FILTER_FIELDS[`${info.parentType.name}.${info.fieldName}`];
  // Every other field passes straight through: this runs on each field of every response.
  if (!kind || mayReadPersonalData(context.caller)) return next();
  return next().then((result) => (result == null ? result : masked(kind, result, root)));
};
