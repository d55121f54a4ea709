// The job queue: pg-boss in the same Postgres as the data, so any number of API and worker
// processes on any machines share it. Job names and payloads are declared here once.
import { Client } from 'pg';
import type { DatabaseConnection } from '../db/connection';
import type { Logger } from '../logger';
import { tolerateLostJobCompletions } from './lost-job-completions';

/** Every job kind and its payload. */
export interface JobPayloads {
  /** Mine negatives for one mining run. */
  mine: { runId: string };
  /** Score and evaluate one evaluation run (once its image embeddings exist). */
  evaluate: { runId: string };
  /** Evaluate every grid point of a validated sweep, choose, and evaluate the choice on the test sets. */
  sweep: { runId: string };
  /** Encode images [start, end) of one image set for a run with model modelId (absent in jobs queued before it was sent); writes the embedding cache. */
  'encode-images': { runId: string; imageSetId: string; start: number; end: number; modelId?: string };
  /** Encode texts [start, end) of a corpus (targetId = corpus id) for a mining run. */
  'encode-text': { runId: string; corpusId: string; start: number; end: number };
}

export type JobName = keyof JobPayloads;

/** How long stop() waits for handlers still running after pg-boss stopped. */
const HANDLER_DRAIN_MS = 5_000;
/** One period of pg-boss's offWork re-check loop (manager.js: `await delay(1000)`), plus a margin. */
const OFF_WORK_TICK_MS = 1_100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
export const JOB_NAMES: readonly JobName[] = ['mine', 'evaluate', 'sweep', 'encode-images', 'encode-text'];

/**
 * How a worker process sizes its slots per job: run jobs (long: minutes of compute) and encoding
 * shards (short: one shard of inputs). Every job name is its own pg-boss queue with its own slots,
 * so no kind waits behind another.
 */
export type JobClass = 'run' | 'shard';
export const JOB_CLASS: Readonly<Record<JobName, JobClass>> = {
  mine: 'run',
  evaluate: 'run',
  sweep: 'run',
  'encode-images': 'shard',
  'encode-text': 'shard',
};

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
  /** The runs' heartbeat interval; a shard job silent for many of these is taken for dead (see SHARD_EXPIRY_SECONDS). */
  readonly heartbeatSeconds: number;
}

// pg-boss 10 (the last line whose engines accept Node 20) has no per-job heartbeat: an active job
// is failed (and retried) once it has been active for its queue's expiry. Mining and evaluation jobs
// are watched by the runs' own heartbeats (RunService.sweepStaleRuns), so their expiry only bounds a
// hung handler; a shard (512 inputs) takes well under a minute, so a dead shard worker is noticed
// after SHARD_EXPIRY_SECONDS at the latest.
const RUN_EXPIRY_SECONDS = 6 * 3600;
/** pg-boss refuses expiries of 24 h or more. */
const MAX_EXPIRY_SECONDS = 23 * 3600;
const SHARD_EXPIRY_SECONDS = 15 * 60;
const EXPIRY_SECONDS: Record<JobName, number> = {
  mine: RUN_EXPIRY_SECONDS,
  evaluate: RUN_EXPIRY_SECONDS,
  sweep: MAX_EXPIRY_SECONDS,
  'encode-images': SHARD_EXPIRY_SECONDS,
  'encode-text': SHARD_EXPIRY_SECONDS,
};

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
  offWork(name: string): Promise<void>;
  getJobById(name: string, id: string): Promise<{ state: string } | null>;
  getDb(): { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> };
}

/** The queue-schema version pg-boss 10.4 installs; pg-boss 12 (used before) installed 46. */
const PG_BOSS_SCHEMA_VERSION = 24;

export class QueueSchemaError extends Error {
  override readonly name = 'QueueSchemaError';
  readonly code = 'QUEUE_SCHEMA_TOO_NEW';
}

/**
 * pg-boss 10 does not refuse a queue schema made by a newer pg-boss (its queries would then fail one
 * by one), so a newer schema stops start-up here with what to do.
 */
async function assertQueueSchemaUsable(connection: DatabaseConnection): Promise<void> {
  const client = new Client({ connectionString: connection.url });
  await client.connect();
  try {
    const exists = await client.query<{ name: string | null }>('SELECT to_regclass($1) AS name', [
      `"${connection.queueSchema}".version`,
    ]);
    if (exists.rows[0]?.name === null || exists.rows[0]?.name === undefined) return;
    const { rows } = await client.query<{ version: string }>(`SELECT version FROM "${connection.queueSchema}".version`);
    const version = Number(rows[0]?.version);
    if (Number.isFinite(version) && version > PG_BOSS_SCHEMA_VERSION) {
      throw new QueueSchemaError(
        `the job-queue schema '${connection.queueSchema}' was made by a newer pg-boss (schema version ${version}; this negmine uses ${PG_BOSS_SCHEMA_VERSION}): stop every negmine process, run DROP SCHEMA "${connection.queueSchema}" CASCADE in that database (queued jobs are lost; launch their runs again) and start again`,
      );
    }
  } finally {
    await client.end();
  }
}

