import { badUserInput } from './errors';

/** The one shape of an id: a positive integer in decimal, at most 15 digits (exact as a JS number). */
const ID_PATTERN = /^\d{1,15}$/;

/** The number an id names, or null when it cannot name any row. */
export function idOf(raw: string): number | null {
  return ID_PATTERN.test(raw) ? Number(raw) : null;
}

/** Ids are positive integers; anything else names no customer. */
export function parseId(raw: string, path: string): number | null {
  const id = idOf(raw);
  if (id === null && /^\s*$/.test(raw)) throw badUserInput(`${path} must not be empty`, path);
  return id;
}
