/**
 * A string enumeration whose values are its names, each name written once:
 * `enumOf('EMAIL', 'SMS').EMAIL === 'EMAIL'`. The names are what is stored in
 * the database and exchanged over GraphQL, so a name and its value never differ.
 */
export type EnumOf<Name extends string> = { readonly [Key in Name]: Key };

/** The names of an enumeration made by enumOf, as a type: `type Channel = NameOf<typeof Channel>`. */
export type NameOf<Enumeration extends Record<string, string>> = Enumeration[keyof Enumeration];

export function enumOf<const Names extends readonly string[]>(...names: Names): EnumOf<Names[number]> {
  return Object.freeze(Object.fromEntries(names.map((name) => [name, name]))) as EnumOf<Names[number]>;
}
