import type { MiddlewareFn } from 'type-graphql';
import { forbidden } from '../common/errors';
import type { RequestContext } from '../server/context';
import { mayReadPersonalData } from './masking';

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
 * email criterion needs the pii scope (FORBIDDEN at its path).
 */
export const personalCriteriaGuard: MiddlewareFn<RequestContext> = async ({ args, context }, next) => {
  if (!mayReadPersonalData(context.caller) && args && Object.keys(args).length) {
    const path = emailCriterionPath(args, '');
    if (path) throw forbidden('a filter on email addresses needs the pii scope', path);
  }
  return next();
};
