import { badUserInput } from './errors';

/** Ids are positive integers; anything else names no customer. */
export function parseId(raw: string, path: string): number | null {
  if (!/^\d{1,15}$/.test(raw)) {
    if (/^\s*$/.test(raw)) throw badUserInput(`${path} must not be empty`, path);
    return null;
  }
  return Number(raw);
}
