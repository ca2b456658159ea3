import { graphql, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { ageAt, parseIsoInstant, readIsoInstant } from '../src/common/dates';
import { DateTimeScalar } from '../src/graphql/scalars';
import { findUnstorableText, unstorableText } from '../src/common/text';
import { byteOrder } from '../src/db/batch';

describe('ISO-8601 instants', () => {
  test.each([
    ['2026-01-31T09:30:00Z', Date.UTC(2026, 0, 31, 9, 30)],
    ['2026-01-31T09:30:00.123Z', Date.UTC(2026, 0, 31, 9, 30, 0, 123)],
    ['2026-01-31T09:30:00.1239Z', Date.UTC(2026, 0, 31, 9, 30, 0, 123)],
    ['2026-01-31T10:30:00+01:00', Date.UTC(2026, 0, 31, 9, 30)],
    ['2026-01-31T04:00:00-0530', Date.UTC(2026, 0, 31, 9, 30)],
    ['2026-01-31', Date.UTC(2026, 0, 31)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['2026-04-30T23:59:59Z', Date.UTC(2026, 3, 30, 23, 59, 59)],
    // Years before 100 are those years, not 1900 + year: 2,000 years (five 400-year cycles of 146,097 days) before 2050.
    ['0050-03-01', Date.UTC(2050, 2, 1) - 5 * 146_097 * 86_400_000],
  ])('%s', (text, expected) => {
    expect(parseIsoInstant(text)?.getTime()).toBe(expected);
  });

  test.each([
    '2026-02-30',
    '2023-02-29T00:00:00Z',
    '2026-13-01',
    '2026-01-31T09:30:00',
    '2026-01-31T24:00:00Z',
    'yesterday',
    '',
    '2026-01-31T09:30:00+25:00',
  ])('refuses %j', (text) => {
    expect(parseIsoInstant(text)).toBeNull();
  });
});

describe('years 0000–0099 are read as written, not as 1900–1999', () => {
  // Expected instants from the proleptic Gregorian calendar: days from 0000-01-01 to 1970-01-01 are 719,528.
  const DAY = 86_400_000;
  test.each([
    ['0000-01-01', -719_528 * DAY],
    ['0000-03-01', (-719_528 + 60) * DAY], // year 0 is a leap year: 31 + 29 days
    ['0001-01-01T00:00:00Z', (-719_528 + 366) * DAY],
    ['0099-12-31T23:59:59.999Z', Date.parse('+000100-01-01T00:00:00Z') - 1],
    ['0100-01-01T00:30:00+01:00', Date.parse('+000099-12-31T23:30:00Z')],
  ])('%s', (text, expected) => {
    expect(parseIsoInstant(text)?.getTime()).toBe(expected);
  });

  test.each([
    ['0050-06-01', 50],
    ['0099-12-31T12:00:00Z', 99],
    ['1999-12-31T12:00:00Z', 1999],
  ])('%s is in year %i', (text, year) => {
    expect(parseIsoInstant(text)?.getUTCFullYear()).toBe(year);
  });

  test.each(['0004-02-29', '0000-02-29'])('%s exists (a leap year)', (text) => {
    expect(parseIsoInstant(text)?.toISOString()).toBe(`${text}T00:00:00.000Z`);
  });

  test.each(['0001-02-29', '0100-02-29', '0099-02-29'])('refuses %s (not a leap year)', (text) => {
    expect(parseIsoInstant(text)).toBeNull();
  });
});

describe('text no store keeps as written', () => {
  test.each([
    ['empty', '', null],
    ['plain', 'plain', null],
    ['a surrogate pair (U+1F600)', 'emoji \uD83D\uDE00 pair', null],
    ['U+FFFD itself', '\uFFFD replacement', null],
    ['a NUL', 'a\u0000b', 'contains a NUL character (U+0000)'],
    ['a lone high surrogate', '\uD800', 'contains a lone UTF-16 surrogate (not a Unicode character)'],
    [
      'a high surrogate before a letter',
      'x\uDBFFy',
      'contains a lone UTF-16 surrogate (not a Unicode character)',
    ],
    ['a lone low surrogate', '\uDC00x', 'contains a lone UTF-16 surrogate (not a Unicode character)'],
    [
      'a pair followed by a low surrogate',
      '\uD83D\uDE00\uDE00',
      'contains a lone UTF-16 surrogate (not a Unicode character)',
    ],
  ])('%s', (_what, text, reason) => {
    expect(unstorableText(text)).toBe(reason);
  });

  test('the first unstorable text of a value, at its path, keys included', () => {
    expect(findUnstorableText({ a: ['ok', { b: 'x\u0000' }] }, '')).toEqual({
      path: 'a.1.b',
      reason: 'contains a NUL character (U+0000)',
    });
    expect(findUnstorableText({ a: { ['k\uD800']: 1 } }, 'filter')).toEqual({
      path: 'filter.a.k\uD800',
      reason: 'key contains a lone UTF-16 surrogate (not a Unicode character)',
    });
    expect(findUnstorableText({ a: [1, true, null, new Date(0), 'fine'] }, '')).toBeNull();
  });
});

describe('byte order (PostgreSQL collate "C", SQLite BINARY)', () => {
  test('orders as UTF-8 bytes do, characters past U+FFFF after the rest of the BMP', () => {
    const values = ['b', 'a', '\uFFFD', '\uD83D\uDE00', 'ab', '\u00E9', 'Z', ''];
    const byBytes = [...values].sort((x, y) =>
      Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')),
    );
    expect([...values].sort(byteOrder)).toEqual(byBytes);
    expect(['\uD83D\uDE00', '\uFFFD'].sort(byteOrder)).toEqual(['\uFFFD', '\uD83D\uDE00']);
  });
});

describe('age in whole years', () => {
  const born = new Date(Date.UTC(2000, 1, 29));
  test.each([
    ['2001-02-28T23:59:59Z', 0],
    ['2001-03-01T00:00:00Z', 1],
    ['2004-02-28T12:00:00Z', 3],
    ['2004-02-29T00:00:00Z', 4],
  ])('at %s', (asOf, years) => {
    expect(ageAt(born, new Date(asOf))).toBe(years);
  });
});

describe('why a text is not an instant', () => {
  test.each([
    ['2026-02-30', 'not a valid date'],
    ['2023-02-29T00:00:00Z', 'not a valid date'],
    ['1900-02-29', 'not a valid date'],
    ['2026-04-31', 'not a valid date'],
    ['2026-13-01', 'not a valid date'],
    ['2026-00-10', 'not a valid date'],
    ['2026-01-00', 'not a valid date'],
    ['2026-01-31T24:00:00Z', 'not a valid time'],
    ['2026-01-31T12:60:00Z', 'not a valid time'],
    ['2026-01-31T12:00:60Z', 'not a valid time'],
    ['2026-01-31T09:30:00+25:00', 'not a valid zone offset'],
    ['2026-01-31T09:30:00', 'no zone'],
    ['yesterday', 'not ISO-8601'],
    ['', 'not ISO-8601'],
  ])('%j: %s', (text, problem) => {
    expect(readIsoInstant(text)).toEqual({ problem });
    expect(parseIsoInstant(text)).toBeNull();
  });

  /** The scalar as clients meet it: a literal and a variable, each refused with its reason. */
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        echo: {
          type: GraphQLString,
          args: { at: { type: DateTimeScalar } },
          resolve: (_root, args: { at: Date }) => args.at.toISOString(),
        },
      },
    }),
  });

  test.each([
    ['2026-02-30', 'DateTime cannot represent the value given: not a valid date'],
    ['2026-01-31T24:00:00Z', 'DateTime cannot represent the value given: not a valid time'],
    ['2026-01-31T09:30:00', 'DateTime cannot represent the value given: a date-time needs a zone'],
  ])('the DateTime scalar refuses %j saying why, as a literal and as a variable', async (text, message) => {
    const literal = await graphql({ schema, source: `{ echo(at: ${JSON.stringify(text)}) }` });
    expect(literal.errors?.map((error) => [error.message, error.extensions.code])).toEqual([
      [expect.stringContaining(message), 'BAD_USER_INPUT'],
    ]);
    const variable = await graphql({
      schema,
      source: 'query ($at: DateTime) { echo(at: $at) }',
      variableValues: { at: text },
    });
    expect(variable.errors?.map((error) => error.message)).toEqual([expect.stringContaining(message)]);
  });

  test('an impossible date is never told it lacks a zone', async () => {
    const answer = await graphql({ schema, source: '{ echo(at: "2026-02-30") }' });
    expect(answer.errors![0].message).not.toMatch(/zone/);
  });
});
