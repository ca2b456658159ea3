import { registerEnumType } from 'type-graphql';

/** A GraphQL enum's name, what it is, and what each of its values means. */
export interface EnumDescription<Enumeration extends Record<string, string>> {
  name: string;
  description: string;
  values: Record<keyof Enumeration, string>;
}

/**
 * Registers a GraphQL enum described as a whole and value by value. The values' words are a record over
 * the enum's keys, so a value added to the enum without saying what it means does not compile: the
 * schema describes every value (test/schema-descriptions.test.ts).
 */
export function registerDescribedEnum<Enumeration extends Record<string, string>>(
  enumeration: Enumeration,
  { name, description, values }: EnumDescription<Enumeration>,
): void {
  const valuesConfig = Object.fromEntries(
    Object.entries(values).map(([value, meaning]) => [value, { description: meaning }]),
  ) as Record<keyof Enumeration, { description: string }>;
  registerEnumType(enumeration, { name, description, valuesConfig });
}
