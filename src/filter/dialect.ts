import type { Sql } from './sql';
import { sql, template } from './sql';

/**
 * The one place where SQLite and PostgreSQL differ for filters: reading a
 * typed value out of a JSON object column, folding the case of A–Z, and the
 * shape of aggregate criteria that each planner handles best.
 * Each reader yields NULL when the key is absent or holds another type.
 */
export interface FilterDialect {
  name: 'sqlite' | 'postgresql';
  jsonString(column: string, key: string): Sql;
  jsonNumber(column: string, key: string): Sql;
  jsonBoolean(column: string, key: string): Sql;
  jsonHasKey(column: string, key: string): Sql;
  /**
   * Whether counts and totals over a broad population (no selective identity
   * criterion beside them) are better answered as one grouped set than per customer.
   */
  groupBroadAggregates: boolean;
  /** `expression LIKE pattern`, ignoring the case of A–Z only (as the evaluator's foldCase), `\` escaping. */
  likeIgnoringCase(expression: Sql, pattern: string): Sql;
  /** The integer expression held within [low, high]. */
  clamp(expression: Sql, low: number, high: number): Sql;
}

const foldAscii = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

/** SQLite's JSON path for a key; keys are checked against [A-Za-z0-9_.-] so quoting is enough. */
const path = (key: string) => `$."${key}"`;

export const SQLITE_DIALECT: FilterDialect = {
  name: 'sqlite',
  // SQLite answers per-customer aggregates through the (customer_id, time) index fast enough either way.
  groupBroadAggregates: false,
  jsonString: (column, key) => sql(`(case when json_type(${column}, ?) = 'text' then json_extract(${column}, ?) end)`, path(key), path(key)),
  jsonNumber: (column, key) => sql(`(case when json_type(${column}, ?) in ('integer', 'real') then json_extract(${column}, ?) end)`, path(key), path(key)),
  jsonBoolean: (column, key) =>
    sql(`(case json_type(${column}, ?) when 'true' then 1 when 'false' then 0 end)`, path(key)),
  jsonHasKey: (column, key) => sql(`(json_type(${column}, ?) is not null)`, path(key)),
  // SQLite's LIKE already ignores the case of A–Z, and only of those letters.
  likeIgnoringCase: (expression, pattern) => template("$ like $ escape '\\'", expression, sql('?', pattern)),
  // SQLite's scalar max/min of several arguments.
  clamp: (expression, low, high) => template(`max(${Math.trunc(low)}, min(${Math.trunc(high)}, $))`, expression),
};

export const POSTGRESQL_DIALECT: FilterDialect = {
  name: 'postgresql',
  // PostgreSQL cannot decorrelate an aggregate subquery; over a broad population a hashed grouped set wins.
  groupBroadAggregates: true,
  jsonString: (column, key) => sql(`(case when jsonb_typeof(${column} -> cast(? as text)) = 'string' then ${column} ->> cast(? as text) end)`, key, key),
  jsonNumber: (column, key) =>
    sql(`(case when jsonb_typeof(${column} -> cast(? as text)) = 'number' then cast(${column} ->> cast(? as text) as double precision) end)`, key, key),
  jsonBoolean: (column, key) =>
    sql(`(case when jsonb_typeof(${column} -> cast(? as text)) = 'boolean' then (case when ${column} ->> cast(? as text) = 'true' then 1 else 0 end) end)`, key, key),
  jsonHasKey: (column, key) => sql(`(jsonb_typeof(${column} -> cast(? as text)) is not null)`, key),
  // ILIKE folds every letter by the locale's rules, a superset of A–Z folding: it
  // narrows the rows cheaply first, then translate() keeps the A–Z-only meaning.
  likeIgnoringCase: (expression, pattern) => ({
    text:
      `(${expression.text} ilike ? escape '\\' and ` +
      `translate(${expression.text}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') like ? escape '\\')`,
    bindings: [...expression.bindings, pattern, ...expression.bindings, foldAscii(pattern)],
  }),
  clamp: (expression, low, high) => template(`greatest(${Math.trunc(low)}, least(${Math.trunc(high)}, $))`, expression),
};

export function dialectFor(name: string): FilterDialect {
  return name === 'postgresql' || name === 'pg' ? POSTGRESQL_DIALECT : SQLITE_DIALECT;
}
