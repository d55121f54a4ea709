// The RunJob shell every run job goes through: claim (status guard), heartbeat, progress, the
// shard protocol (plan once, park, continue after the last shard), the guarded commit transaction,
// failure with a reason and retry classification. Job bodies only compute; nothing else writes a
// run's status. Internal to apps/api.
import type { Db } from '../db/prisma.service';
import type { JobName, JobPayloads, JobQueue, QueuedJob } from '../jobs/queue';
import type { Logger } from '../logger';
import { decideFailure } from './failure-policy';
import { RUN_JOB_OF_KIND, type RunKind } from './run-kind';
import { RunStep, ShardKind, type RunStore } from './run.repository';

/** Share of a run's progress that its encoding shards account for. */
const ENCODING_PROGRESS = 0.8;

/** What a body is given while it works on one run. */
export interface RunJobContext {
  readonly runId: string;
  readonly logger: Logger;
  /** Reports progress within the compute step, 0..1 (mapped after the encoding share). */
  progress(fraction: number): Promise<void>;
}

/** Rows [start, end) of a target (an image set, or a corpus) that must be encoded before compute. */
export interface ShardRequest {
  readonly kind: ShardKind;
  readonly targetId: string;
  readonly ranges: readonly (readonly [number, number])[];
  /** Image shards: the model that encodes them (so a shard job needs no lookup in the run's table). */
  readonly modelId?: string;
}

/** The computed results of a run, written by the shell's commit after the status guard. */
export interface RunOutcome {
  /** Columns of the run row set with the status flip (e.g. resolved parameters, warnings, statusReason). */
  readonly runFields: object;
  /** Writes the results inside the commit transaction. */
  write(tx: Db): Promise<void>;
}

/** A run job's body: plan (once per attempt), then compute (once the embeddings exist). */
export interface RunJobBody {
  readonly kind: RunKind;
  /** What must be encoded first; an empty list goes straight to compute. */
  prepare(run: RunJobContext): Promise<readonly ShardRequest[]>;
  compute(run: RunJobContext): Promise<RunOutcome>;
}

/** A shard job's body: encodes one shard of a run's target (a run of any kind) into the embedding cache. */
export interface ShardJobBody<N extends ShardJobName> {
  encode(shard: JobPayloads[N], run: RunJobContext): Promise<void>;
}

export type ShardJobName = 'encode-images' | 'encode-text';

/** The queue jobs that execute a run (one per run kind). */
export type RunJobName = (typeof RUN_JOB_OF_KIND)[RunKind];

const SHARD_JOB: Record<ShardKind, ShardJobName> = {
  [ShardKind.images]: 'encode-images',
  [ShardKind.text]: 'encode-text',
};

function shardPayload(request: ShardRequest, runId: string, start: number, end: number): JobPayloads[ShardJobName] {
  if (request.kind === ShardKind.text) return { runId, corpusId: request.targetId, start, end };
  return {
    runId,
    imageSetId: request.targetId,
    start,
    end,
    ...(request.modelId === undefined ? {} : { modelId: request.modelId }),
  };
}

function shardTarget(payload: JobPayloads[ShardJobName]): { kind: ShardKind; targetId: string } {
  return 'imageSetId' in payload
    ? { kind: ShardKind.images, targetId: payload.imageSetId }
    : { kind: ShardKind.text, targetId: payload.corpusId };
}

/** How a call of the shell ended (for logs and tests). */
export type RunJobResult = 'not-claimed' | 'parked' | 'committed' | 'discarded' | 'failed';

export class RunJobShell {
  constructor(
    private readonly store: RunStore,
    private readonly queue: Pick<JobQueue, 'send'>,
    private readonly logger: Logger,
    private readonly heartbeatSeconds: number,
  ) {}

  /** Runs a run job: a throw that should be retried is rethrown (the queue retries the same job). */
  async run(body: RunJobBody, job: QueuedJob<RunJobName>): Promise<RunJobResult> {
    const { runId } = job.data;
    const logger = this.logger.child({ runId, kind: body.kind, jobId: job.id, attempt: job.retryCount + 1 });
    const claim = await this.store.claim(body.kind, runId, job.id);
    if (claim === null) {
      logger.debug('run not claimed (finished, cancelled, gone or held by another job)');
      return 'not-claimed';
    }
    if (!claim.newAttempt && job.retryCount > 0)
      await this.store.noteResumed(body.kind, runId, `resumed by job attempt ${job.retryCount + 1}`);
    return this.guarded(body.kind, runId, job, logger, async (context) => {
      let step = claim.run.step;
      if (step === RunStep.prepare) {
        const requests = await body.prepare(context);
        const pending = await this.planShards(runId, requests);
        const counts = await this.store.shardCounts(runId);
        await this.store.progress(
          body.kind,
          runId,
          (ENCODING_PROGRESS * (counts.total - counts.pending)) / Math.max(1, counts.total),
        );
        if (pending > 0) {
          if (!(await this.store.advance(body.kind, runId, job.id, RunStep.encode))) return 'discarded';
          return this.park(body, job, logger);
        }
        step = RunStep.compute;
      } else if (step === RunStep.encode) {
        if ((await this.store.shardCounts(runId)).pending > 0) return this.park(body, job, logger);
        step = RunStep.compute;
      }
      if (!(await this.store.advance(body.kind, runId, job.id, step))) return 'discarded';
      const outcome = await body.compute(context);
      const committed = await this.store.commit(body.kind, runId, job.id, outcome.runFields, (tx) => outcome.write(tx));
      logger.debug({ committed }, committed ? 'run committed' : 'run changed meanwhile; results discarded');
      return committed ? 'committed' : 'discarded';
    });
  }

