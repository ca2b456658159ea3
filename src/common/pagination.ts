import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
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
/**
 * A bound on the work spent reading a forged cursor: a cursor of two
 * 255-character names, each character escaped, sealed and in base64url, is
 * under 6,000 characters.
 */
const MAX_CURSOR_LENGTH = 8192;
const MAX_TEXT_VALUE = 1024;

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/**
 * The sealed text is padded to a whole number of blocks of this size: a
 * cursor's length says nothing of the values in it, unless they are names
 * longer than a block, and name order is only for callers who read names.
 */
const BLOCK_BYTES = 128;

/**
 * The key cursors are sealed with. A random one per process unless
 * CURSOR_SECRET sets it (createApp): cursors then survive a restart and page
 * on every instance. One key for the process, not per request, because a
 * cursor is made where a connection is shaped, far from any context.
 */
let cursorKey: Buffer = randomBytes(32);

/** Seals cursors with a key derived from `secret` (CURSOR_SECRET) from now on; cursors sealed before are refused. */
export function useCursorSecret(secret: string): void {
  cursorKey = Buffer.from(hkdfSync('sha256', secret, 'segments', 'cursor sealing key', 32));
}

/**
 * Cursors are opaque to clients and cannot be made by them: the JSON array
 * `[ordering, ...sort values, id]`, padded to whole blocks and sealed with
 * AES-256-GCM (a fresh nonce each time), in base64url. A cursor of names
 * shows no name, and a changed or made-up one is refused as a whole.
 */
export function encodeCursor(format: CursorFormat, position: CursorPosition): string {
  return sealCursor(JSON.stringify([format.ordering, ...position.values, position.id]));
}

/** The sealing of encodeCursor, for any text (tests seal malformed keys with it, as an older version might have). */
export function sealCursor(text: string): string {
  const json = Buffer.from(text, 'utf8');
  // JSON ignores trailing spaces: the padding needs no length to be removed.
  const padded = Buffer.alloc(Math.ceil(json.length / BLOCK_BYTES) * BLOCK_BYTES || BLOCK_BYTES, ' ');
  json.copy(padded);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cursorKey, nonce);
  const sealed = Buffer.concat([cipher.update(padded), cipher.final()]);
  return Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The plain text of a cursor this process's key sealed (padding included), or null for anything else. */
export function openCursor(cursor: string): string | null {
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length < NONCE_BYTES + BLOCK_BYTES + TAG_BYTES) return null;
  if ((bytes.length - NONCE_BYTES - TAG_BYTES) % BLOCK_BYTES !== 0) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cursorKey, bytes.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    return null;
  }
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
  const plain = openCursor(cursor);
  if (plain === null) throw refuse();
  // Sealed by this service, so well-formed; checked all the same, as a cursor of another version might not be.
  let key: unknown;
  try {
    key = JSON.parse(plain);
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
