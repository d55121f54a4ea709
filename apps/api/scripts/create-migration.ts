// Writes a new migration folder under prisma/migrations with the SQL that turns the schema as of
// the last committed migration into prisma/schema.prisma. The previous schema is read from git
// (prisma/schema.prisma at the last commit that touched prisma/migrations), so no hand-kept copy
// exists; migration-drift.spec.ts proves that the migrations really produce schema.prisma.
// Usage: `npm run db:migration -- <name>`. The schema engine needs a connection (it reads no
// tables and writes nothing): DATABASE_URL when set, else the embedded Postgres.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { PRISMA_DIR } from '../src/db/migrate';
import { NO_FILTERS, openSchemaEngine } from '../src/db/schema-engine';

function git(args: readonly string[]): string {
  return execFileSync('git', args, { cwd: PRISMA_DIR, encoding: 'utf8' });
}

/** prisma/schema.prisma as of the last committed migration, or undefined when there is none. */
function schemaAtLastMigration(): string | undefined {
  const untracked = git(['ls-files', '--others', '--exclude-standard', 'migrations']).trim();
  if (untracked !== '') {
    throw new Error(`commit the migrations first (the previous schema is read from git); not committed:\n${untracked}`);
  }
  const commit = git(['log', '-1', '--format=%H', '--', 'migrations']).trim();
  if (commit === '') return undefined;
  const root = git(['rev-parse', '--show-toplevel']).trim();
  return git(['show', `${commit}:${path.relative(root, path.join(PRISMA_DIR, 'schema.prisma'))}`]);
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (name === undefined || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error('usage: create-migration <name>, where name is lower-case letters, digits and _');
  }
  const migrationsDir = path.join(PRISMA_DIR, 'migrations');
  const current = readFileSync(path.join(PRISMA_DIR, 'schema.prisma'), 'utf8');
  const previous = schemaAtLastMigration();
  const logger = pino({ level: 'warn' });
  const database = await openDatabase(loadConfig(process.env, { workerCount: 0 }), logger);
  try {
    const { engine, close } = await openSchemaEngine(
      current,
      database.connection.poolConfig,
      database.connection.schema,
    );
    try {
      const result = await engine.diff({
        from:
          previous === undefined
            ? { tag: 'empty' }
            : { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: previous }] },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: current }] },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      const sql = result.stdout ?? '';
      if (/^-- This is an empty migration\.\s*$/.test(sql) || sql.trim() === '') {
        process.stdout.write('schema.prisma equals the migrations; nothing to write\n');
        return;
      }
      const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
      const dir = path.join(migrationsDir, `${stamp}_${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'migration.sql'), sql);
      writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
      process.stdout.write(`wrote ${path.relative(process.cwd(), dir)}/migration.sql\n`);
    } finally {
      await close();
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
