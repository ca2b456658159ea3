import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { CLIENT_ERROR_CODES, ErrorCode } from '../common/errors';

export type Logger = Pick<Console, 'error' | 'warn' | 'info'>;

/**
 * What a client sees of an error: client errors keep their message, code and
 * input path; anything unexpected is logged here and reaches the client only
 * as "Internal server error" (no stack, no SQL, no driver message).
 */
export function makeErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
      const extensions: Record<string, unknown> = { code };
      if (formatted.extensions?.path !== undefined) extensions.path = formatted.extensions.path;
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    logger.error('unexpected error:', unwrapResolverError(error));
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
