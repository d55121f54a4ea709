// Writes the GraphQL schema the code builds to apps/api/schema.graphql (committed: a reviewer sees
// every API change in the diff; schema.spec.ts fails while the file is stale).
// Usage: `node apps/api/scripts/run-script.js apps/api/scripts/emit-schema.ts`.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { COMMITTED_SCHEMA_FILE, printApiSchema } from '../src/schema';

printApiSchema()
  .then((sdl) => {
    writeFileSync(COMMITTED_SCHEMA_FILE, sdl);
    process.stdout.write(`wrote ${COMMITTED_SCHEMA_FILE}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