export class JobQueue {
  /** Ends the tolerance of pg-boss's unawaited job completions (see lost-job-completions.ts). */
  private readonly untolerate: () => void;

  private constructor(
    private readonly boss: PgBossInstance,
    private readonly logger: Logger,
    private readonly schema: string,
  ) {
    this.untolerate = tolerateLostJobCompletions(logger);
  }

  /** Connects pg-boss (installing its schema on first use) and creates the queues. */
  static async start(connection: DatabaseConnection, options: QueueOptions, logger: Logger): Promise<JobQueue> {
    await assertQueueSchemaUsable(connection);
    const PgBoss = require('pg-boss') as new (options: object) => PgBossInstance;
    const boss = new PgBoss({
      connectionString: connection.url,
      schema: connection.queueSchema,
      max: 4,
      application_name: 'negmine-queue',
      maintenanceIntervalSeconds: 5,
      monitorStateIntervalSeconds: 5,
    });
    boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
    await boss.start();
    for (const name of JOB_NAMES) {
      if ((await boss.getQueue(name)) === null) {
        await boss.createQueue(name, {
          retryLimit: options.retryLimit,
          retryDelay: 1,
          expireInSeconds: Math.min(MAX_EXPIRY_SECONDS, Math.max(EXPIRY_SECONDS[name], 30 * options.heartbeatSeconds)),
        });
      }
    }
    return new JobQueue(boss, logger, connection.queueSchema);
  }

  /** Enqueues a job; `singletonKey` makes re-sends of the same logical job collapse while one is queued. */
  async send<N extends JobName>(name: N, data: JobPayloads[N], singletonKey?: string): Promise<string | null> {
    return this.boss.send(name, data, singletonKey === undefined ? {} : { singletonKey });
  }

  /** Runs `handler` for jobs of `name`, `concurrency` at a time in this process. A throw fails (and retries) the job. */
  async work<N extends JobName>(
    name: N,
    concurrency: number,
    handler: (job: QueuedJob<N>) => Promise<void>,
  ): Promise<void> {
    const onJobs = async (jobs: PgBossJob[]): Promise<void> => {
      this.handlersRunning += 1;
      try {
        for (const job of jobs) {
          await handler({
            id: job.id,
            data: job.data as JobPayloads[N],
            retryCount: job.retryCount,
            retryLimit: job.retryLimit,
          });
        }
      } finally {
        this.handlersRunning -= 1;
      }
    };
    // pg-boss 10 runs one job at a time per work() call: `concurrency` calls give that many in parallel.
    for (let slot = 0; slot < concurrency; slot += 1) {
      await this.boss.work(name, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, onJobs);
    }
    this.logger.debug({ queue: name, concurrency }, 'worker registered');
  }

  /** Of `runIds`, those with a job of `name` still waiting, retrying or running. */
  async pendingRunIds(name: JobName, runIds: readonly string[]): Promise<Set<string>> {
    if (runIds.length === 0) return new Set();
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `SELECT DISTINCT data->>'runId' AS "runId" FROM "${this.schema}".job WHERE name = $1 AND state < 'completed' AND data->>'runId' = ANY($2::text[])`,
        [name, [...runIds]],
      );
    return new Set((rows as { runId: string }[]).map((row) => row.runId));
  }

  async jobState(name: JobName, id: string): Promise<string | undefined> {
    return (await this.boss.getJobById(name, id))?.state;
  }

  /** Handlers of this process still running (pg-boss's workers stop only once theirs return). */
  private handlersRunning = 0;

  /** Stops taking jobs in this process (jobs already running go on); sending still works. */
  async stopFetching(): Promise<void> {
    for (const name of JOB_NAMES) await this.boss.offWork(name);
  }

  /**
   * Waits up to `graceMs` for running handlers, then closes. pg-boss fails (and so retries) a job
   * still active then, so shutdown hands its jobs back first (RunJobShell.handBackAll).
   */
  async stop(graceMs = 10_000): Promise<void> {
    try {
      await this.boss.stop({ graceful: true, timeout: graceMs, close: true });
      // pg-boss's offWork (stopFetching, and boss.stop itself) leaves a loop that re-checks every
      // second whether its workers have stopped, and a worker stops only once its handler returns.
      // Waiting for the handlers (bounded: past the grace they fail fast on the closed database) and
      // then one more tick ends that loop before this returns, so it never outlives the queue (in
      // tests: the next spec file crashed once jest had torn down the module registry).
      const deadline = Date.now() + HANDLER_DRAIN_MS;
      while (this.handlersRunning > 0 && Date.now() < deadline) await sleep(100);
      await sleep(OFF_WORK_TICK_MS);
    } finally {
      // Only now: a handler that ended during the drain had its end written to a closed pool.
      this.untolerate();
    }
  }
}
