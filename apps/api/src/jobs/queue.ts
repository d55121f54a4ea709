// The job queue: pg-boss in the same Postgres as the data, so any number of API and worker
// processes on any machines share it. Job names and payloads are declared here once.
import type { DatabaseConnection } from '../db/connection';
import type { Logger } from '../logger';

/** Every job kind and its payload. */
export interface JobPayloads {
  /** Mine negatives for one mining run. */
  mine: { runId: string };
  /** Score and evaluate one evaluation run (once its image embeddings exist). */
  evaluate: { runId: string };
  /** Encode images [start, end) of one image set for a run; writes the embedding cache. */
  'encode-images': { runId: string; imageSetId: string; start: number; end: number };
  /** Encode texts [start, end) of a corpus (targetId = corpus id) for a mining run. */
  'encode-text': { runId: string; corpusId: string; start: number; end: number };
}

export type JobName = keyof JobPayloads;
export const JOB_NAMES: readonly JobName[] = ['mine', 'evaluate', 'encode-images', 'encode-text'];

export interface QueuedJob<N extends JobName> {
  readonly id: string;
  readonly data: JobPayloads[N];
  /** 0 on the first attempt. */
  readonly retryCount: number;
  readonly retryLimit: number;
}

export interface QueueOptions {
  /** Times a failed job is retried. */
  readonly retryLimit: number;
  /** pg-boss fails (and retries) an active job whose worker sent no heartbeat for this long (>= 10). */
  readonly heartbeatSeconds: number;
}

interface PgBossJob {
  id: string;
  data: unknown;
  retryCount: number;
  retryLimit: number;
}

interface PgBossInstance {
  on(event: 'error', listener: (error: Error) => void): void;
  start(): Promise<unknown>;
  stop(options?: { graceful?: boolean; timeout?: number; close?: boolean }): Promise<void>;
  createQueue(name: string, options?: object): Promise<void>;
  getQueue(name: string): Promise<unknown>;
  send(name: string, data: object, options?: object): Promise<string | null>;
  work(name: string, options: object, handler: (jobs: PgBossJob[]) => Promise<unknown>): Promise<string>;
  getJobById(name: string, id: string): Promise<{ state: string } | null>;
}

export class JobQueue {
  private constructor(
    private readonly boss: PgBossInstance,
    private readonly logger: Logger,
  ) {}

  /** Connects pg-boss (installing its schema on first use) and creates the queues. */
  static async start(connection: DatabaseConnection, options: QueueOptions, logger: Logger): Promise<JobQueue> {
    // pg-boss is ESM-only; Node 20.19+ loads it through require(esm).
    const { PgBoss } = require('pg-boss') as { PgBoss: new (options: object) => PgBossInstance };
    const boss = new PgBoss({
      connectionString: connection.url,
      schema: connection.queueSchema,
      max: 4,
      application_name: 'negmine-queue',
      superviseIntervalSeconds: 5,
      monitorIntervalSeconds: 5,
    });
    boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
    await boss.start();
    for (const name of JOB_NAMES) {
      if ((await boss.getQueue(name)) === null) {
        await boss.createQueue(name, {
          retryLimit: options.retryLimit,
          retryDelay: 1,
          heartbeatSeconds: Math.max(10, options.heartbeatSeconds),
          expireInSeconds: 6 * 3600,
        });
      }
    }
    return new JobQueue(boss, logger);
  }

  /** Enqueues a job; `singletonKey` makes re-sends of the same logical job collapse while one is queued. */
  async send<N extends JobName>(name: N, data: JobPayloads[N], singletonKey?: string): Promise<string | null> {
    return this.boss.send(name, data, singletonKey === undefined ? {} : { singletonKey });
  }

  /** Runs `handler` for jobs of `name`, `concurrency` at a time in this process. A throw fails (and retries) the job. */
  async work<N extends JobName>(name: N, concurrency: number, handler: (job: QueuedJob<N>) => Promise<void>): Promise<void> {
    await this.boss.work(name, { batchSize: 1, localConcurrency: concurrency, pollingIntervalSeconds: 0.5, includeMetadata: true }, async (jobs) => {
      for (const job of jobs) {
        await handler({ id: job.id, data: job.data as JobPayloads[N], retryCount: job.retryCount, retryLimit: job.retryLimit });
      }
    });
    this.logger.debug({ queue: name, concurrency }, 'worker registered');
  }

  async jobState(name: JobName, id: string): Promise<string | undefined> {
    return (await this.boss.getJobById(name, id))?.state;
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000, close: true });
  }
}
