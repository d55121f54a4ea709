// Where the embedded cluster lives. Postgres refuses to run as root, so a root process runs the server
// as the OS user `postgres`, which can only use a folder whose every parent it may enter. The cluster
// therefore follows the configured folder (by default under HOME) whenever that account can reach it,
// and only a private home (root's own 0700 /root, typically) sends it to a system folder, one per home.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { ServerAccount } from './postgres-binaries';

export const SYSTEM_CLUSTER_ROOT = '/var/lib/negmine';

export interface ClusterLocation {
  readonly dir: string;
  /** Why this folder: said in the ready line. */
  readonly reason: 'configured' | 'home not enterable by the server account';
}

/** True when `account` may enter (search) `dir` and every folder above it. */
export function accountCanEnter(dir: string, account: ServerAccount): boolean {
  if (account.uid === undefined) return true;
  const result = spawnSync('test', ['-x', dir], {
    uid: account.uid,
    gid: account.gid,
    stdio: 'ignore',
    timeout: 10_000,
  });
  return result.error === undefined && result.status === 0;
}

function nearestExisting(dir: string): string {
  let current = path.resolve(dir);
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/** The system folder for a cluster whose home is private: root's /root keeps the historical path. */
export function systemClusterDir(home: string, systemRoot = SYSTEM_CLUSTER_ROOT): string {
  const normalised = path.resolve(home);
  if (normalised === '/root') return path.join(systemRoot, 'pg');
  const slug = normalised
    .split(path.sep)
    .filter((part) => part.length > 0)
    .join('-')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(systemRoot, `home-${slug || 'root-dir'}`, 'pg');
}

/**
 * The cluster folder to use for `requested`: itself when the server account can reach it (always
 * when we are not root), else, when it lies under the private `home`, a per-home system folder. A
 * configured folder outside the home that the account cannot reach stays as it is: starting then
 * fails with a message naming NEGMINE_PG_DIR.
 */
export function clusterLocation(
  requested: string,
  account: ServerAccount,
  home = homedir(),
  options: { systemRoot?: string; canEnter?: (dir: string, account: ServerAccount) => boolean } = {},
): ClusterLocation {
  const canEnter = options.canEnter ?? accountCanEnter;
  const dir = path.resolve(requested);
  if (account.uid === undefined || canEnter(nearestExisting(dir), account)) return { dir, reason: 'configured' };
  const homeDir = path.resolve(home);
  const underHome = dir === homeDir || dir.startsWith(`${homeDir}${path.sep}`);
  if (!underHome) return { dir, reason: 'configured' };
  return { dir: systemClusterDir(homeDir, options.systemRoot), reason: 'home not enterable by the server account' };
}
