import type { Knex } from '@mikro-orm/knex';

/** A SQL fragment with its bound values, in order: values are never spliced into the text. */
export interface Sql {
  text: string;
  bindings: Knex.Value[];
  /** Known never to be NULL (counts, coalesced sums, NOT NULL columns): no presence test needed. */
  notNull?: boolean;
}

/** Marks an expression as never NULL. */
export const notNull = (expression: Sql): Sql => ({ ...expression, notNull: true });

export const sql = (text: string, ...bindings: Knex.Value[]): Sql => ({ text, bindings });

export const TRUE: Sql = sql('(1 = 1)');
export const FALSE: Sql = sql('(1 = 0)');

/** Joins fragments: `join(', ', a, b)` keeps each fragment's bindings in place. */
export function joinSql(separator: string, parts: Sql[]): Sql {
  return { text: parts.map((part) => part.text).join(separator), bindings: parts.flatMap((part) => part.bindings) };
}

export function and(parts: Sql[]): Sql {
  if (parts.length === 0) return TRUE;
  if (parts.length === 1) return parts[0];
  const joined = joinSql(' and ', parts);
  return { text: `(${joined.text})`, bindings: joined.bindings };
}

export function or(parts: Sql[]): Sql {
  if (parts.length === 0) return FALSE;
  if (parts.length === 1) return parts[0];
  const joined = joinSql(' or ', parts);
  return { text: `(${joined.text})`, bindings: joined.bindings };
}

export function not(part: Sql): Sql {
  return { text: `(not ${part.text})`, bindings: part.bindings };
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
