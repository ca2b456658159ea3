import { rowsOf } from '../src/db/raw-rows';
import {
  and,
  balanced,
  integerLiteral,
  joinSql,
  not,
  or,
  placeholders,
  raw,
  sql,
  type Sql,
} from '../src/filter/sql';
import { createTestDatabase, type TestDatabase } from './support/database';

/** A value that would change the statement if it were ever written into the text. */
const HOSTILE = "x' or 1 = 1; drop table customers; -- ? ??";

describe('sql tagged template', () => {
  test('an interpolated value becomes one placeholder bound to it, in place', () => {
    const fragment = sql`c.country = ${'FR'} and c.company_size > ${10}`;
    expect(fragment.text).toBe('c.country = ? and c.company_size > ?');
    expect(fragment.bindings).toEqual(['FR', 10]);
  });

  test('values are never written into the text, whatever they hold', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const fragment = sql`c.email = ${HOSTILE} and c.opt_in = ${false} and c.at = ${at} and c.x = ${null}`;
    expect(fragment.text).toBe('c.email = ? and c.opt_in = ? and c.at = ? and c.x = ?');
    expect(fragment.text).not.toContain('drop');
    expect(fragment.bindings).toEqual([HOSTILE, false, at, null]);
  });

  test('a spliced fragment brings its bindings where its text goes', () => {
    const left = sql`a = ${1} and b = ${2}`;
    const right = sql`d = ${4}`;
    const whole = sql`(${left}) or c = ${3} or (${right}) or e = ${5}`;
    expect(whole.text).toBe('(a = ? and b = ?) or c = ? or (d = ?) or e = ?');
    expect(whole.bindings).toEqual([1, 2, 3, 4, 5]);
  });

  test('fragments nest to any depth, the bindings following the placeholders', () => {
    let fragment: Sql = sql`x = ${0}`;
    for (let i = 1; i <= 5; i++) fragment = sql`(${i} < ${fragment} and y = ${-i})`;
    expect(fragment.text).toBe(
      '(? < (? < (? < (? < (? < x = ? and y = ?) and y = ?) and y = ?) and y = ?) and y = ?)',
    );
    expect(fragment.bindings).toEqual([5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5]);
  });

  test('the same fragment spliced twice binds its values twice', () => {
    const column = sql`json_extract(c.attributes, ${'$.a'})`;
    const both = sql`${column} like ${'p%'} and lower(${column}) like ${'q%'}`;
    expect(both.text).toBe(
      'json_extract(c.attributes, ?) like ? and lower(json_extract(c.attributes, ?)) like ?',
    );
    expect(both.bindings).toEqual(['$.a', 'p%', '$.a', 'q%']);
  });

  test('raw splices text the code chose, binding nothing', () => {
    const column = raw('c.country');
    const fragment = sql`${column} = ${'FR'} as ${raw('m0')}`;
    expect(fragment.text).toBe('c.country = ? as m0');
    expect(fragment.bindings).toEqual(['FR']);
  });

  test('integerLiteral writes integers only', () => {
    const fragment = sql`(case when ${sql`a = ${1}`} then ${integerLiteral(-40)} else 0 end)`;
    expect(fragment.text).toBe('(case when a = ? then -40 else 0 end)');
    expect(fragment.bindings).toEqual([1]);
    expect(() => integerLiteral(1.5)).toThrow('not an integer literal');
    expect(() => integerLiteral(Number.NaN)).toThrow('not an integer literal');
  });

  test('a placeholder written by hand is refused, in the template, in raw and in a separator', () => {
    expect(() => sql`c.country = ?`).toThrow('placeholder');
    expect(() => sql`c.id = ${1} and c.country = ?`).toThrow('placeholder');
    expect(() => raw('c.country = ?')).toThrow('placeholder');
    expect(() => raw('c.name ?? 1')).toThrow('placeholder');
    expect(() => joinSql(' ? ', [sql`a`, sql`b`])).toThrow('placeholder');
  });

  test('an undefined value is refused rather than bound', () => {
    const missing = undefined as unknown as string;
    expect(() => sql`c.country = ${missing}`).toThrow('undefined value');
  });

  test('joinSql, placeholders and the boolean helpers keep the bindings in order', () => {
    const parts = Array.from({ length: 20 }, (_, i) => sql`v${raw(String(i))} = ${i}`);
    const values = Array.from({ length: 20 }, (_, i) => i);
    for (const combined of [and(parts), or(parts), balanced('+', parts), joinSql(', ', parts)]) {
      expect(combined.bindings).toEqual(values);
      expect(combined.text.match(/\?/g)).toHaveLength(20);
    }
    const list = sql`c.id in (${placeholders([7, 8, 9])}) and ${not(sql`c.x = ${'y'}`)}`;
    expect(list.text).toBe('c.id in (?, ?, ?) and (not c.x = ?)');
    expect(list.bindings).toEqual([7, 8, 9, 'y']);
  });
});

describe('sql tagged template against the database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());

  test('a hostile value comes back as it was bound, next to spliced fragments', async () => {
    const knex = database.db.fork().getKnex();
    const inner = sql`cast(${41} as integer) + 1`;
    const statement = sql`select ${HOSTILE} as v, ${inner} as n, ${'second'} as w`;
    const [row] = rowsOf(await knex.raw(statement.text, statement.bindings));
    expect(row.v).toBe(HOSTILE);
    expect(Number(row.n)).toBe(42);
    expect(row.w).toBe('second');
  });
});
