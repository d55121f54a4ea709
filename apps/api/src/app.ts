// Composes the service from its parts: database (external or embedded, migrated), job queue,
// services, workers (optional) and the HTTP server (optional). main.ts and worker.ts call this;
// tests use createServices with their own database.
import 'reflect-metadata';
import { ApiKeyRepository } from './auth/api-key.repository';
import { ApiKeyStore } from './auth/api-key.store';
import type { ApiConfig } from './config';
import type { ApiServices } from './context';
import { openDatabase, type Database } from './db/database';
import type { PrismaClient } from './db/prisma.service';
import { databaseReady } from './db/readiness';
import { createFeatureServices, featureJobs } from './features';
import { JobHandlers } from './jobs/job-handlers';
import { JobQueue } from './jobs/queue';
import { startWorkers, type WorkerPool } from './jobs/worker-pool';
import type { Logger } from './logger';
import { startServer, type RunningServer } from './server';

export interface AllServices extends ApiServices {
  /** For db/ (the demo seed) and tests; features reach the database only through their repositories. */
  readonly prisma: PrismaClient;
  /** The queue jobs' handlers (each a feature's body run through the RunJob shell). */
  readonly jobs: JobHandlers;
  /** API keys: verified by the server on every request, managed by `npm run keys`. */
  readonly apiKeys: ApiKeyStore;
  /** True when the database answers (GET /readyz). */
  readonly databaseReady: () => Promise<boolean>;
}

export function createServices(
  prisma: PrismaClient,
  queue: Pick<JobQueue, 'send'>,
  config: ApiConfig,
  logger: Logger,
): AllServices {
  const infrastructure = { prisma, queue, config, logger };
  const services = createFeatureServices(infrastructure);
  return {
    ...services,
    config,
    logger,
    prisma,
    jobs: new JobHandlers(services.runJobs, featureJobs(services, infrastructure)),
    apiKeys: new ApiKeyStore(new ApiKeyRepository(prisma)),
    databaseReady: () => databaseReady(prisma),
  };
}

export interface App {
  readonly database: Database;
  readonly queue: JobQueue;
  readonly services: AllServices;
  readonly server: RunningServer | undefined;
  stop(): Promise<void>;
}

export async function startWorkerPool(queue: JobQueue, services: AllServices, config: ApiConfig): Promise<WorkerPool> {
  return startWorkers(queue, services.jobs, services.runs, services.logger, {
    concurrency: { run: config.workerCount, shard: config.shardWorkerCount },
    sweepSeconds: Math.max(1, Math.floor(config.staleAfterSeconds / 4)),
    stale: { staleAfterSeconds: config.staleAfterSeconds, maxAttempts: config.jobRetries + 1 },
  });
}

/** What the queue may still take to close once every job was handed back. */
const SHUTDOWN_QUEUE_CLOSE_MS = 2_000;

/**
 * The first part of a graceful shutdown: no new jobs, HTTP drained while this process's running
 * jobs are handed back to the queue (run jobs at once, shards after part of the grace), all within
 * NEGMINE_SHUTDOWN_GRACE_SECONDS.
 */
async function stopWorkersAndServer(
  config: ApiConfig,
  services: AllServices,
  queue: JobQueue,
  workers: WorkerPool | undefined,
  server: RunningServer | undefined,
): Promise<void> {
  workers?.stop();
  const graceMs = config.shutdownGraceSeconds * 1000;
  await Promise.all([
    server?.stop(),
    workers === undefined
      ? undefined
      : queue
          .stopFetching()
          .then(() => services.runJobs.handBackAll({ shardGraceMs: Math.floor(graceMs * 0.6), deadlineMs: graceMs })),
  ]);
}

/** Opens the database and queue, then starts workers (if workerCount > 0) and the HTTP server (if `http`). */
export async function startApp(config: ApiConfig, logger: Logger, options: { http: boolean }): Promise<App> {
  const database = await openDatabase(config, logger);
  const queue = await JobQueue.start(
    database.connection,
    { retryLimit: config.jobRetries, heartbeatSeconds: config.heartbeatSeconds },
    logger,
  );
  const services = createServices(database.prisma, queue, config, logger);
  const workers = config.workerCount > 0 ? await startWorkerPool(queue, services, config) : undefined;
  let server: RunningServer | undefined;
  try {
    server = options.http ? await startServer(services, { port: config.port, host: config.host }) : undefined;
  } catch (error) {
    // e.g. AccessModeError (no key off loopback): release the queue and the (embedded) database first.
    workers?.stop();
    await queue.stop();
    await database.close();
    throw error;
  }
  return {
    database,
    queue,
    services,
    server,
    async stop() {
      await stopWorkersAndServer(config, services, queue, workers, server);
      await queue.stop(SHUTDOWN_QUEUE_CLOSE_MS);
      await services.detectors.disposeAll();
      await services.clipModels.disposeAll();
      await database.close();
    },
  };
}
