// Worker processes for fault-injection specs: `npm run worker` started as a child of the spec on a
// test database, its exit awaited, its compute processes found, and a polling helper.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from '@negmine/formats/testing';
import type { DatabaseConnection } from '../../src/db/connection';

/** The worker's environment besides DATABASE_URL; a spec overrides what its fault needs. */
const WORKER_ENV: Readonly<Record<string, string>> = {
  NEGMINE_WORKERS: '1',
  NEGMINE_THREADS: '1',
  NEGMINE_HEARTBEAT_SECONDS: '2',
  NEGMINE_STALE_AFTER_SECONDS: '30',
  LOG_LEVEL: 'warn',
};

/** A worker process (apps/api/src/worker.ts from sources) on the test schema of `connection`. */
export function startWorkerProcess(
  connection: DatabaseConnection,
  env: Readonly<Record<string, string>> = {},
): ChildProcess {
  const url = new URL(connection.url);
  url.searchParams.set('schema', connection.schema);
  return spawn(process.execPath, [path.join(repositoryRoot(), 'apps', 'api', 'scripts', 'run.js'), 'worker'], {
    env: { ...process.env, ...WORKER_ENV, ...env, DATABASE_URL: url.toString() },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Resolves with the exit code (null when killed by a signal) once `child` has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Sends SIGKILL to `child` and waits for it to be gone. */
export async function killNow(child: ChildProcess): Promise<void> {
  const gone = exited(child);
  child.kill('SIGKILL');
  await gone;
}

/** Kills what a spec left running (its own worker processes only). */
export function killAll(children: readonly ChildProcess[]): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Ids of the live processes whose parent is `pid` (a worker's compute processes), from /proc. */
export function childProcessIds(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the parenthesised command name: state, ppid, ...
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === pid && state !== 'Z') children.push(Number(entry));
  }
  return children;
}

/** True while process `pid` exists and is not a zombie (an orphan's exit, whoever reaps it). */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `condition` every `intervalMs` until it holds; fails the spec after `timeoutMs`. */
export async function until(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what = 'condition',
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
