import type { RequestHandler } from 'express';
import { ErrorCode } from '../common/errors';
import { replyError } from './http-status';

/**
 * Parsing, validating and coercing GraphQL are recursive: a document or a
 * variable nested thousands of levels deep would exhaust the stack before any
 * limit of ours could look at it. Nothing legitimate comes close (fields nest
 * at most `MAX_QUERY_DEPTH`, a filter holds at most 200 nodes), so anything
 * nested deeper than this is refused before GraphQL sees it.
 */
export const MAX_INPUT_NESTING = 256;

/** Deepest nesting of brackets ({ [ () in GraphQL or JSON text, outside strings and comments; counted without recursion. */
export function textNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        i = end < 0 ? text.length : end + 2;
        continue;
      }
      for (i += 1; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i += 1;
    } else if (char === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (char === '{' || char === '[' || char === '(') {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (char === '}' || char === ']' || char === ')') {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/** Deepest nesting of a parsed JSON value (objects and arrays), counted without recursion. */
export function valueNesting(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    if (inner > MAX_INPUT_NESTING) return inner;
    for (const child of Object.values(current)) stack.push([child, inner]);
  }
  return deepest;
}

/** Refuses, as a GraphQL-shaped 400, documents and variables nested past MAX_INPUT_NESTING (GET and POST). */
export function inputNestingGuard(): RequestHandler {
  return (req, res, next) => {
    const source = req.method === 'GET' ? req.query : req.body;
    const entries = Array.isArray(source) ? source : [source];
    for (const entry of entries) {
      if (entry === null || typeof entry !== 'object') continue;
      const { query, variables, extensions } = entry as Record<string, unknown>;
      if (typeof query === 'string' && textNesting(query) > MAX_INPUT_NESTING) {
        return replyError(
          res,
          ErrorCode.QUERY_TOO_DEEP,
          `the document nests brackets deeper than ${MAX_INPUT_NESTING} levels`,
          { limit: MAX_INPUT_NESTING },
        );
      }
      for (const [name, value] of [
        ['variables', variables],
        ['extensions', extensions],
      ] as const) {
        const nesting = typeof value === 'string' ? textNesting(value) : valueNesting(value);
        if (nesting > MAX_INPUT_NESTING) {
          return replyError(
            res,
            ErrorCode.BAD_USER_INPUT,
            `the ${name} nest deeper than ${MAX_INPUT_NESTING} levels`,
            { limit: MAX_INPUT_NESTING },
          );
        }
      }
    }
    next();
  };
}
