import type { Sql } from './sql';
import { integerLiteral, placeholders, raw, sql } from './sql';

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
  /**
   * `expression in (values)`, never NULL-safe (a NULL expression yields NULL, as
   * `in` does). A short list is one placeholder a value; a long one is ONE bound
   * parameter read as a set, so lists of the documented length neither exhaust the
   * databases' parameter limits nor build a deep expression tree.
   */
  inList(expression: Sql, values: ReadonlyArray<string | number>): Sql;
}

/** Lists this long are bound as one parameter; shorter ones keep `in (?, ?, …)`, which planners estimate best. */
export const ONE_PARAMETER_LIST = 10;

const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];

const allNumbers = (values: ReadonlyArray<string | number>): values is number[] =>
  values.every((value) => typeof value === 'number');

/** Short lists as placeholders; long ones through `long` with the distinct values. */
function listTest(
  expression: Sql,
  values: ReadonlyArray<string | number>,
  long: (values: Array<string | number>) => Sql,
): Sql {
  const unique = distinct(values);
  if (unique.length < ONE_PARAMETER_LIST) return sql`${expression} in (${placeholders(unique)})`;
  return sql`${expression} ${long(unique)}`;
}

/**
 * SQLite reads a long list from a JSON array with json_each. Strings travel
 * hex-encoded as their UTF-8 bytes and come back through unhex: exactly the
 * bytes a bound string has (a NUL, or a lone surrogate the driver encodes as
 * U+FFFD, included), where JSON's own escapes would decode differently.
 * Compared as text under the column's BINARY collation, as `=` is.
 */
function sqliteList(values: Array<string | number>): Sql {
  if (allNumbers(values)) return sql`in (select value from json_each(${JSON.stringify(values)}))`;
  const hex = values.map((value) => Buffer.from(String(value), 'utf8').toString('hex'));
  return sql`in (select cast(unhex(value) as text) from json_each(${JSON.stringify(hex)}))`;
}

/** A PostgreSQL array literal of texts: every element quoted, `"` and `\` escaped. */
const textArray = (values: Array<string | number>) =>
  `{${values.map((value) => `"${String(value).replace(/["\\]/g, (char) => `\\${char}`)}"`).join(',')}}`;

function postgresqlList(values: Array<string | number>): Sql {
  if (allNumbers(values)) {
    const type = raw(values.every(Number.isSafeInteger) ? 'bigint[]' : 'double precision[]');
    return sql`= any(cast(${`{${values.map((value) => String(value)).join(',')}}`} as ${type}))`;
  }
  return sql`= any(cast(${textArray(values)} as text[]))`;
}

const foldAscii = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

/** SQLite's JSON path for a key; keys are checked against [A-Za-z0-9_.-] so quoting is enough. */
const path = (key: string) => `$."${key}"`;

/** SQLite's `json_type` and `json_extract` of a key of a JSON column, the path bound. */
const jsonType = (column: string, key: string) => sql`json_type(${raw(column)}, ${path(key)})`;
const jsonExtract = (column: string, key: string) => sql`json_extract(${raw(column)}, ${path(key)})`;

/** The bounds of a clamp, written as integer literals so the result stays an integer. */
const bounds = (low: number, high: number) => [
  integerLiteral(Math.trunc(low)),
  integerLiteral(Math.trunc(high)),
];

export const SQLITE_DIALECT: FilterDialect = {
  name: 'sqlite',
  // SQLite answers per-customer aggregates through the (customer_id, time) index fast enough either way.
  groupBroadAggregates: false,
  jsonString: (column, key) =>
    sql`(case when ${jsonType(column, key)} = 'text' then ${jsonExtract(column, key)} end)`,
  jsonNumber: (column, key) =>
    sql`(case when ${jsonType(column, key)} in ('integer', 'real') then ${jsonExtract(column, key)} end)`,
  jsonBoolean: (column, key) =>
    sql`(case ${jsonType(column, key)} when 'true' then 1 when 'false' then 0 end)`,
  jsonHasKey: (column, key) => sql`(${jsonType(column, key)} is not null)`,
  // SQLite's LIKE already ignores the case of A–Z, and only of those letters.
  likeIgnoringCase: (expression, pattern) => sql`${expression} like ${pattern} escape '\\'`,
  // SQLite's scalar max/min of several arguments.
  clamp: (expression, low, high) => {
    const [min, max] = bounds(low, high);
    return sql`max(${min}, min(${max}, ${expression}))`;
  },
  inList: (expression, values) => listTest(expression, values, sqliteList),
};

/** `column -> key` of a jsonb column, the key bound as text. */
const jsonbField = (column: string, key: string) => sql`${raw(column)} -> cast(${key} as text)`;
/** `column ->> key`: the field's value as text. */
const jsonbText = (column: string, key: string) => sql`${raw(column)} ->> cast(${key} as text)`;

export const POSTGRESQL_DIALECT: FilterDialect = {
  name: 'postgresql',
  // PostgreSQL cannot decorrelate an aggregate subquery; over a broad population a hashed grouped set wins.
  groupBroadAggregates: true,
  jsonString: (column, key) =>
    sql`(case when jsonb_typeof(${jsonbField(column, key)}) = 'string' then ${jsonbText(column, key)} end)`,
  jsonNumber: (column, key) =>
    sql`(case when jsonb_typeof(${jsonbField(column, key)}) = 'number'
          then cast(${jsonbText(column, key)} as double precision) end)`,
  jsonBoolean: (column, key) =>
    sql`(case when jsonb_typeof(${jsonbField(column, key)}) = 'boolean'
          then (case when ${jsonbText(column, key)} = 'true' then 1 else 0 end) end)`,
  jsonHasKey: (column, key) => sql`(jsonb_typeof(${jsonbField(column, key)}) is not null)`,
  // ILIKE folds every letter by the locale's rules, a superset of A–Z folding: it
  // narrows the rows cheaply first, then translate() keeps the A–Z-only meaning.
  likeIgnoringCase: (expression, pattern) =>
    sql`(${expression} ilike ${pattern} escape '\\'
         and translate(${expression}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
             like ${foldAscii(pattern)} escape '\\')`,
  clamp: (expression, low, high) => {
    const [min, max] = bounds(low, high);
    return sql`greatest(${min}, least(${max}, ${expression}))`;
  },
  inList: (expression, values) => listTest(expression, values, postgresqlList),
};

export function dialectFor(name: string): FilterDialect {
  return name === 'postgresql' || name === 'pg' ? POSTGRESQL_DIALECT : SQLITE_DIALECT;
}
