// Writes a new migration folder under prisma/migrations with the SQL that turns the previous
// schema (prisma/migrations/schema.previous.prisma, or an empty database) into prisma/schema.prisma.
// Usage: `DATABASE_URL=... npm run db:migration -- <name>` (any reachable Postgres; nothing is written there).
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { NO_FILTERS, openSchemaEngine } from '../src/db/schema-engine';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (name === undefined || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error('usage: create-migration <name>, where name is lower-case letters, digits and _');
  }
  const prismaDir = path.resolve(__dirname, '..', '..', '..', 'prisma');
  const migrationsDir = path.join(prismaDir, 'migrations');
  const current = readFileSync(path.join(prismaDir, 'schema.prisma'), 'utf8');
  const previousFile = path.join(migrationsDir, 'schema.previous.prisma');
  // The diff reads no tables, but the engine connects once, so a reachable server is required.
  const connectionString = process.env['DATABASE_URL'];
  if (connectionString === undefined) throw new Error('set DATABASE_URL to any reachable Postgres (nothing is written)');
  const { engine, close } = await openSchemaEngine(current, { connectionString }, 'public');
  const from = existsSync(previousFile)
    ? { tag: 'schemaDatamodel' as const, files: [{ path: 'schema.prisma', content: readFileSync(previousFile, 'utf8') }] }
    : { tag: 'empty' as const };
  const result = await engine.diff({
    from,
    to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: current }] },
    script: true,
    exitCode: null,
    filters: NO_FILTERS,
  });
  await close();
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), result.stdout);
  writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  copyFileSync(path.join(prismaDir, 'schema.prisma'), previousFile);
  process.stdout.write(`wrote ${path.relative(process.cwd(), dir)}/migration.sql\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
