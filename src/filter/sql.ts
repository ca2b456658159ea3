import type { Knex } from '@mikro-orm/knex';

/** A SQL fragment with its bound values, in order: values are never spliced into the text. */
export interface Sql {
  text: string;
  bindings: Knex.Value[];
  /** Known never to be NULL (counts, coalesced sums, NOT NULL columns): no presence test needed. */
  notNull?: boolean;
  /** The operands when this is a chain of one boolean operator, so a chain inside a chain of the same operator joins it. */
  chain?: { operator: 'and' | 'or'; operands: Sql[] };
  /** What this negates, so that a negation of it is that again (NOT NOT x is x, NULL included). */
  negates?: Sql;
}

/** Marks an expression as never NULL. */
export const notNull = (expression: Sql): Sql => ({ ...expression, notNull: true });

export const sql = (text: string, ...bindings: Knex.Value[]): Sql => ({ text, bindings });

export const TRUE: Sql = sql('(1 = 1)');
export const FALSE: Sql = sql('(1 = 0)');

/** Joins fragments: `join(', ', a, b)` keeps each fragment's bindings in place. */
export function joinSql(separator: string, parts: Sql[]): Sql {
  return {
    text: parts.map((part) => part.text).join(separator),
    bindings: parts.flatMap((part) => part.bindings),
  };
}

/**
 * Operands beyond which a chain of and/or/+ is nested as a balanced tree. SQLite
 * parses `a and b and c …` as a left-deep tree whose depth grows with every
 * operand and refuses trees deeper than 1,000 ("Expression tree is too large");
 * a balanced tree of n operands is log2(n) deep. Short chains stay flat, as written.
 */
const FLAT_OPERANDS = 8;

/** `(a op b op …)`, nested in halves past FLAT_OPERANDS so the depth grows with log2 of the count. */
export function balanced(operator: string, parts: Sql[]): Sql {
  if (parts.length <= FLAT_OPERANDS) {
    const joined = joinSql(` ${operator} `, parts);
    return { text: `(${joined.text})`, bindings: joined.bindings };
  }
  const half = Math.ceil(parts.length / 2);
  return balanced(operator, [
    balanced(operator, parts.slice(0, half)),
    balanced(operator, parts.slice(half)),
  ]);
}

/**
 * A chain of `and` or `or`: operands that are chains of the same operator are
 * spliced in (the operators are associative), then nested as a balanced tree.
 * SQLite's parser holds every unfinished parenthesis on a stack of about a
 * hundred entries, so nesting that the meaning does not need is removed.
 */
function chain(operator: 'and' | 'or', parts: Sql[]): Sql {
  const operands = parts.flatMap((part) =>
    part.chain?.operator === operator ? part.chain.operands : [part],
  );
  return { ...balanced(operator, operands), chain: { operator, operands } };
}

export function and(parts: Sql[]): Sql {
  if (parts.length === 0) return TRUE;
  if (parts.length === 1) return parts[0];
  return chain('and', parts);
}

export function or(parts: Sql[]): Sql {
  if (parts.length === 0) return FALSE;
  if (parts.length === 1) return parts[0];
  return chain('or', parts);
}

export function not(part: Sql): Sql {
  if (part.negates) return part.negates;
  return { text: `(not ${part.text})`, bindings: part.bindings, negates: part };
}

/** `text` with each `$` replaced by the next fragment (keeps bindings in order). */
export function template(text: string, ...parts: Sql[]): Sql {
  const pieces = text.split('$');
  if (pieces.length !== parts.length + 1) throw new Error('template arity');
  let out = pieces[0];
  const bindings: Knex.Value[] = [];
  parts.forEach((part, i) => {
    out += part.text + pieces[i + 1];
    bindings.push(...part.bindings);
  });
  return { text: out, bindings };
}

export function placeholders(values: readonly Knex.Value[]): Sql {
  return { text: values.map(() => '?').join(', '), bindings: [...values] };
}

/** LIKE pattern for a literal text: %, _ and the escape character itself lose their meaning. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
