import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { buildAppSchema } from '../src/server/schema';

/**
 * Every element a client can see in the playground's docs pane says what it means:
 * each named type (objects, inputs, enums, scalars), field, argument, enum value and
 * input field of the built schema. graphql's own introspection types and built-in
 * scalars are the only ones left out: their descriptions are graphql's, not ours.
 */
export function undocumentedElements(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const blank = (description: string | null | undefined) => !description?.trim();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (blank(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args)
          if (blank(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues())
        if (blank(value.description)) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

test('every type, field, argument, enum value and input field of the schema has a description', async () => {
  const missing = undocumentedElements(await buildAppSchema());
  expect(`${missing.length} undocumented:\n${missing.join('\n')}`).toBe('0 undocumented:\n');
});

test('the walk sees what it should: an element without a description is reported', async () => {
  const { buildSchema } = await import('graphql');
  const bare = buildSchema(
    '"""q""" type Query { """f""" f(a: Int): E } enum E { """x""" X Y } """i""" input I { """v""" v: Int w: Int }',
  );
  expect(undocumentedElements(bare).sort()).toEqual(['E', 'E.Y', 'I.w', 'Query.f(a)'].sort());
});
