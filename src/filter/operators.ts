import { DAY_MS } from '../common/dates';
import { OPERATOR } from '../common/descriptions';
import type { FilterDialect } from './dialect';
import { and, FALSE, likeLiteral, not, raw, sql, TRUE, type Sql } from './sql';

/**
 * The operators of the scalar filters (StringFilter, IntFilter, FloatFilter,
 * DateTimeFilter), one record each: what its operand is, its SQL, its meaning
 * for the reference evaluator, its words and its API description. The filter
 * types (types.ts), the GraphQL inputs (saved-filters/filter.inputs.ts), the
 * compiler, the evaluator and the description all read these tables, so
 * an operator is added or changed in one place; the differential test holds
 * each record's SQL to its meaning.
 *
 * A missing value (NULL) fails every operator that tests the value; the ones
 * that deny a test (ne, notIn) hold on it, and isNull says which it wants.
 */

/** What an operator takes, and its type in the filter as plain data. */
export interface OperandTypes {
  text: string;
  texts: string[];
  int: number;
  ints: number[];
  float: number;
  instant: Date;
  days: number;
  boolean: boolean;
}
export type OperandShape = keyof OperandTypes;

/**
 * Where an operator's SQL stands: the tested expression, and the polarity of
 * the node (see compile.ts): positive under an even number of NOTs, where a
 * NULL test may stay NULL; otherwise the test must be two-valued. Only
 * operators that count days back (withinLastDays) read `asOf`.
 */
export interface OperatorPlace {
  expression: Sql;
  positive: boolean;
  dialect: FilterDialect;
  asOf?: Date;
}

export interface Operator<S extends OperandShape, T> {
  operand: S;
  sql(operand: OperandTypes[S], place: OperatorPlace): Sql;
  /** The reference meaning for one value, null when it is missing. */
  matches(value: T | null, operand: OperandTypes[S], asOf?: Date): boolean;
  /** The condition in plain words about `subject`: `age ≥ 30`. */
  words(subject: string, operand: OperandTypes[S]): string;
  /** What the API documentation says of it. */
  description: string;
}

/** An operator on counts also says how many times: `at least 3 times`. */
export interface CountOperator<S extends OperandShape> extends Operator<S, number> {
  times(operand: OperandTypes[S]): string;
}

/** A table's filter as plain data: each operator optional, with its operand. */
export type FilterOf<Table extends Record<string, Operator<OperandShape, never>>> = {
  [Name in keyof Table]?: OperandTypes[Table[Name]['operand']] | null;
};

/**
 * A positive test on a possibly-NULL expression. With positive polarity it
 * stays as written; otherwise NULL (missing) is turned into FALSE: a plain
 * column as `col is not null and …`, a computed expression (JSON read)
 * evaluated once, inside coalesce.
 */
export function present(expression: Sql, test: Sql, positive: boolean): Sql {
  if (expression.notNull || positive) return test;
  if (/^[a-z]+\.[a-z_0-9]+$/.test(expression.text)) return sql`(${expression} is not null and ${test})`;
  return sql`coalesce(${test}, 1 = 0)`;
}

/** `expression operator ?` with the value bound. */
export const compare = (expression: Sql, operator: string, value: string | number | boolean): Sql =>
  sql`${expression} ${raw(operator)} ${value}`;

/** Case folding of contains/startsWith: the letters A–Z, the same on every database. */
export function foldCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

interface TestSpec<S extends OperandShape, T> {
  /** The test on a present value; FALSE when nothing can pass (an empty list). */
  test(operand: OperandTypes[S], place: OperatorPlace): Sql;
  passes(value: T, operand: OperandTypes[S]): boolean;
  words(subject: string, operand: OperandTypes[S]): string;
  description: string;
}

/** Holds when the value is present and passes the test. */
function whenPresent<S extends OperandShape, T>(operand: S, spec: TestSpec<S, T>): Operator<S, T> {
  return {
    operand,
    sql(value, place) {
      const test = spec.test(value, place);
      return test === FALSE ? FALSE : present(place.expression, test, place.positive);
    },
    matches: (value, operandValue) => value !== null && spec.passes(value, operandValue),
    words: spec.words,
    description: spec.description,
  };
}

/** Holds unless the value is present and passes the test: a missing value satisfies it. */
function unlessPresent<S extends OperandShape, T>(operand: S, spec: TestSpec<S, T>): Operator<S, T> {
  return {
    operand,
    sql(value, place) {
      const test = spec.test(value, place);
      return test === FALSE ? TRUE : not(present(place.expression, test, !place.positive));
    },
    matches: (value, operandValue) => !(value !== null && spec.passes(value, operandValue)),
    words: spec.words,
    description: spec.description,
  };
}

