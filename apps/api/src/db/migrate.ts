// Applies pending migrations from prisma/migrations with the wasm schema engine (the same
// bookkeeping table as `prisma migrate deploy`, which cannot run offline). Idempotent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { DatabaseConnection } from './connection';
import { NO_FILTERS, openSchemaEngine } from './schema-engine';

export const PRISMA_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'prisma');

/** Creates the connection's schema if needed and applies every migration not yet applied. Returns their names. */
export async function applyMigrations(connection: DatabaseConnection, prismaDir = PRISMA_DIR): Promise<string[]> {
  await ensureSchema(connection);
  const migrationsDir = path.join(prismaDir, 'migrations');
  const lockFile = path.join(migrationsDir, 'migration_lock.toml');
  if (!existsSync(lockFile)) throw new Error(`no migrations found: ${lockFile} is missing`);
  const datamodel = readFileSync(path.join(prismaDir, 'schema.prisma'), 'utf8');
  const { engine, close } = await openSchemaEngine(datamodel, { ...connection.poolConfig, max: 2 }, connection.schema);
  const migrationDirectories = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    // A bare folder name: an absolute path would be stored as the migration's name.
    .map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8') },
      },
    }));
  try {
    const out = await engine.applyMigrations({
      migrationsList: {
        baseDir: migrationsDir,
        lockfile: { path: 'migration_lock.toml', content: readFileSync(lockFile, 'utf8') },
        shadowDbInitScript: '',
        migrationDirectories,
      },
      filters: NO_FILTERS,
    });
    return out.appliedMigrationNames;
  } finally {
    await close();
  }
}

async function ensureSchema(connection: DatabaseConnection): Promise<void> {
  const client = new Client({ connectionString: connection.url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${connection.schema}"`);
  } finally {
    await client.end();
  }
}
