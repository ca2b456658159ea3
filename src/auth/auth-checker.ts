import type { AuthChecker } from 'type-graphql';
import type { RequestContext } from '../graphql/context';
import { forbidden, unauthenticated } from '../common/errors';
import type { Scope } from '../common/scopes';

/**
 * type-graphql's check for `@Authorized(scope…)`: a caller must be known
 * (UNAUTHENTICATED otherwise) and hold every scope named (FORBIDDEN
 * otherwise, naming what is missing).
 */
export const scopeChecker: AuthChecker<RequestContext, Scope> = ({ context, info }, scopes) => {
  const caller = context.caller;
  if (!caller) throw unauthenticated('an API key is needed: send Authorization: Bearer <key>');
  const missing = scopes.filter((scope) => !caller.scopes.has(scope));
  if (missing.length)
    throw forbidden(
      `${info.parentType.name}.${info.fieldName} needs the ${missing.join(', ')} scope${missing.length > 1 ? 's' : ''}`,
    );
  return true;
};
