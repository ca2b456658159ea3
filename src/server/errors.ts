import { GraphQLError, Kind, print, type ASTNode, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { CLIENT_ERROR_CODES, DomainError, ErrorCode } from '../common/errors';
import { isStatementTimeout } from '../db/statement-timeout';
import type { Logger } from '../common/logger';

export type { Logger };

/** A limit of the server was reached: the code says which, `limit` its value (and any other figures a client can act on). */
export function limitReached(
  code: ErrorCode,
  message: string,
  figures: Record<string, number> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...figures } });
}

/** The domain error under the GraphQL error that carries it, wherever graphql-js or Apollo wrapped it. */
function domainErrorOf(error: unknown): DomainError | null {
  let cause = error;
  while (cause instanceof GraphQLError && cause.originalError) cause = cause.originalError;
  return cause instanceof DomainError ? cause : null;
}

/**
 * A scalar's refusal without the refused value: graphql-js's scalars end their
 * message with it ("Int cannot represent non-integer value: "abc"", "Enum
 * "CustomerOrder" cannot represent non-string value: 5."), and an enum names it
 * ("Value "jane@…" does not exist in "CustomerOrder" enum.").
 */
function withoutScalarValue(reason: string): string {
  const represent = /^((?:Enum "\w+"|\w+) cannot represent [^:"]*?value): [\s\S]*$/.exec(reason);
  if (represent) return represent[1];
  return reason.replace(
    /^Value "[\s\S]*?" does not exist in ("\w+" enum\.)/,
    'The value does not exist in $1',
  );
}

/**
 * GraphQL's input coercion quotes the refused value, in variables ("Variable
 * "$c" got invalid value { email: …, lastName: … } at "c[0]"; …") and in
 * literals ("Expected value of type "DateTime", found "jane.doe@…"; …"): a
 * customer's personal data would travel back in the error and on into client
 * logs. The message keeps the variable or type, the place and the reason, never
 * the value. `valueNode` is the literal graphql-js reported, when it did.
 */
export function withoutEchoedInput(message: string, valueNode?: ASTNode): string {
  // A recursion limit of the parser, whatever input reached it: say what it means.
  if (/Maximum call stack size exceeded/.test(message)) return 'the request is nested too deeply to be read';
  const variable = /^(Variable "\$[^"]+") got invalid value [\s\S]*?(?: at "([^"]*)")?; ([^;]*)$/.exec(
    message,
  );
  if (variable)
    return `${variable[1]} has an invalid value${variable[2] ? ` at "${variable[2]}"` : ''}: ${withoutScalarValue(variable[3])}`;
  const literal = /^(Expected value of type "[^"]+"), found /.exec(message);
  if (literal) {
    // What follows "found" is the printed literal: cut by its own text, since the value may hold any "; ".
    const printed = valueNode ? print(valueNode) : null;
    const after = literal[0].length + (printed ?? '').length;
    if (printed !== null && message.startsWith(printed, literal[0].length)) {
      const rest = message.slice(after);
      return rest.startsWith('; ') ? `${literal[1]}: ${withoutScalarValue(rest.slice(2))}` : `${literal[1]}.`;
    }
    return `${literal[1]}.`;
  }
  return withoutScalarValue(message);
}

/** The literal a validation error points at (graphql-js reports the value node first). */
function valueNodeOf(error: unknown): ASTNode | undefined {
  const node = error instanceof GraphQLError ? error.nodes?.[0] : undefined;
  return node && node.kind !== Kind.FIELD && node.kind !== Kind.ARGUMENT ? node : undefined;
}

function isUncodedClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * What a client sees of an error: client errors keep their message, code and
 * input path; anything unexpected is logged here and reaches the client only
 * as "Internal server error" (no stack, no SQL, no driver message).
 */
/** graphql-js's "Did you mean …?" names the schema's fields, arguments, types and enum values. */
function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [\s\S]*$/, '');
}

export interface ErrorFormatOptions {
  /**
   * Keep graphql-js's suggestions of similar names. They follow introspection: where the
   * schema cannot be read, a misspelt field must not read it piecemeal, whoever the caller.
   */
  suggestions: boolean;
}

export function makeErrorFormatter(logger: Logger, options: ErrorFormatOptions = { suggestions: true }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Services throw domain errors (common/errors.ts): this is where they become GraphQL errors with their code.
    const domain = domainErrorOf(error);
    if (domain)
      formatted = {
        ...formatted,
        extensions: { ...formatted.extensions, ...domain.details, code: domain.code },
      };
    let code = formatted.extensions?.code;
    // graphql-js stops coercing variables after 50 errors with an error of its own that Apollo labels an internal error.
    if (
      (code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR) &&
      /^Too many errors processing variables/.test(formatted.message)
    )
      code = ErrorCode.BAD_USER_INPUT;
    // Apollo refuses some malformed requests with a 4xx and no code (an unsupported persisted-query version, a hash that does not match its document).
    if ((code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR) && isUncodedClientError(error))
      code = ErrorCode.BAD_REQUEST;
    if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
      const extensions: Record<string, unknown> = { code };
      // The input path, and the figures of a limit (limit, cost, depth, retryAfter): written for the client.
      for (const key of ['path', 'limit', 'cost', 'depth', 'retryAfter']) {
        if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
      }
      return {
        message: options.suggestions
          ? withoutEchoedInput(formatted.message, valueNodeOf(error))
          : withoutSuggestions(withoutEchoedInput(formatted.message, valueNodeOf(error))),
        locations: formatted.locations,
        path: formatted.path,
        extensions,
      };
    }
    if (isStatementTimeout(unwrapResolverError(error))) {
      return {
        message:
          'a database statement ran past the time limit and was stopped: narrow the question (filter, page size) or ask an operator',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.QUERY_TIMEOUT },
      };
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
