import { badUserInput } from './errors';

/** Limits of the name and description of every saved object (segments, scoring models, personas). */
export const NAMED_LIMITS = { name: 200, description: 2000 } as const;

/** A saved object's name (trimmed, required) and description (trimmed, empty = none), checked against NAMED_LIMITS. */
export function checkNamed(
  input: { name: string; description?: string | null },
  what: string,
): { name: string; description: string | null } {
  const name = input.name.trim();
  if (name === '') throw badUserInput(`${what} needs a name`, 'input.name');
  if (name.length > NAMED_LIMITS.name)
    throw badUserInput(`a name is at most ${NAMED_LIMITS.name} characters`, 'input.name');
  const description = input.description?.trim() || null;
  if (description && description.length > NAMED_LIMITS.description) {
    throw badUserInput(
      `a description is at most ${NAMED_LIMITS.description} characters`,
      'input.description',
    );
  }
  return { name, description };
}
