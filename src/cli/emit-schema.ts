/** Writes schema/schema.graphql from the code (npm run schema). */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { SCHEMA_FILE } from '../common/paths';
import { schemaText } from '../server/schema-text';

schemaText()
  .then((text) => {
    writeFileSync(SCHEMA_FILE, text);
    console.log(`wrote ${SCHEMA_FILE}`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
