// No drift between prisma/migrations and prisma/schema.prisma: the migrations applied to an empty
// schema give exactly the database that schema.prisma describes. The wasm schema engine cannot
// introspect a live database through the driver adapter ("Column type 'char' could not be
// deserialized"), so the reference is built the other way: the engine's SQL for empty →
// schema.prisma runs in a second empty schema, and the two catalogs (tables, columns, types,
// defaults, enums, indexes, constraints) are compared.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { connectionFromUrl } from '../../src/db/connection';
import { PRISMA_DIR } from '../../src/db/migrate';
import { NO_FILTERS, openSchemaEngine } from '../../src/db/schema-engine';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '../support/test-database';

/** A schema's catalog as comparable lines, with the schema name taken out. */
async function describeSchema(client: Client, schema: string): Promise<string[]> {
  const strip = (text: string) => text.split(`"${schema}".`).join('').split(`${schema}.`).join('');
  const queries: [string, string][] = [
    [
      'column',
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, coalesce(column_default, ''), coalesce(character_maximum_length::text, '')
         FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`,
    ],
    [
      'enum',
      `SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = $1 GROUP BY t.typname`,
    ],
    [
      'index',
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`,
    ],
    [
      'constraint',
      `SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = $1 AND c.conrelid::regclass::text NOT LIKE '%_prisma_migrations'`,
    ],
  ];
  const lines: string[] = [];
  for (const [kind, sql] of queries) {
    const { rows } = await client.query<Record<string, unknown>>({
      text: sql,
      values: [schema],
      rowMode: 'array',
    } as never);
    for (const row of rows as unknown as unknown[][]) lines.push(strip(`${kind} ${row.map(String).join(' | ')}`));
  }
  return lines.sort();
}

describe('migrations vs schema.prisma', () => {
  let migrated: TestDatabase;
  let client: Client;
  const reference = `t_ref_${process.pid}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    migrated = await createTestDatabase();
    client = new Client({ connectionString: migrated.connection.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS "${reference}" CASCADE`);
    await client?.end();
    await migrated?.drop();
  });

  it('the migrations produce exactly the database schema.prisma describes', async () => {
    const datamodel = readFileSync(path.join(PRISMA_DIR, 'schema.prisma'), 'utf8');
    const url = new URL(TEST_SERVER_URL);
    url.searchParams.set('schema', reference);
    const connection = connectionFromUrl(url.toString(), 2);
    await client.query(`CREATE SCHEMA "${reference}"`);
    const { engine, close } = await openSchemaEngine(datamodel, connection.poolConfig, reference);
    let sql: string;
    try {
      const diff = await engine.diff({
        from: { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: datamodel }] },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      sql = diff.stdout ?? '';
    } finally {
      await close();
    }
    await client.query(`SET search_path TO "${reference}"; ${sql}`);
    await client.query('SET search_path TO public');

    const fromMigrations = await describeSchema(client, migrated.connection.schema);
    const fromSchema = await describeSchema(client, reference);
    expect(fromMigrations.length).toBeGreaterThan(50);
    // On failure the diff lists what the migrations lack or add: write a migration (npm run db:migration -- <name>).
    expect(fromMigrations).toEqual(fromSchema);
  }, 120_000);
});
