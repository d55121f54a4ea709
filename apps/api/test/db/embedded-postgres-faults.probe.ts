// Child-process side of embedded-postgres-faults.spec.ts: each mode runs one scenario of the embedded
// server's operations in plain Node (own exit hooks, the server as a real child process) and reports
// what it observed as one JSON line on stdout. Modes:
//   start-and-crash <dir> <port>   start, report, then die by SIGKILL (no exit hooks: the server is orphaned)
//   adopt <dir> <port>             start on a cluster whose owner died; use it; stop; report whether it stopped
//   supervise <dir> <port>         kill -9 the postmaster and wait for the supervisor to bring it back
//   exit-on-death <dir> <port>     no restarts allowed: report ready, then the default handler exits 1 when it dies
//   legacy <dir> <port>            turn the cluster into a fixed-password one, restart, check the password was rotated
//   locate <dir> <port> <home> <systemRoot>  start with that HOME and report the ready line
import 'reflect-metadata';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import pino from 'pino';
import { isProcessAlive, LEGACY_PASSWORD, passwordFile, readOwner } from '../../src/db/embedded-cluster-files';
import { startEmbeddedPostgres, type EmbeddedPostgresOptions } from '../../src/db/embedded-postgres';

const logLines: Array<{ msg?: string; level?: number }> = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') logLines.push(JSON.parse(line) as { msg?: string });
      done();
    },
  }),
);

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function queryOne(url: string): Promise<number> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    return rows[0]!.one;
  } finally {
    await client.end();
  }
}

async function loginWorks(url: string): Promise<boolean> {
  try {
    return (await queryOne(url)) === 1;
  } catch {
    return false;
  }
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function report(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function main(): Promise<void> {
  const [mode, dir, portText, home, systemRoot] = process.argv.slice(2);
  const dataDir = dir!;
  const port = Number(portText);
  const quick: EmbeddedPostgresOptions = { pollMs: 100 };
  switch (mode) {
    case 'start-and-crash': {
      const pg = await startEmbeddedPostgres(dataDir, port, logger, quick);
      const file = passwordFile(dataDir);
      const password = readFileSync(file, 'utf8').trim();
      report({
        role: pg.role,
        postmasterPid: postmasterPid(dataDir),
        passwordFileMode: (statSync(file).mode & 0o777).toString(8),
        passwordLength: password.length,
        urlCarriesPassword: new URL(pg.url).password === password,
        queryWorks: await loginWorks(pg.url),
        legacyPasswordRefused: !(await loginWorks(withPassword(pg.url, LEGACY_PASSWORD))),
        owner: readOwner(dataDir)?.pid === process.pid,
      });
      process.kill(process.pid, 'SIGKILL');
      return;
    }
    case 'adopt': {
      const orphanPid = postmasterPid(dataDir);
      const pg = await startEmbeddedPostgres(dataDir, port, logger, quick);
      const queryWorks = await loginWorks(pg.url);
      await pg.stop();
      report({
        role: pg.role,
        orphanWasRunning: isProcessAlive(orphanPid) || queryWorks,
        queryWorks,
        ownerAfterStop: readOwner(dataDir)?.pid ?? null,
        stoppedAfterStop: await until(() => !isProcessAlive(orphanPid), 10_000),
      });
      return;
    }
    case 'supervise': {
      const pg = await startEmbeddedPostgres(dataDir, port, logger, quick);
      const firstPid = postmasterPid(dataDir);
      process.kill(firstPid, 'SIGKILL');
      const recovered = await until(() => loginWorks(pg.url), 60_000);
      const secondPid = postmasterPid(dataDir);
      await pg.stop();
      report({
        recovered,
        newPostmaster: secondPid !== firstPid,
        stoppedAfterStop: !isProcessAlive(secondPid),
        restartLogged: logLines.some((line) => line.msg === 'the embedded Postgres died: restarting it'),
      });
      return;
    }
    case 'exit-on-death': {
      const pg = await startEmbeddedPostgres(dataDir, port, logger, { pollMs: 100, maxRestarts: 0 });
      report({ role: pg.role, postmasterPid: postmasterPid(dataDir) });
      // Stay alive until the supervisor's default handler exits the process.
      setInterval(() => undefined, 1_000);
      return;
    }
    case 'legacy': {
      // Simulate a cluster made before random passwords: the fixed password and no password file.
      const first = await startEmbeddedPostgres(dataDir, port, logger, quick);
      const client = new Client({ connectionString: first.url });
      await client.connect();
      await client.query(`ALTER ROLE postgres PASSWORD '${LEGACY_PASSWORD}'`);
      await client.end();
      await first.stop();
      rmSync(passwordFile(dataDir));
      const second = await startEmbeddedPostgres(dataDir, port, logger, quick);
      const rotated = readFileSync(passwordFile(dataDir), 'utf8').trim();
      const result = {
        rotatedLength: rotated.length,
        newPasswordWorks: await loginWorks(second.url),
        legacyPasswordRefused: !(await loginWorks(withPassword(second.url, LEGACY_PASSWORD))),
        rotationLogged: logLines.some(
          (line) => line.msg === 'replaced the embedded Postgres fixed password by a random one',
        ),
      };
      await second.stop();
      report(result);
      return;
    }
    case 'locate': {
      const pg = await startEmbeddedPostgres(dataDir, port, logger, { ...quick, home: home!, systemRoot: systemRoot! });
      const ready = logLines.find((line) => line.msg?.startsWith('embedded Postgres ready') === true);
      await pg.stop();
      report({
        dataDir: pg.dataDir,
        ready: ready?.msg,
        location: (ready as { location?: string } | undefined)?.location,
      });
      return;
    }
    default:
      throw new Error(`unknown mode '${String(mode)}'`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(2);
});
