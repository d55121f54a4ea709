// A fresh Postgres schema per spec file on the test server (TEST_DATABASE_URL, default the
// machine's postgresql://postgres@127.0.0.1:5432/test): created and migrated in beforeAll,
// dropped (with its pg-boss schema) in afterAll, so runs never touch `public` or each other.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { connectionFromUrl, type DatabaseConnection } from '../../src/db/connection';
import { applyMigrations } from '../../src/db/migrate';
import { createPrismaClient, type PrismaClient } from '../../src/db/prisma.service';

export const TEST_SERVER_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly connection: DatabaseConnection;
  readonly prisma: PrismaClient;
  drop(): Promise<void>;
}

async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Creates `t_<random>` on `serverUrl`, applies the migrations and returns a client bound to it. */
export async function createTestDatabase(serverUrl = TEST_SERVER_URL): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.searchParams.set('schema', schema);
  const connection = connectionFromUrl(url.toString(), 5);
  try {
    await applyMigrations(connection);
  } catch (error) {
    await dropSchemas(connection.url, [connection.schema]);
    throw error;
  }
  const prisma = createPrismaClient(connection);
  return {
    connection,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropSchemas(connection.url, [connection.schema, connection.queueSchema]);
    },
  };
}
