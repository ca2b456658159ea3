import {
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLSchema,
} from 'graphql';

/**
 * The schema as a set of named signatures, from the built schema or from
 * docs/API.md: each `### type|input|enum|scalar Name` heading is a type of that
 * kind, and each backticked signature in its table one field (with its
 * arguments and type), input field or enum value.
 *
 * "kind Name" and "kind Name.member" → the signature written for it ('' for a heading).
 */
export type Entries = Map<string, string>;

export function documentedEntries(markdown: string): Entries {
  const entries: Entries = new Map();
  let current: string | null = null;
  for (const line of markdown.split('\n')) {
    const heading = /^### (type|input|enum|scalar) (\w+)\s*$/.exec(line);
    if (heading) {
      current = `${heading[1]} ${heading[2]}`;
      entries.set(current, '');
      continue;
    }
    if (/^#{1,3} /.test(line)) current = null;
    const row = /^\| `([^`]+)` \|/.exec(line);
    if (row && current) {
      const signature = row[1].trim();
      const name = /^\w+/.exec(signature)?.[0] ?? signature;
      entries.set(`${current}.${name}`, signature);
    }
  }
  return entries;
}

const value = (input: GraphQLArgument | GraphQLInputField) =>
  `${input.name}: ${String(input.type)}${input.defaultValue !== undefined ? ` = ${JSON.stringify(input.defaultValue)}` : ''}`;

export function schemaEntries(schema: GraphQLSchema): Entries {
  const entries: Entries = new Map();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (isObjectType(type)) {
      entries.set(`type ${type.name}`, '');
      for (const field of Object.values(type.getFields())) {
        const args = field.args.length ? `(${field.args.map(value).join(', ')})` : '';
        entries.set(`type ${type.name}.${field.name}`, `${field.name}${args}: ${String(field.type)}`);
      }
    } else if (isInputObjectType(type)) {
      entries.set(`input ${type.name}`, '');
      for (const field of Object.values(type.getFields()))
        entries.set(`input ${type.name}.${field.name}`, value(field));
    } else if (isEnumType(type)) {
      entries.set(`enum ${type.name}`, '');
      for (const enumValue of type.getValues())
        entries.set(`enum ${type.name}.${enumValue.name}`, enumValue.name);
    } else {
      entries.set(`scalar ${type.name}`, '');
    }
  }
  return entries;
}

/** Every disagreement, one line each: what the schema has and the document lacks, and the reverse. */
export function differences(documented: Entries, actual: Entries): string[] {
  const lines: string[] = [];
  for (const [key, signature] of actual) {
    if (!documented.has(key))
      lines.push(`missing from docs/API.md: ${key}${signature ? ` (\`${signature}\`)` : ''}`);
    else if (documented.get(key) !== signature)
      lines.push(`differs: ${key}: docs/API.md has \`${documented.get(key)}\`, the schema \`${signature}\``);
  }
  for (const key of documented.keys())
    if (!actual.has(key)) lines.push(`not in the schema: ${key} (documented in docs/API.md)`);
  return lines;
}