  /** Runs a shard job of an active run, then (last shard) sends the run's job to continue it. */
  async runShard<N extends ShardJobName>(body: ShardJobBody<N>, job: QueuedJob<N>): Promise<RunJobResult> {
    const { runId } = job.data;
    const run = await this.store.find(runId);
    if (run === null || run.status !== 'running') return 'not-claimed';
    const logger = this.logger.child({
      runId,
      kind: run.kind,
      jobId: job.id,
      shard: job.data.start,
      attempt: job.retryCount + 1,
    });
    return this.guarded(run.kind, runId, job, logger, async (context) => {
      await body.encode(job.data, context);
      const target = shardTarget(job.data);
      await this.store.finishShard(runId, target.kind, target.targetId, job.data.start);
      const counts = await this.store.shardCounts(runId);
      await this.store.progress(
        run.kind,
        runId,
        (ENCODING_PROGRESS * (counts.total - counts.pending)) / Math.max(1, counts.total),
      );
      // If two last shards finish together both send; the claim lets one continuation run.
      if (counts.pending === 0)
        await this.queue.send(
          RUN_JOB_OF_KIND[run.kind],
          { runId },
          `${RUN_JOB_OF_KIND[run.kind]}:${runId}:after-shards`,
        );
      return 'parked';
    });
  }

  /** Records the shards and sends a job for each pending one; returns how many are pending. */
  private async planShards(runId: string, requests: readonly ShardRequest[]): Promise<number> {
    let pending = 0;
    for (const request of requests) {
      const shards = await this.store.recordShards(runId, request.kind, request.targetId, request.ranges);
      for (const shard of shards) {
        const singletonKey = `${request.kind}:${runId}:${request.targetId}:${shard.start}`;
        await this.queue.send(
          SHARD_JOB[request.kind],
          shardPayload(request, runId, shard.start, shard.end),
          singletonKey,
        );
      }
      pending += shards.length;
    }
    return pending;
  }

  /**
   * Gives up the claim while shards encode. The last shard may have finished before the claim was
   * released (its continuation was then refused), so the pending count is read again afterwards
   * and, when it is zero, this job takes the run back and goes on.
   */
  private async park(body: RunJobBody, job: QueuedJob<RunJobName>, logger: Logger): Promise<RunJobResult> {
    const { runId } = job.data;
    await this.store.release(body.kind, runId, job.id);
    if ((await this.store.shardCounts(runId)).pending > 0) {
      logger.debug('run parked until its shards are encoded');
      return 'parked';
    }
    return this.run(body, { ...job, retryCount: 0 });
  }

  /** Heartbeat while `work` runs; failure policy when it throws. */
  private async guarded(
    kind: RunKind,
    runId: string,
    job: QueuedJob<JobName>,
    logger: Logger,
    work: (context: RunJobContext) => Promise<RunJobResult>,
  ): Promise<RunJobResult> {
    const timer = setInterval(() => {
      this.store.heartbeat(kind, runId).catch((error: unknown) => logger.warn({ err: error }, 'heartbeat failed'));
    }, this.heartbeatSeconds * 1000);
    timer.unref();
    const context: RunJobContext = {
      runId,
      logger,
      progress: (fraction) =>
        this.store.progress(
          kind,
          runId,
          ENCODING_PROGRESS + (1 - ENCODING_PROGRESS) * Math.max(0, Math.min(1, fraction)),
        ),
    };
    const startedAt = Date.now();
    try {
      const result = await work(context);
      logger.debug({ durationMs: Date.now() - startedAt, result }, 'job done');
      return result;
    } catch (error) {
      const decision = decideFailure(error, job.retryCount, job.retryLimit);
      logger.warn({ err: error, retry: decision.retry, code: decision.code }, 'job failed');
      if (decision.retry) {
        await this.store.noteRetry(kind, runId, decision.message, job.retryCount + 1).catch(() => undefined);
        throw error;
      }
      await this.store.fail(kind, runId, decision.message, decision.code);
      return 'failed';
    } finally {
      clearInterval(timer);
    }
  }
}
