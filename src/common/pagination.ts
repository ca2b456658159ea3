import { badUserInput } from './errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** `first` as docs/API.md defines it: default 50, at most 500, never negative. */
export function pageSize(first: number | null | undefined, path = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (first < 0) throw badUserInput(`${path} must not be negative`, path);
  if (first > MAX_PAGE_SIZE) throw badUserInput(`${path} is at most ${MAX_PAGE_SIZE} (got ${first})`, path);
  return first;
}

/** Cursors are opaque to clients: base64url of the JSON sort key (sort values, then id). */
export function encodeCursor(key: ReadonlyArray<string | number | null>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, arity: number, path = 'after'): Array<string | number | null> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput('after is not a cursor returned by this connection', path);
  }
  if (
    !Array.isArray(key) ||
    key.length !== arity ||
    !key.every((part) => part === null || typeof part === 'string' || (typeof part === 'number' && Number.isFinite(part)))
  ) {
    throw badUserInput('after is not a cursor returned by this connection', path);
  }
  return key as Array<string | number | null>;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

/** Rows were fetched with a limit of `size + 1`: the extra row only says that a next page exists. */
export function toPage<T>(rows: T[], size: number): Page<T> {
  return { items: rows.slice(0, size), hasNextPage: rows.length > size };
}
