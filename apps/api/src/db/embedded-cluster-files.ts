// The small files negmine keeps inside the embedded cluster's data folder: the superuser password
// (random per cluster, 0600, owned by the server account) and the record of which process owns the
// running server (so a start after a crash can take an orphaned server over and stop it cleanly).
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServerAccount } from './postgres-binaries';

const PASSWORD_FILE = 'negmine-superuser.password';
const OWNER_FILE = 'negmine-owner.json';
/** The fixed password of clusters initialised before passwords were random; rotated on their next start. */
export const LEGACY_PASSWORD = 'negmine';

/** 32 random bytes as URL-safe base64 (no characters that need escaping in a postgres URL). */
export function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

export function passwordFile(dataDir: string): string {
  return path.join(dataDir, PASSWORD_FILE);
}

/** The stored superuser password, or undefined for a cluster that predates random passwords. */
export function readPassword(dataDir: string): string | undefined {
  const file = passwordFile(dataDir);
  if (!existsSync(file)) return undefined;
  const password = readFileSync(file, 'utf8').trim();
  if (password.length === 0)
    throw new Error(`the embedded Postgres password file '${file}' is empty; restore it or remove the cluster folder`);
  return password;
}

/** Writes `content` to `file` with mode 0600, owned by the server account, atomically (temp file + rename). */
function writePrivate(file: string, content: string, account: ServerAccount): void {
  const staging = `${file}.partial-${process.pid}`;
  try {
    writeFileSync(staging, content, { mode: 0o600, flag: 'w' });
    if (account.uid !== undefined) chownSync(staging, account.uid, account.gid ?? account.uid);
    renameSync(staging, file);
  } finally {
    rmSync(staging, { force: true });
  }
}

export function writePassword(dataDir: string, password: string, account: ServerAccount): void {
  writePrivate(passwordFile(dataDir), `${password}\n`, account);
}

/** Which process runs (or last ran) the server; `startTicks` tells a live owner from a reused pid. */
export interface ServerOwner {
  readonly pid: number;
  readonly startTicks?: string;
}

/** The start time of a process in clock ticks since boot (Linux /proc), undefined elsewhere or if it is gone. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) comes after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readOwner(dataDir: string): ServerOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dataDir, OWNER_FILE), 'utf8')) as Partial<ServerOwner>;
    return typeof parsed.pid === 'number'
      ? { pid: parsed.pid, ...(typeof parsed.startTicks === 'string' ? { startTicks: parsed.startTicks } : {}) }
      : undefined;
  } catch {
    return undefined;
  }
}

/** True when the recorded owner is a live process (the same one: its start time matches when known). */
export function isOwnerAlive(owner: ServerOwner | undefined): boolean {
  if (owner === undefined || !isProcessAlive(owner.pid)) return false;
  if (owner.startTicks === undefined) return true;
  const ticks = processStartTicks(owner.pid);
  return ticks === undefined || ticks === owner.startTicks;
}

export function writeOwner(dataDir: string, account: ServerAccount, pid = process.pid): void {
  const startTicks = processStartTicks(pid);
  writePrivate(
    path.join(dataDir, OWNER_FILE),
    `${JSON.stringify({ pid, ...(startTicks === undefined ? {} : { startTicks }) })}\n`,
    account,
  );
}

export function clearOwner(dataDir: string, pid = process.pid): void {
  if (readOwner(dataDir)?.pid === pid) rmSync(path.join(dataDir, OWNER_FILE), { force: true });
}
