import { printSchema } from 'graphql';
import { buildAppSchema } from './schema';

const HEADER =
  '# The GraphQL schema of the segments API, emitted from the code by `npm run schema`. Do not edit.\n\n';

/** The schema as committed in schema/schema.graphql. */
export async function schemaText(): Promise<string> {
  return HEADER + printSchema(await buildAppSchema()) + '\n';
}