/** How operands are written in words (describe.ts writes the rest of a filter alike). */
export const quote = (text: string) => JSON.stringify(text);
export const list = (values: readonly (string | number)[]) => `(${values.join(', ')})`;
export const iso = (date: Date) => date.toISOString();

const inList = (values: Array<string | number>, place: OperatorPlace) =>
  values.length ? place.dialect.inList(place.expression, values) : FALSE;

/** isNull, two-valued by itself on every type. */
function isNull<T>(): Operator<'boolean', T> {
  return {
    operand: 'boolean',
    sql: (wanted, { expression }) =>
      wanted ? sql`(${expression} is null)` : sql`(${expression} is not null)`,
    matches: (value, wanted) => (wanted ? value === null : value !== null),
    words: (subject, wanted) => (wanted ? `${subject} is unknown` : `${subject} is known`),
    description: OPERATOR.isNull,
  };
}

const like = (pattern: string, place: OperatorPlace) =>
  place.dialect.likeIgnoringCase(place.expression, pattern);

export const STRING_OPERATORS = {
  eq: whenPresent('text', {
    test: (operand, place) => compare(place.expression, '=', operand),
    passes: (value: string, operand) => value === operand,
    words: (subject, operand) => `${subject} = ${quote(operand)}`,
    description: OPERATOR.eq,
  }),
  ne: unlessPresent('text', {
    test: (operand, place) => compare(place.expression, '=', operand),
    passes: (value: string, operand) => value === operand,
    words: (subject, operand) => `${subject} ≠ ${quote(operand)}`,
    description: OPERATOR.ne,
  }),
  in: whenPresent('texts', {
    test: inList,
    passes: (value: string, operand) => operand.includes(value),
    words: (subject, operand) => `${subject} in ${list(operand)}`,
    description: OPERATOR.in,
  }),
  notIn: unlessPresent('texts', {
    test: inList,
    passes: (value: string, operand) => operand.includes(value),
    words: (subject, operand) => `${subject} not in ${list(operand)}`,
    description: OPERATOR.notIn,
  }),
  contains: whenPresent('text', {
    test: (operand, place) => like(`%${likeLiteral(operand)}%`, place),
    passes: (value: string, operand) => foldCase(value).includes(foldCase(operand)),
    words: (subject, operand) => `${subject} contains ${quote(operand)}`,
    description: 'Contains this text, ignoring the case of A–Z; % and _ are literal.',
  }),
  startsWith: whenPresent('text', {
    test: (operand, place) => like(`${likeLiteral(operand)}%`, place),
    passes: (value: string, operand) => foldCase(value).startsWith(foldCase(operand)),
    words: (subject, operand) => `${subject} starts with ${quote(operand)}`,
    description: 'Starts with this text, ignoring the case of A–Z; % and _ are literal.',
  }),
  isNull: isNull<string>(),
};

interface OrderSpec {
  sql: '>' | '>=' | '<' | '<=';
  symbol: string;
  passes(value: number, bound: number): boolean;
  times(bound: number): string;
  description: string;
}

/** An order between numbers, in words as a comparison and as a count. */
function order<S extends 'int' | 'float'>(operand: S, spec: OrderSpec): CountOperator<S> {
  return {
    ...whenPresent<S, number>(operand, {
      test: (bound, place) => compare(place.expression, spec.sql, bound),
      passes: spec.passes,
      words: (subject, bound) => `${subject} ${spec.symbol} ${bound}`,
      description: spec.description,
    }),
    times: spec.times,
  };
}

/** The comparisons that IntFilter and FloatFilter share, on whole or any numbers. */
function comparisons<S extends 'int' | 'float'>(operand: S) {
  const equals = {
    test: (value: number, place: OperatorPlace) => compare(place.expression, '=', value),
    passes: (value: number, wanted: number) => value === wanted,
  };
  return {
    eq: {
      ...whenPresent<S, number>(operand, {
        ...equals,
        words: (subject, value) => `${subject} = ${value}`,
        description: OPERATOR.eq,
      }),
      times: (value: number) => `exactly ${value} times`,
    },
    ne: {
      ...unlessPresent<S, number>(operand, {
        ...equals,
        words: (subject, value) => `${subject} ≠ ${value}`,
        description: OPERATOR.ne,
      }),
      times: (value: number) => `not exactly ${value} times`,
    },
    gt: order(operand, {
      sql: '>',
      symbol: '>',
      passes: (value, bound) => value > bound,
      times: (bound) => `more than ${bound} times`,
      description: OPERATOR.gt,
    }),
    gte: order(operand, {
      sql: '>=',
      symbol: '≥',
      passes: (value, bound) => value >= bound,
      times: (bound) => `at least ${bound} times`,
      description: OPERATOR.gte,
    }),
    lt: order(operand, {
      sql: '<',
      symbol: '<',
      passes: (value, bound) => value < bound,
      times: (bound) => `fewer than ${bound} times`,
      description: OPERATOR.lt,
    }),
    lte: order(operand, {
      sql: '<=',
      symbol: '≤',
      passes: (value, bound) => value <= bound,
      times: (bound) => `at most ${bound} times`,
      description: OPERATOR.lte,
    }),
  };
}

