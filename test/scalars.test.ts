import { ageAt, parseIsoInstant } from '../src/common/dates';

describe('ISO-8601 instants', () => {
  test.each([
    ['2026-01-31T09:30:00Z', Date.UTC(2026, 0, 31, 9, 30)],
    ['2026-01-31T09:30:00.123Z', Date.UTC(2026, 0, 31, 9, 30, 0, 123)],
    ['2026-01-31T09:30:00.1239Z', Date.UTC(2026, 0, 31, 9, 30, 0, 123)],
    ['2026-01-31T10:30:00+01:00', Date.UTC(2026, 0, 31, 9, 30)],
    ['2026-01-31T04:00:00-0530', Date.UTC(2026, 0, 31, 9, 30)],
    ['2026-01-31', Date.UTC(2026, 0, 31)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('%s', (text, expected) => {
    expect(parseIsoInstant(text)?.getTime()).toBe(expected);
  });

  test.each(['2026-02-30', '2023-02-29T00:00:00Z', '2026-13-01', '2026-01-31T09:30:00', '2026-01-31T24:00:00Z', 'yesterday', '', '2026-01-31T09:30:00+25:00'])(
    'refuses %j',
    (text) => {
      expect(parseIsoInstant(text)).toBeNull();
    },
  );
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
