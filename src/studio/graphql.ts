import { apiKey } from './auth';

/** One GraphQL error as the API sends it (docs/API.md, Conventions). */
export interface ApiError {
  message: string;
  /** Where in the answer the error arose (the field), when it arose in a field. */
  path?: ReadonlyArray<string | number>;
  extensions?: {
    code?: string;
    /** BAD_USER_INPUT: the place in the input that is wrong, e.g. filter.and.1.behaviour.purchase.within. */
    path?: string;
    [key: string]: unknown;
  };
}

/**
 * A request whose answer carried errors (or no answer at all). The message is
 * the API's, so that what the user reads is what the service said.
 */
export class GraphQLRequestError extends Error {
  constructor(
    readonly errors: ApiError[],
    /** HTTP status; 0 when the service could not be reached. */
    readonly status: number,
  ) {
    super(errors.map(describeError).join('\n'));
    this.name = 'GraphQLRequestError';
  }

  /** The code of the first error (BAD_USER_INPUT, CONFLICT, UNAUTHENTICATED…). */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }

  /** The errors whose input path starts with `prefix` (e.g. "filter.and.1"). */
  at(prefix: string): ApiError[] {
    return this.errors.filter((error) => {
      const path = error.extensions?.path;
      return path !== undefined && (path === prefix || path.startsWith(`${prefix}.`));
    });
  }
}

function describeError(error: ApiError): string {
  const where = error.extensions?.path ?? error.path?.join('.');
  return where ? `${error.message} (at ${where})` : error.message;
}

/** A query with its result and variables types, so that a call is typed end to end. */
export interface Operation<TData, TVariables> {
  query: string;
  /** Phantom fields: never set, they carry the types. */
  readonly __data?: TData;
  readonly __variables?: TVariables;
}

export function operation<TData, TVariables = Record<string, never>>(
  query: string,
): Operation<TData, TVariables> {
  return { query };
}

export const GRAPHQL_ENDPOINT = '/graphql';

/**
 * POSTs one operation to the service's own /graphql and returns its data.
 * Throws GraphQLRequestError on any error in the answer (even beside partial
 * data: a page shows the error rather than half an answer), on a non-JSON
 * answer and when the service cannot be reached. An AbortSignal cancels it.
 */
export async function request<TData, TVariables>(
  op: Operation<TData, TVariables>,
  variables?: TVariables,
  signal?: AbortSignal,
): Promise<TData> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_ENDPOINT, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: op.query, variables: variables ?? {} }),
      signal,
      credentials: 'omit',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new GraphQLRequestError([{ message: 'the service cannot be reached' }], 0);
  }
  let body: { data?: TData | null; errors?: ApiError[] };
  try {
    body = await response.json();
  } catch {
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    throw new GraphQLRequestError(
      [{ message: `the service answered ${response.status} without a GraphQL body` }],
      response.status,
    );
  }
  if (body.errors?.length) throw new GraphQLRequestError(body.errors, response.status);
  if (body.data == null)
    throw new GraphQLRequestError(
      [{ message: `the service answered ${response.status} with no data` }],
      response.status,
    );
  return body.data;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
