import { checkAgeInstant } from '../common/age-access';
import { DAY_MS, type TimeWindow } from './types';

/** A closed interval of epoch milliseconds; `from` null means since the beginning. */
export interface Interval {
  from: number | null;
  to: number;
}

/**
 * The instants a time window covers, measured back from `asOf` (docs/API.md):
 * lastDays N is [asOf − N days, asOf]; fromDaysAgo F / toDaysAgo T is
 * [asOf − F days, asOf − T days] (either alone: T = 0, or since the
 * beginning); from/to is [from, to]; none is all history. Never past asOf.
 */
export function windowInterval(window: TimeWindow | null | undefined, asOf: Date): Interval {
  const now = asOf.getTime();
  if (!window) return { from: null, to: now };
  if (window.lastDays != null) return { from: now - window.lastDays * DAY_MS, to: now };
  if (window.fromDaysAgo != null || window.toDaysAgo != null) {
    return {
      from: window.fromDaysAgo == null ? null : now - window.fromDaysAgo * DAY_MS,
      to: now - (window.toDaysAgo ?? 0) * DAY_MS,
    };
  }
  return {
    from: window.from ? window.from.getTime() : null,
    to: window.to ? Math.min(window.to.getTime(), now) : now,
  };
}

export function inInterval(at: number, interval: Interval): boolean {
  return (interval.from === null || at >= interval.from) && at <= interval.to;
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 0)).getUTCDate();
}

/**
 * The first instant after the calendar day (year, month, day), where a day
 * that does not exist in that year (29 February) stands for the last day of
 * its month. A birth before this instant means "at least `years` old" when
 * (year, month, day) is asOf's date moved back `years` years. FORBIDDEN where
 * the caller may not choose `asOf` (common/age-access.ts).
 */
export function ageCutoff(asOf: Date, years: number): number {
  checkAgeInstant(asOf);
  // Ages past ten thousand years select the same people as ten thousand.
  const year = asOf.getUTCFullYear() - Math.max(-10_000, Math.min(10_000, years));
  const month = asOf.getUTCMonth();
  const day = asOf.getUTCDate();
  return day <= daysInMonth(year, month) ? utc(year, month, day + 1) : utc(year, month + 1, 1);
}

/** Date.UTC without its two-digit-year shortcut (years 0–99 mean 1900–1999 there). */
function utc(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date.getTime();
}
