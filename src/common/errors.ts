import { enumOf, type NameOf } from './enum-of';

/** The `extensions.code` values of docs/API.md. */
export const ErrorCode = enumOf(
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'INTERNAL_SERVER_ERROR',
  /** Too many requests for this key in the current minute (`retryAfter` seconds, and a Retry-After header). */
  'RATE_LIMITED',
  /** Nested deeper than the depth limit. */
  'QUERY_TOO_DEEP',
  /** More work than the cost limit (connections weighted by `first`). */
  'QUERY_TOO_COSTLY',
  /** A document with more tokens, fields, aliases or repeated names than the document limits, refused before validation. */
  'QUERY_TOO_LARGE',
  /** A statement ran past the database time limit and was stopped. */
  'QUERY_TIMEOUT',
  /** A request body past the size limit. */
  'PAYLOAD_TOO_LARGE',
  // Produced by Apollo Server / graphql-js (or our HTTP layer, for bodies that cannot be read) for malformed requests.
  /** The document is not GraphQL. */
  'GRAPHQL_PARSE_FAILED',
  /** The document does not fit the schema. */
  'GRAPHQL_VALIDATION_FAILED',
  /** The HTTP request is not a GraphQL request (no query, a body that is not JSON, a mutation over GET…). */
  'BAD_REQUEST',
  /** No operation to run: several in the document and no (or an unknown) operationName. */
  'OPERATION_RESOLUTION_FAILURE',
  /** Automatic persisted queries: the hash is not known yet, send the document with it. */
  'PERSISTED_QUERY_NOT_FOUND',
  /** Automatic persisted queries switched off. */
  'PERSISTED_QUERY_NOT_SUPPORTED',
);
export type ErrorCode = NameOf<typeof ErrorCode>;

/** Codes whose message is written for the client and may be shown as is. */
export const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.CONFLICT,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.RATE_LIMITED,
  ErrorCode.QUERY_TOO_DEEP,
  ErrorCode.QUERY_TOO_COSTLY,
  ErrorCode.QUERY_TOO_LARGE,
  ErrorCode.QUERY_TIMEOUT,
  ErrorCode.PAYLOAD_TOO_LARGE,
  // Produced by Apollo Server / graphql-js for malformed requests; their messages carry no internals.
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_REQUEST,
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
]);

/**
 * An error a service means the client to see: a code of docs/API.md, a message
 * written for the client and, for a wrong input, its path. No transport here:
 * server/errors.ts turns it into a GraphQL error, the one place that does.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Written for the client beside the code: the input path, or a limit's figures. */
    readonly details: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * A wrong input. `path` is the place in the input, dotted from the argument
 * name (e.g. `filter.and.1.behaviour.purchase.within`), so a client can point at it.
 */
export function badUserInput(message: string, path?: string): DomainError {
  return new DomainError(ErrorCode.BAD_USER_INPUT, message, path === undefined ? {} : { path });
}

export function notFound(message: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, message);
}

export function conflict(message: string): DomainError {
  return new DomainError(ErrorCode.CONFLICT, message);
}

export function unauthenticated(message: string): DomainError {
  return new DomainError(ErrorCode.UNAUTHENTICATED, message);
}

export function forbidden(message: string, path?: string): DomainError {
  return new DomainError(ErrorCode.FORBIDDEN, message, path === undefined ? {} : { path });
}
