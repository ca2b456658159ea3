import type { RequestHandler } from 'express';
import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode } from '../common/errors';
import { replyError } from './http-status';

/**
 * What one document may hold before GraphQL validates it. Validation is not
 * linear: graphql-js compares every pair of fields that answer under the same
 * name (OverlappingFieldsCanBeMerged), so 2,000 copies of one aliased field
 * blocked the event loop for 17 s. These bounds are checked by one linear
 * pass over the parsed document, introspection fields included, so that
 * validation only ever sees documents whose pairs are few (measured: the
 * worst document within them validates in about a tenth of a second).
 * Nothing legitimate comes close: the playground's introspection query has
 * 184 tokens and 73 fields, the largest example 137 tokens and 40 fields.
 */
export const DOCUMENT_LIMITS = {
  /** Lexical tokens; the parser stops counting past it, so a huge document costs no more than this. */
  tokens: 10_000,
  /** Fields as written. */
  fields: 500,
  /** Aliased fields: each asks a field again. */
  aliases: 100,
  /** Fields answering under one name (alias, or the field's name): the pairs validation compares. */
  sameName: 50,
  /** Fields of the operations once fragments are expanded: the depth and cost walk visits each. */
  expandedFields: 10_000,
} as const;

export type DocumentLimit = keyof typeof DOCUMENT_LIMITS;

export interface DocumentExcess {
  limit: DocumentLimit;
  message: string;
  figures: Record<string, number>;
}

/** The fields of a selection set once fragments are expanded, saturating past `cap`; a fragment cycle counts nothing (validation refuses it). */
function expandedFields(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  memo: Map<string, number>,
  cap: number,
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      count +=
        1 + (selection.selectionSet ? expandedFields(selection.selectionSet, fragments, memo, cap) : 0);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += expandedFields(selection.selectionSet, fragments, memo, cap);
    } else {
      const name = selection.name.value;
      if (!memo.has(name)) {
        memo.set(name, 0);
        const fragment = fragments.get(name);
        memo.set(name, fragment ? expandedFields(fragment.selectionSet, fragments, memo, cap) : 0);
      }
      count += memo.get(name)!;
    }
    if (count > cap) return cap + 1;
  }
  return count;
}

/** The first document limit a parsed document passes, or null. Linear in the document (each fragment expanded once). */
export function documentExcess(document: DocumentNode): DocumentExcess | null {
  let fields = 0;
  let aliases = 0;
  const byName = new Map<string, number>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  // An explicit stack, not recursion: the nesting guard already bounds the depth, but this stays flat whatever it is.
  const stack: SelectionSetNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if ('selectionSet' in definition && definition.selectionSet) stack.push(definition.selectionSet);
  }
  while (stack.length) {
    for (const selection of stack.pop()!.selections) {
      if (selection.kind === Kind.FIELD) {
        fields += 1;
        if (selection.alias) aliases += 1;
        const name = (selection.alias ?? selection.name).value;
        byName.set(name, (byName.get(name) ?? 0) + 1);
      }
      if ('selectionSet' in selection && selection.selectionSet) stack.push(selection.selectionSet);
    }
  }
  if (fields > DOCUMENT_LIMITS.fields)
    return excess('fields', `the document has ${fields} fields; the limit is ${DOCUMENT_LIMITS.fields}`, {
      fields,
    });
  if (aliases > DOCUMENT_LIMITS.aliases)
    return excess(
      'aliases',
      `the document has ${aliases} aliased fields; the limit is ${DOCUMENT_LIMITS.aliases}`,
      { aliases },
    );
  for (const [name, count] of byName) {
    if (count > DOCUMENT_LIMITS.sameName)
      return excess(
        'sameName',
        `${count} fields of the document answer under the name "${name}"; the limit is ${DOCUMENT_LIMITS.sameName}`,
        { fields: count },
      );
  }
  const memo = new Map<string, number>();
  let expanded = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    expanded += expandedFields(definition.selectionSet, fragments, memo, DOCUMENT_LIMITS.expandedFields);
    if (expanded > DOCUMENT_LIMITS.expandedFields)
      return excess(
        'expandedFields',
        `the operations have more than ${DOCUMENT_LIMITS.expandedFields} fields once fragments are expanded`,
        {},
      );
  }
  return null;
}

function excess(limit: DocumentLimit, message: string, figures: Record<string, number>): DocumentExcess {
  return { limit, message, figures: { ...figures, limit: DOCUMENT_LIMITS[limit] } };
}

/**
 * Whether the document has more tokens than `limit`, counted by graphql-js's
 * own lexer and stopping there (its parser's `maxTokens` says so only in a
 * message). A document that does not lex is left to the parser to explain.
 */
function hasMoreTokensThan(query: string, limit: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    for (let tokens = 0; lexer.advance().kind !== TokenKind.EOF;) if (++tokens > limit) return true;
  } catch {
    return false;
  }
  return false;
}

/**
 * Refuses, as a GraphQL-shaped 400 QUERY_TOO_LARGE, a document past a limit of
 * DOCUMENT_LIMITS, before Apollo validates it. A document that does not parse
 * for any other reason goes on to Apollo, which answers GRAPHQL_PARSE_FAILED
 * with the place of the mistake. Runs after the nesting guard: the parser is
 * recursive.
 */
export function documentLimitsGuard(): RequestHandler {
  return (req, res, next) => {
    const source = req.method === 'GET' ? req.query : req.body;
    for (const entry of Array.isArray(source) ? source : [source]) {
      const query = entry !== null && typeof entry === 'object' ? (entry as { query?: unknown }).query : null;
      if (typeof query !== 'string') continue;
      if (hasMoreTokensThan(query, DOCUMENT_LIMITS.tokens)) {
        return replyError(
          res,
          ErrorCode.QUERY_TOO_LARGE,
          `the document has more than ${DOCUMENT_LIMITS.tokens} tokens`,
          { limit: DOCUMENT_LIMITS.tokens },
        );
      }
      let document: DocumentNode;
      try {
        document = parse(query, { noLocation: true });
      } catch {
        continue;
      }
      const found = documentExcess(document);
      if (found) return replyError(res, ErrorCode.QUERY_TOO_LARGE, found.message, found.figures);
    }
    next();
  };
}
