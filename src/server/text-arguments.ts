import type { MiddlewareFn } from 'type-graphql';
import { badUserInput } from '../common/errors';
import { TEXT_CHECKED_PER_ITEM, findUnstorableText } from '../common/text';
import type { RequestContext } from '../graphql/context';

/**
 * Every argument of every field passes here before its resolver runs, so no
 * resolver has to remember it: text that no store keeps as written (a NUL,
 * a lone surrogate, common/text.ts) is BAD_USER_INPUT at its input path,
 * instead of a driver error (500) on PostgreSQL or a silent U+FFFD. Fields
 * marked TEXT_CHECKED_PER_ITEM (ingestion batches) check each item instead,
 * so that one bad item does not cost the rest of the batch.
 */
export const textArgumentsGuard: MiddlewareFn<RequestContext> = ({ args, info }, next) => {
  if (
    args &&
    Object.keys(args).length &&
    !info.parentType.getFields()[info.fieldName]?.extensions?.[TEXT_CHECKED_PER_ITEM]
  ) {
    const found = findUnstorableText(args, '');
    if (found) throw badUserInput(`${found.path} ${found.reason}`, found.path);
  }
  return next();
};
