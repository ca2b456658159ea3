import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { ErrorCode } from './errors';

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** Why a text is not an instant, in words a client can act on. */
export type InstantProblem =
  | 'not ISO-8601'
  | 'no zone'
  | 'not a valid date'
  | 'not a valid time'
  | 'not a valid zone offset';

/**
 * Reads an ISO-8601 instant. A date-time needs a zone (`Z` or an offset) so
 * that it names one instant; a bare date means midnight UTC. Impossible
 * calendar dates (2026-02-30) and times (24:00, 12:60) are refused rather
 * than rolled over, each with its own reason.
 */
export function readIsoInstant(text: string): { date: Date } | { problem: InstantProblem } {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) return { problem: 'not ISO-8601' };
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  if (h !== undefined && zone === undefined) return { problem: 'no zone' };
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { problem: 'not a valid date' };
  if (hour > 23 || minute > 59 || second > 59) return { problem: 'not a valid time' };
  const millis = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = Number(digits.slice(2, 4));
    if (offH > 23 || offM > 59) return { problem: 'not a valid zone offset' };
    offsetMinutes = sign * (offH * 60 + offM);
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  date.setTime(date.getTime() - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? { problem: 'not ISO-8601' } : { date };
}

/** Returns null when the text is not an instant (see readIsoInstant for why). */
export function parseIsoInstant(text: string): Date | null {
  const read = readIsoInstant(text);
  return 'date' in read ? read.date : null;
}

/** Gregorian, proleptic: every fourth year is a leap year but centuries, save every fourth century. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const EXAMPLE = 'e.g. 2026-01-31T09:30:00Z or 2026-01-31';
const REASONS: Record<InstantProblem, string> = {
  'not ISO-8601': `expected an ISO-8601 date-time with a zone or a bare date, ${EXAMPLE}`,
  'no zone': 'a date-time needs a zone (Z or ±hh:mm) to name one instant, e.g. 2026-01-31T09:30:00Z',
  'not a valid date': 'not a valid date (no such day in the calendar)',
  'not a valid time': 'not a valid time (hours 00–23, minutes and seconds 00–59)',
  'not a valid zone offset': 'not a valid zone offset (hours 00–23, minutes 00–59)',
};

function invalidDateTime(value: unknown, problem: InstantProblem = 'not ISO-8601'): GraphQLError {
  return new GraphQLError(`DateTime cannot represent ${JSON.stringify(value)}: ${REASONS[problem]}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  });
}

function instantOf(text: string): Date {
  const read = readIsoInstant(text);
  if ('problem' in read) throw invalidDateTime(text, read.problem);
  return read.date;
}

/** An instant, written as ISO-8601 in UTC with milliseconds (2026-01-31T09:30:00.000Z). */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'An instant, ISO-8601. Output is always UTC with milliseconds (2026-01-31T09:30:00.000Z); input needs a zone (Z or ±hh:mm) or is a bare date (midnight UTC). Impossible dates (2026-02-30) and times (24:00) are refused, never rolled over.',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot serialize an invalid date');
    return date.toISOString();
  },
  parseValue(value) {
    if (typeof value !== 'string') throw invalidDateTime(value);
    return instantOf(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalidDateTime(ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : ast.kind);
    return instantOf(ast.value);
  },
});

export const JSONScalar = GraphQLJSON;
