import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { PROJECT_ROOT } from '../src/common/paths';
import { buildAppSchema } from '../src/server/schema';
import { differences, documentedEntries, schemaEntries } from './support/schema-signatures';

/**
 * docs/API.md is the contract a frontend developer reads, so it must name exactly
 * what the schema has: each `### type|input|enum|scalar Name` heading is a schema
 * type of that kind, and each backticked signature in its table is one field
 * (with its arguments and type), input field or enum value.
 */
const DOC = join(PROJECT_ROOT, 'docs', 'API.md');

test('docs/API.md documents every type, field, argument and enum value of the schema, and nothing else', async () => {
  const documented = documentedEntries(readFileSync(DOC, 'utf8'));
  const actual = schemaEntries(await buildAppSchema());
  expect(differences(documented, actual).join('\n')).toBe('');
  expect(documented.size).toBe(actual.size);
});

test('the comparison reports what is missing, what is extra and what differs', () => {
  const schema = buildSchema('type Query { a(x: Int = 2): String b: Int } enum E { X Y } input I { v: Int }');
  const doc = [
    '### type Query',
    '| Field | Meaning |',
    '|---|---|',
    '| `a(x: Int): String` | differs: no default |',
    '| `gone: Int` | not in the schema |',
    '### enum E',
    '| `X` | a value |',
    '## A section',
    '| `b: Int` | not under a type heading: ignored |',
  ].join('\n');
  expect(differences(documentedEntries(doc), schemaEntries(schema)).sort()).toEqual(
    [
      'differs: type Query.a: docs/API.md has `a(x: Int): String`, the schema `a(x: Int = 2): String`',
      'missing from docs/API.md: type Query.b (`b: Int`)',
      'missing from docs/API.md: enum E.Y (`Y`)',
      'missing from docs/API.md: input I',
      'missing from docs/API.md: input I.v (`v: Int`)',
      'not in the schema: type Query.gone (documented in docs/API.md)',
    ].sort(),
  );
});
