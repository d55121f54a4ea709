// Composes the service from its parts: database (external or embedded, migrated), job queue,
// services, workers (optional) and the HTTP server (optional). main.ts and worker.ts call this;
// tests use createServices with their own database.
import 'reflect-metadata';
import type { ApiConfig } from './config';
import type { ApiServices } from './context';
import { openDatabase, type Database } from './db/database';
import type { PrismaClient } from './db/prisma.service';
import type { JobServices } from './jobs/job-services';
import { JobQueue } from './jobs/queue';
import { startWorkers, type WorkerPool } from './jobs/worker-pool';
import type { Logger } from './logger';
import { EncodingService } from './modules/embedding/encoding.service';
import { EvaluationJobService } from './modules/evaluation/evaluation-job.service';
import { EvaluationService } from './modules/evaluation/evaluation.service';
import { ImageSetService } from './modules/image-set/image-set.service';
import { ImportService } from './modules/import/import.service';
import { LabelSetService } from './modules/label-set/label-set.service';
import { MiningJobService } from './modules/mining/mining-job.service';
import { MiningLibrary } from './modules/mining/mining-library';
import { MiningService } from './modules/mining/mining.service';
import { ClipModels } from './modules/model/clip-models';
import { ModelService } from './modules/model/model.service';
import { RunLifecycle } from './modules/run/run-lifecycle';
import { RunService } from './modules/run/run.service';
import { startServer, type RunningServer } from './server';

export interface AllServices extends ApiServices {
  readonly jobs: JobServices;
  readonly clipModels: ClipModels;
  readonly miningLibrary: MiningLibrary;
}

export function createServices(prisma: PrismaClient, queue: Pick<JobQueue, 'send'>, config: ApiConfig, logger: Logger): AllServices {
  const clipModels = new ClipModels(config.threads, logger);
  const miningLibrary = new MiningLibrary();
  const lifecycle = new RunLifecycle(prisma, logger, config.heartbeatSeconds);
  const encoding = new EncodingService(prisma, clipModels, miningLibrary, queue, lifecycle, logger);
  return {
    config,
    prisma,
    logger,
    clipModels,
    miningLibrary,
    labelSets: new LabelSetService(prisma),
    models: new ModelService(prisma, config, clipModels),
    imageSets: new ImageSetService(prisma, config),
    imports: new ImportService(prisma, config),
    mining: new MiningService(prisma, queue, miningLibrary, config),
    evaluations: new EvaluationService(prisma, queue, config),
    runs: new RunService(prisma, queue, logger),
    jobs: {
      logger,
      lifecycle,
      encoding,
      miningJobs: new MiningJobService(prisma, miningLibrary, encoding, lifecycle, { threads: config.threads, shardSize: config.shardSize }),
      evaluationJobs: new EvaluationJobService(prisma, miningLibrary, encoding, lifecycle, { threads: config.threads }),
    },
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
  return startWorkers(queue, services.jobs, services.runs, {
    concurrency: config.workerCount,
    sweepSeconds: Math.max(1, Math.floor(config.staleAfterSeconds / 4)),
    stale: { staleAfterSeconds: config.staleAfterSeconds, maxAttempts: config.jobRetries + 1 },
  });
}

/** Opens the database and queue, then starts workers (if workerCount > 0) and the HTTP server (if `http`). */
export async function startApp(config: ApiConfig, logger: Logger, options: { http: boolean }): Promise<App> {
  const database = await openDatabase(config, logger);
  const queue = await JobQueue.start(database.connection, { retryLimit: config.jobRetries, heartbeatSeconds: config.heartbeatSeconds }, logger);
  const services = createServices(database.prisma, queue, config, logger);
  const workers = config.workerCount > 0 ? await startWorkerPool(queue, services, config) : undefined;
  const server = options.http ? await startServer(services, { port: config.port, host: config.host }) : undefined;
  return {
    database,
    queue,
    services,
    server,
    async stop() {
      workers?.stop();
      await server?.stop();
      await queue.stop();
      await services.clipModels.disposeAll();
      await database.close();
    },
  };
}
