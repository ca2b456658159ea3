/**
 * Text a store cannot keep as written. PostgreSQL refuses U+0000 in text and
 * jsonb (the whole statement fails), and both stores encode text as UTF-8, in
 * which a lone UTF-16 surrogate has no encoding: the driver writes U+FFFD
 * instead, so what is read back differs from what was sent and a replay is
 * never recognised as one. Such text is refused where it enters, never stored.
 */
// U+0000, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- U+0000 is the very character refused here.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text cannot be stored, or null when it can. */
export function unstorableText(text: string): string | null {
  const match = UNSTORABLE.exec(text);
  if (!match) return null;
  return match[0] === '\u0000'
    ? 'contains a NUL character (U+0000)'
    : 'contains a lone UTF-16 surrogate (not a Unicode character)';
}

/**
 * The first unstorable string in a value (strings, keys, arrays, plain
 * objects), with its dotted path from `path`; null when there is none.
 * Iterative, so a deeply nested value cannot exhaust the stack.
 */
export function findUnstorableText(value: unknown, path: string): { path: string; reason: string } | null {
  const stack: Array<[unknown, string]> = [[value, path]];
  while (stack.length) {
    const [current, at] = stack.pop()!;
    if (typeof current === 'string') {
      const reason = unstorableText(current);
      if (reason) return { path: at, reason };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], `${at}.${i}`]);
    } else if (current !== null && typeof current === 'object' && !(current instanceof Date)) {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const reason = unstorableText(key);
        const childPath = at === '' ? key : `${at}.${key}`;
        if (reason) return { path: childPath, reason: `key ${reason}` };
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}

/**
 * A field extension for arguments whose text is checked item by item where
 * they are used (ingestion batches: one bad item is rejected, the rest are
 * stored), so the request-wide check leaves them alone.
 */
export const TEXT_CHECKED_PER_ITEM = 'textCheckedPerItem';
