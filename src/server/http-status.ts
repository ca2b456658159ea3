import type { ApolloServerPlugin } from '@apollo/server';
import type { Response } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../common/errors';

/**
 * The HTTP status of each error code the service answers with, whether the
 * error comes from GraphQL (the plugin below) or from the HTTP layer before it
 * (replyError). The README's table of codes is checked against this one.
 */
export const HTTP_STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.GRAPHQL_PARSE_FAILED]: 400,
  [ErrorCode.GRAPHQL_VALIDATION_FAILED]: 400,
  [ErrorCode.BAD_REQUEST]: 400,
  [ErrorCode.OPERATION_RESOLUTION_FAILURE]: 400,
  [ErrorCode.QUERY_TOO_DEEP]: 400,
  [ErrorCode.QUERY_TOO_COSTLY]: 400,
  [ErrorCode.QUERY_TOO_LARGE]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
  [ErrorCode.QUERY_TIMEOUT]: 503,
  // Automatic persisted queries: not a failure but the protocol asking for the document, which
  // clients send at once; Apollo answers these with 200 (and no-cache) and so do we.
  [ErrorCode.PERSISTED_QUERY_NOT_FOUND]: 200,
  [ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED]: 200,
};

export function statusOfCode(code: unknown): number {
  // A code outside the table cannot come out of the error formatter; if one ever does, it is our fault.
  return typeof code === 'string' && code in HTTP_STATUS_OF_CODE
    ? HTTP_STATUS_OF_CODE[code as ErrorCode]
    : 500;
}

/**
 * One status for an answer with several errors: the largest status among them.
 * So a server error (5xx) outranks any client error, and among client errors the
 * rule is deterministic whatever order the errors were raised in (429 > 413 >
 * 409 > 404 > 403 > 401 > 400). Undefined when there is no error.
 */
export function statusOfErrors(
  errors: ReadonlyArray<Pick<GraphQLFormattedError, 'extensions'>> | undefined,
): number | undefined {
  if (!errors?.length) return undefined;
  return Math.max(...errors.map((error) => statusOfCode(error.extensions?.code)));
}

/** RFC 9110: a 401 names the scheme that would be accepted. */
function challenge(status: number): Record<string, string> {
  return status === 401 ? { 'www-authenticate': 'Bearer' } : {};
}

/**
 * Sets the HTTP status of GraphQL answers from their errors' codes (after the
 * error formatter, so what the client reads decides). The status stays 4xx even
 * when some data comes back beside the errors: a client that checks only the
 * status still learns that part of its request failed. Apollo's own, more
 * specific statuses for malformed HTTP (405 for a mutation over GET, with
 * Allow: POST) are kept.
 */
export function httpStatusPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          const status = statusOfErrors(errors);
          if (status === undefined) return;
          const set = response.http.status;
          response.http.status =
            set !== undefined && set >= 400 && set < 500 && status >= 400 && status < 500
              ? Math.max(set, status)
              : status;
          for (const [name, value] of Object.entries(challenge(response.http.status)))
            response.http.headers.set(name, value);
        },
      };
    },
  };
}

/**
 * An error answered before GraphQL runs (authentication, rate limit, body
 * size, nesting), in GraphQL's shape, with its code's status unless the
 * situation calls for a more precise one.
 */
export function replyError(
  res: Response,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  status: number = HTTP_STATUS_OF_CODE[code],
): void {
  res.set(challenge(status));
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}
