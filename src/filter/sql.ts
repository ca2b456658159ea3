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

/** A value bound to a `?` of the text. Objects and arrays are not values: an object interpolated into `sql` is a fragment. */
export type SqlValue = string | number | boolean | null | Date | Buffer;

const isSql = (part: Sql | SqlValue): part is Sql =>
  typeof part === 'object' &&
  part !== null &&
  typeof (part as Sql).text === 'string' &&
  Array.isArray((part as Sql).bindings);

/**
 * Text written by the code must hold no `?` (nor knex's `??`): every
 * placeholder comes from a value put in its place, so no binding can be
 * listed apart from its text and drift.
 */
function trusted(text: string): string {
  if (text.includes('?')) throw new Error(`SQL text holds a placeholder of its own: ${text}`);
  return text;
}

/**
 * A fragment written as a tagged template: `sql\`c.country = ${value}\``.
 * An interpolated fragment (`Sql`) is spliced in with its bindings; any other
 * interpolated value becomes a `?` bound to it, in place, so the bindings are
 * in the order of their placeholders by construction. Identifiers and other
 * text the code chooses are spliced with `raw`, numbers the database must see
 * as literals with `integerLiteral`.
 */
export function sql(strings: TemplateStringsArray, ...parts: Array<Sql | SqlValue>): Sql {
  let text = trusted(strings[0]);
  const bindings: Knex.Value[] = [];
  parts.forEach((part, i) => {
    if (part === undefined) throw new Error(`undefined value in SQL after: ${text}`);
    if (isSql(part)) {
      text += part.text;
      bindings.push(...part.bindings);
    } else {
      text += '?';
      bindings.push(part);
    }
    text += trusted(strings[i + 1]);
  });
  return { text, bindings };
}

/**
 * Text the code chose (a column name, an alias, a keyword), spliced as it is:
 * never a value that came from a request, which goes into `sql` as a value.
 */
export const raw = (text: string): Sql => ({ text: trusted(text), bindings: [] });

/**
 * An integer written into the text rather than bound: where the database must
 * type an expression from it (`case … then 10`, clamp bounds), or a LIMIT.
 */
export function integerLiteral(value: number): Sql {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer literal: ${value}`);
  return raw(String(value));
}

export const TRUE: Sql = sql`(1 = 1)`;
export const FALSE: Sql = sql`(1 = 0)`;

/** Joins fragments: `joinSql(', ', [a, b])` keeps each fragment's bindings in place. */
export function joinSql(separator: string, parts: Sql[]): Sql {
  return {
    text: parts.map((part) => part.text).join(trusted(separator)),
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
    return sql`(${joinSql(` ${operator} `, parts)})`;
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
  return { ...sql`(not ${part})`, negates: part };
}

/** `?, ?, …` bound to the values in order: a list to splice into `sql`, as in `in (${placeholders(ids)})`. */
export function placeholders(values: readonly Knex.Value[]): Sql {
  return { text: values.map(() => '?').join(', '), bindings: [...values] };
}

/** LIKE pattern for a literal text: %, _ and the escape character itself lose their meaning. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
