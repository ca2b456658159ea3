import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { ErrorCode } from './errors';

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2}))?$/;

/**
 * Parses an ISO-8601 instant. A date-time needs a zone (`Z` or an offset) so
 * that it names one instant; a bare date means midnight UTC. Impossible
 * calendar dates (2026-02-30) are refused rather than rolled over.
 * Returns null when the text is not such an instant.
 */
export function parseIsoInstant(text: string): Date | null {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (day > daysInMonth(year, month)) return null;
  const millis = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = Number(digits.slice(2, 4));
    if (offH > 23 || offM > 59) return null;
    offsetMinutes = sign * (offH * 60 + offM);
  }
  const date = utcDate(year, month - 1, day, hour, minute, second, millis);
  date.setTime(date.getTime() - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Date.UTC reads years 0–99 as 1900–1999 (a two-digit-year convenience of
 * JavaScript): year 0050 would become 1950 and pass every range check.
 * setUTCFullYear takes the year as written.
 */
function utcDate(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, millis);
  return date;
}

/** Days in a month (1–12) of the proleptic Gregorian calendar, years 0–99 included. */
function daysInMonth(year: number, month: number): number {
  return utcDate(year, month, 0, 0, 0, 0, 0).getUTCDate();
}

function invalidDateTime(value: unknown): GraphQLError {
  return new GraphQLError(
    `DateTime cannot represent ${JSON.stringify(value)}: expected an ISO-8601 date-time with a zone, e.g. 2026-01-31T09:30:00Z`,
    { extensions: { code: ErrorCode.BAD_USER_INPUT } },
  );
}

/** An instant, written as ISO-8601 in UTC with milliseconds (2026-01-31T09:30:00.000Z). */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, ISO-8601. Output is always UTC with milliseconds (2026-01-31T09:30:00.000Z); input needs a zone (Z or ±hh:mm) or is a bare date (midnight UTC).',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot serialize an invalid date');
    return date.toISOString();
  },
  parseValue(value) {
    if (typeof value !== 'string') throw invalidDateTime(value);
    const date = parseIsoInstant(value);
    if (!date) throw invalidDateTime(value);
    return date;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalidDateTime(ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : ast.kind);
    const date = parseIsoInstant(ast.value);
    if (!date) throw invalidDateTime(ast.value);
    return date;
  },
});

export const JSONScalar = GraphQLJSON;
