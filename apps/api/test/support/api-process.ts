// The API as its own process for fault-injection specs: `npm start`'s entry (apps/api/src/main.ts
// from sources) on a test database, with its in-process workers, on a free port; ready once its
// /readyz answers. Killing it (worker-process.ts's killNow) is a crash of the whole service.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repositoryRoot } from '@negmine/formats/testing';
import type { DatabaseConnection } from '../../src/db/connection';
import { freePort } from './free-port';
import { until } from './worker-process';

/** The API's environment besides DATABASE_URL and PORT; a spec overrides what its fault needs. */
const API_ENV: Readonly<Record<string, string>> = {
  NEGMINE_WORKERS: '1',
  NEGMINE_THREADS: '1',
  NEGMINE_SEED_DEMO: 'false',
  NEGMINE_HEARTBEAT_SECONDS: '2',
  NEGMINE_STALE_AFTER_SECONDS: '30',
  LOG_LEVEL: 'warn',
};

export interface ApiProcess {
  readonly child: ChildProcess;
  readonly url: URL;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** Starts the API on the test schema of `connection` and resolves once it is ready (or fails after `timeoutMs`). */
export async function startApiProcess(
  connection: DatabaseConnection,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 90_000,
): Promise<ApiProcess> {
  const database = new URL(connection.url);
  database.searchParams.set('schema', connection.schema);
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repositoryRoot(), 'apps', 'api', 'scripts', 'run.js'), 'main'], {
    env: {
      ...process.env,
      ...API_ENV,
      ...env,
      NODE_ENV: 'production',
      DATABASE_URL: database.toString(),
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = new URL(`http://127.0.0.1:${port}/graphql`);
  await until(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the API process exited before it was ready (${child.exitCode ?? child.signalCode})`);
      try {
        return (await fetch(new URL('/readyz', url))).status === 200;
      } catch {
        return false; // not listening yet
      }
    },
    timeoutMs,
    'the API process ready',
    200,
  );
  return {
    child,
    url,
    async gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown[] };
      if (body.errors !== undefined && body.errors.length > 0)
        throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data as T;
    },
  };
}