export const FLOAT_OPERATORS = { ...comparisons('float'), isNull: isNull<number>() };

export const INT_OPERATORS = {
  ...comparisons('int'),
  in: {
    ...whenPresent('ints', {
      test: inList,
      passes: (value: number, operand) => operand.includes(value),
      words: (subject, operand) => `${subject} in ${list(operand)}`,
      description: OPERATOR.in,
    }),
    times: (values: number[]) => `${list(values)} times`,
  },
  isNull: {
    ...isNull<number>(),
    times: (wanted: boolean) => (wanted ? 'a number of times that is unknown' : 'any number of times'),
  },
};

/**
 * Both number tables in one: a FloatFilter is an IntFilter without `in`, so
 * reading a FloatFilter through the int table finds its operators alike.
 */
export const NUMBER_OPERATORS = INT_OPERATORS;

/** Dates are compared as epoch milliseconds, as they are stored. */
export const DATE_OPERATORS = {
  before: whenPresent('instant', {
    test: (operand, place) => compare(place.expression, '<', operand.getTime()),
    passes: (value: number, operand) => value < operand.getTime(),
    words: (subject, operand) => `${subject} before ${iso(operand)}`,
    description: 'Strictly before this instant.',
  }),
  after: whenPresent('instant', {
    test: (operand, place) => compare(place.expression, '>', operand.getTime()),
    passes: (value: number, operand) => value > operand.getTime(),
    words: (subject, operand) => `${subject} after ${iso(operand)}`,
    description: 'Strictly after this instant.',
  }),
  /**
   * [asOf − N days, asOf]. Only the first bound needs the presence test: a
   * NULL second bound meets its FALSE under AND.
   */
  withinLastDays: {
    operand: 'days',
    sql(days, place) {
      const { from, to } = lastDays(days, place.asOf);
      const { expression } = place;
      return and([
        present(expression, compare(expression, '<=', to), place.positive),
        compare(expression, '>=', from),
      ]);
    },
    matches(value, days, asOf) {
      const { from, to } = lastDays(days, asOf);
      return value !== null && value >= from && value <= to;
    },
    words: (subject, days) => `${subject} in the last ${days} days`,
    description: 'Within the last N days: [asOf − N×24h, asOf]; N ≥ 0.',
  } satisfies Operator<'days', number>,
  isNull: isNull<number>(),
};

function lastDays(days: number, asOf: Date | undefined): { from: number; to: number } {
  if (asOf === undefined) throw new Error('withinLastDays is measured back from asOf');
  return { from: asOf.getTime() - days * DAY_MS, to: asOf.getTime() };
}

type Table<T> = Record<string, Operator<OperandShape, T>>;

/**
 * The operators `filter` sets, in the table's order, each with its operand
 * (typed loosely: the filter's type is the table's, see FilterOf).
 */
export function setOperators<Entry>(table: Record<string, Entry>, filter: object): Array<[Entry, never]> {
  return Object.entries(table).flatMap(([name, operator]) => {
    const operand = (filter as Record<string, unknown>)[name];
    return operand == null ? [] : [[operator, operand as never]];
  });
}

/** The SQL of every operator `filter` sets, all to hold. */
export function operatorsSql<T>(table: Table<T>, filter: object, place: OperatorPlace): Sql {
  return and(setOperators(table, filter).map(([operator, operand]) => operator.sql(operand, place)));
}

/** Whether `value` (null: missing) passes every operator `filter` sets. */
export function operatorsMatch<T>(table: Table<T>, filter: object, value: T | null, asOf?: Date): boolean {
  return setOperators(table, filter).every(([operator, operand]) => operator.matches(value, operand, asOf));
}

/** The words of every operator `filter` sets. */
export function operatorsWords(table: Table<unknown>, filter: object, subject: string): string[] {
  return setOperators(table, filter).map(([operator, operand]) => operator.words(subject, operand));
}
