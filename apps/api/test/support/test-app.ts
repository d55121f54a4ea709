// A full service for end-to-end specs: a test database, the real pg-boss queue, workers in this
// process (or none), and the HTTP server on a random port; plus a fetch-based GraphQL client.
import { createServices, startWorkerPool, type AllServices } from '../../src/app';
import type { ApiConfig } from '../../src/config';
import { JobQueue } from '../../src/jobs/queue';
import type { WorkerPool } from '../../src/jobs/worker-pool';
import { startServer, type RunningServer } from '../../src/server';
import { createTestDatabase, type TestDatabase } from './test-database';
import { silentLogger, testConfig } from './test-services';

export interface TestApp {
  readonly db: TestDatabase;
  readonly queue: JobQueue;
  readonly services: AllServices;
  readonly server: RunningServer;
  readonly config: ApiConfig;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  gqlRaw(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  stop(): Promise<void>;
}

/** `serverUrl`: the Postgres server the spec's schema goes to (default the test server). */
export async function startTestApp(overrides: Partial<ApiConfig> = {}, serverUrl?: string): Promise<TestApp> {
  const config = testConfig({ workerCount: 1, heartbeatSeconds: 2, staleAfterSeconds: 30, ...overrides });
  const db = await createTestDatabase(serverUrl);
  let queue: JobQueue | undefined;
  let workers: WorkerPool | undefined;
  let server: RunningServer | undefined;
  let services: AllServices | undefined;
  const stop = async () => {
    workers?.stop();
    await server?.stop();
    await queue?.stop();
    // pg-boss 10's stop() resolves while its offWork loop still polls (every second) for the
    // workers to end; jest tears the spec's environment down under it ("require after teardown"
    // breaks the next suite of an in-band run). Two periods let that loop finish first.
    if (queue !== undefined) await new Promise((resolve) => setTimeout(resolve, 2_100));
    await services?.detectors.disposeAll();
    await services?.clipModels.disposeAll();
    await db.drop();
  };
  try {
    queue = await JobQueue.start(
      db.connection,
      { retryLimit: config.jobRetries, heartbeatSeconds: config.heartbeatSeconds },
      silentLogger,
    );
    services = createServices(db.prisma, queue, config, silentLogger);
    if (config.workerCount > 0) workers = await startWorkerPool(queue, services, config);
    server = await startServer(services, { port: 0, host: '127.0.0.1' });
  } catch (error) {
    await stop();
    throw error;
  }
  const url = server.url;
  const gqlRaw = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
  };
  return {
    db,
    queue,
    services,
    server,
    config,
    gqlRaw,
    async gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const body = await gqlRaw(query, variables);
      if (body.errors !== undefined && body.errors.length > 0)
        throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data as T;
    },
    stop,
  };
}

/** Polls a run over GraphQL until it reaches a terminal status (or fails the test after timeoutMs). */
export async function waitForRun(
  app: TestApp,
  runId: string,
  timeoutMs = 120_000,
): Promise<{ status: string; error: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { runStatus } = await app.gql<{ runStatus: { status: string; error: string | null } }>(
      'query($id: ID!) { runStatus(runId: $id) { status error } }',
      { id: runId },
    );
    if (['succeeded', 'failed', 'cancelled'].includes(runStatus.status)) return runStatus;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${runStatus.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
