// The committed schema.graphql is the schema the code builds: an API change shows in the diff.
import { readFileSync } from 'node:fs';
import { COMMITTED_SCHEMA_FILE, printApiSchema } from './schema';

describe('schema.graphql', () => {
  it('equals the schema the resolvers build', async () => {
    const built = await printApiSchema();
    const committed = readFileSync(COMMITTED_SCHEMA_FILE, 'utf8');
    if (built !== committed) {
      throw new Error(
        'apps/api/schema.graphql differs from the schema the code builds; review the change and run ' +
          '`node apps/api/scripts/run-script.js apps/api/scripts/emit-schema.ts`',
      );
    }
    expect(built).toBe(committed);
  });
});
