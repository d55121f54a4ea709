// Child-process side of embedded-postgres.spec.ts: the embedded path runs here in plain Node, as
// under `npm start` (its own process, its own exit hooks, the server as a child process), and
// reports what it observed as one JSON line on stdout.
import 'reflect-metadata';
import { Client } from 'pg';
import pino from 'pino';
import { openDatabase } from '../../src/db/database';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { applyMigrations } from '../../src/db/migrate';
import { LabelSetRepository, LabelSetService } from '../../src/modules/label-set';

async function notificationRoundTrip(url: string): Promise<string | undefined> {
  const sender = new Client({ connectionString: url });
  const listener = new Client({ connectionString: url });
  await Promise.all([sender.connect(), listener.connect()]);
  try {
    const received = new Promise<string | undefined>((resolve) =>
      listener.on('notification', (n) => resolve(n.payload)),
    );
    await listener.query('LISTEN negmine_probe');
    await sender.query("NOTIFY negmine_probe, 'hello'");
    return await received;
  } finally {
    await Promise.all([sender.end(), listener.end()]);
  }
}

async function main(): Promise<void> {
  const [pgDir, otherDir, portText] = process.argv.slice(2);
  const port = Number(portText);
  const logger = pino({ level: 'silent' });
  const database = await openDatabase({ databaseUrl: undefined, embeddedPgDir: pgDir!, embeddedPgPort: port }, logger);
  const report: Record<string, unknown> = { embedded: database.embedded };
  try {
    const labelSets = new LabelSetService(new LabelSetRepository(database.prisma));
    const created = await labelSets.create({ name: 'embedded', labels: ['a', 'b'] });
    report['labels'] = (await labelSets.get(created.id)).labels;
    const attached = await startEmbeddedPostgres(pgDir!, port + 1, logger);
    report['attachedPort'] = Number(new URL(attached.url).port);
    report['notification'] = await notificationRoundTrip(attached.url);
    report['migrationsOnReopen'] = (await applyMigrations(database.connection)).length;
    try {
      await startEmbeddedPostgres(otherDir!, port, logger);
      report['otherFolderOnTakenPort'] = 'attached (wrong)';
    } catch (error) {
      report['otherFolderOnTakenPort'] = (error as Error).message;
    }
  } finally {
    await database.close();
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
