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

/**
 * The SQL type a sort value is compared with. PostgreSQL types a bound
 * parameter from the column it meets, so a forged `1.5` against a bigint or
 * `1e300` against an int would fail in the database: each value is checked
 * against its type here, before any statement is built.
 */
export type CursorValueType = 'bigint' | 'int' | 'double' | 'text';

/**
 * What a cursor was made for. `ordering` names the connection's kind and its
 * order (`customers:LIFETIME_REVENUE:DESC`): a cursor is a position in that
 * order only, so one made under another is refused instead of paging from a
 * meaningless place. `values` are the sort values' types, before the id.
 */
export interface CursorFormat {
  ordering: string;
  values: readonly CursorValueType[];
}

export interface CursorPosition {
  values: Array<string | number>;
  id: number;
}

/** Ids are `serial` on PostgreSQL: positive 32-bit integers. */
const MAX_ID = 2_147_483_647;
const INT_RANGE = { min: -2_147_483_648, max: 2_147_483_647 };
/** Ten times the longest sort value (a 255-character name, escaped): a bound on the work spent reading a forged cursor. */
const MAX_CURSOR_LENGTH = 4096;
const MAX_TEXT_VALUE = 1024;

/**
 * Cursors are opaque to clients: base64url of the JSON array
 * `[ordering, ...sort values, id]`. Encoding and decoding live here only, so
 * signing them later changes this file and nothing else.
 */
export function encodeCursor(format: CursorFormat, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([format.ordering, ...position.values, position.id]), 'utf8').toString(
    'base64url',
  );
}

function fitsType(value: unknown, type: CursorValueType): boolean {
  switch (type) {
    case 'bigint':
      return Number.isSafeInteger(value);
    case 'int':
      return (
        Number.isSafeInteger(value) &&
        (value as number) >= INT_RANGE.min &&
        (value as number) <= INT_RANGE.max
      );
    case 'double':
      return typeof value === 'number' && Number.isFinite(value);
    case 'text':
      // PostgreSQL text cannot hold NUL.
      return typeof value === 'string' && value.length <= MAX_TEXT_VALUE && !value.includes('\u0000');
  }
}

/** The position a cursor holds, if it was made under `format`; anything else is BAD_USER_INPUT at `path`. */
export function decodeCursor(format: CursorFormat, cursor: string, path = 'after'): CursorPosition {
  const refuse = () =>
    badUserInput(
      `${path} is not a valid cursor for this ordering: pass a cursor this connection returned under the same orderBy`,
      path,
    );
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw refuse();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(key) || key.length !== format.values.length + 2 || key[0] !== format.ordering)
    throw refuse();
  const values = key.slice(1, -1);
  const id = key[key.length - 1];
  if (!values.every((value, i) => fitsType(value, format.values[i]))) throw refuse();
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ID) throw refuse();
  return { values: values as Array<string | number>, id: id as number };
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

/** Rows were fetched with a limit of `size + 1`: the extra row only says that a next page exists. */
export function toPage<T>(rows: T[], size: number): Page<T> {
  return { items: rows.slice(0, size), hasNextPage: rows.length > size };
}
