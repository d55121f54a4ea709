// Operations of the embedded Postgres, each in a child Node process (see the probe): the superuser
// password is random and private; a server orphaned by a crash is taken over and stopped by the next
// owner's clean shutdown; a postmaster killed with -9 is restarted; when restarting is not possible
// the process exits non-zero; a cluster with the old fixed password has it rotated; as root the
// cluster follows HOME when the server account can enter it, and the ready line says where it went.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repositoryRoot } from '@negmine/formats/testing';
import { isProcessAlive } from '../../src/db/embedded-cluster-files';
import { freePort } from '../support/free-port';

const RUN_SCRIPT = path.join(repositoryRoot(), 'apps', 'api', 'scripts', 'run-script.js');
const PROBE = path.join(__dirname, 'embedded-postgres-faults.probe.ts');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function probe(...args: string[]): {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  report: Record<string, unknown>;
} {
  const result = spawnSync(process.execPath, [RUN_SCRIPT, PROBE, ...args], { encoding: 'utf8', timeout: 180_000 });
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  return {
    status: result.status,
    signal: result.signal,
    stderr: result.stderr,
    report: last === '' ? {} : (JSON.parse(last) as Record<string, unknown>),
  };
}

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('embedded Postgres operations', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'negmine-embedded-ops-'));
    // As root the server runs as the OS user `postgres`, which must be able to enter this folder.
    chmodSync(root, 0o755);
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('initialises with a random private password, and a start after a crash takes the orphaned server over and stops it', async () => {
    const dataDir = path.join(root, 'crash', 'pg');
    const port = await freePort();
    const crashed = probe('start-and-crash', dataDir, String(port));
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.report).toEqual({
      role: 'started',
      postmasterPid: expect.any(Number),
      passwordFileMode: '600',
      passwordLength: 43,
      urlCarriesPassword: true,
      queryWorks: true,
      legacyPasswordRefused: true,
      owner: true,
    });
    const orphan = crashed.report['postmasterPid'] as number;
    expect(isProcessAlive(orphan)).toBe(true);

    const adopted = probe('adopt', dataDir, String(port));
    expect(adopted.stderr).toBe('');
    expect(adopted.report).toEqual({
      role: 'adopted',
      orphanWasRunning: true,
      queryWorks: true,
      ownerAfterStop: null,
      stoppedAfterStop: true,
    });
    expect(isProcessAlive(orphan)).toBe(false);

    // Another cluster gets another password.
    const other = path.join(root, 'other', 'pg');
    const second = probe('start-and-crash', other, String(await freePort()));
    expect(readFileSync(path.join(other, 'negmine-superuser.password'), 'utf8')).not.toBe(
      readFileSync(path.join(dataDir, 'negmine-superuser.password'), 'utf8'),
    );
    process.kill(second.report['postmasterPid'] as number, 'SIGINT');
    await until(() => !isProcessAlive(second.report['postmasterPid'] as number), 10_000);
  }, 240_000);

  it('restarts a postmaster killed with -9 and stops the new one on shutdown', async () => {
    const result = probe('supervise', path.join(root, 'supervise', 'pg'), String(await freePort()));
    expect(result.stderr).toBe('');
    expect(result.report).toEqual({
      recovered: true,
      newPostmaster: true,
      stoppedAfterStop: true,
      restartLogged: true,
    });
  }, 200_000);

  it('exits the process with status 1 when the server dies and may not be restarted', async () => {
    const dataDir = path.join(root, 'exit', 'pg');
    const child = spawn(process.execPath, [RUN_SCRIPT, PROBE, 'exit-on-death', dataDir, String(await freePort())], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    expect(await until(() => stdout.includes('\n'), 120_000)).toBe(true);
    const ready = JSON.parse(stdout.trim()) as { role: string; postmasterPid: number };
    expect(ready.role).toBe('started');
    process.kill(ready.postmasterPid, 'SIGKILL');
    expect(await exited).toBe(1);
    // The dead server's backends go on their own; nothing is left running on the cluster.
    expect(await until(() => !isProcessAlive(postmasterPid(dataDir)), 10_000)).toBe(true);
  }, 200_000);

  it('replaces the fixed password of a cluster made before random passwords', async () => {
    const result = probe('legacy', path.join(root, 'legacy', 'pg'), String(await freePort()));
    expect(result.stderr).toBe('');
    expect(result.report).toEqual({
      rotatedLength: 43,
      newPasswordWorks: true,
      legacyPasswordRefused: true,
      rotationLogged: true,
    });
  }, 200_000);

  (isRoot ? it : it.skip)(
    'as root, follows HOME when the server account can enter it and says where it went',
    async () => {
      const openHome = path.join(root, 'open-home');
      mkdirSync(openHome, { mode: 0o755 });
      chmodSync(openHome, 0o755);
      const followed = probe(
        'locate',
        path.join(openHome, '.negmine', 'pg'),
        String(await freePort()),
        openHome,
        path.join(root, 'system'),
      );
      expect(followed.stderr).toBe('');
      expect(followed.report).toEqual({
        dataDir: path.join(openHome, '.negmine', 'pg'),
        ready: expect.stringContaining(`cluster in ${path.join(openHome, '.negmine', 'pg')}`),
        location: 'configured',
      });

      const privateHome = path.join(root, 'private-home');
      mkdirSync(privateHome, { mode: 0o700 });
      chmodSync(privateHome, 0o700);
      const system = path.join(root, 'system');
      const moved = probe(
        'locate',
        path.join(privateHome, '.negmine', 'pg'),
        String(await freePort()),
        privateHome,
        system,
      );
      expect(moved.stderr).toBe('');
      const expected = path.join(system, `home-${privateHome.split(path.sep).filter(Boolean).join('-')}`, 'pg');
      expect(moved.report).toEqual({
        dataDir: expected,
        ready: expect.stringContaining(`cluster in ${expected}`),
        location: 'home not enterable by the server account',
      });
    },
    240_000,
  );
});
