import { checkAgeInstant } from './age-access';

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** Why a text is not an instant, in words a client can act on. */
export type InstantProblem =
  'not ISO-8601' | 'no zone' | 'not a valid date' | 'not a valid time' | 'not a valid zone offset';

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
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return { problem: 'not a valid date' };
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

/** Whole years between the birth date and `asOf` (the last birthday counts on its day); FORBIDDEN where the caller may not choose `asOf` (age-access.ts). */
export function ageAt(birthDate: Date, asOf: Date): number {
  checkAgeInstant(asOf);
  let years = asOf.getUTCFullYear() - birthDate.getUTCFullYear();
  const beforeBirthday =
    asOf.getUTCMonth() < birthDate.getUTCMonth() ||
    (asOf.getUTCMonth() === birthDate.getUTCMonth() && asOf.getUTCDate() < birthDate.getUTCDate());
  if (beforeBirthday) years -= 1;
  return years;
}

/** A day of 24 hours in milliseconds: windows count days back from asOf in these. */
export const DAY_MS = 86_400_000;
