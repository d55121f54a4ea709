// The RunJob shell every run job goes through: claim (status guard), heartbeat, progress, the
// shard protocol (plan once, park, continue after the last shard), the guarded commit transaction,
// failure with a reason and retry classification. Job bodies only compute; nothing else writes a
// run's status. Internal to apps/api.
import type { Db } from '../db/prisma.service';
import type { JobName, JobPayloads, JobQueue, QueuedJob } from '../jobs/queue';
import type { Logger } from '../logger';
import { decideFailure } from './failure-policy';
import { RUN_JOB_OF_KIND, type RunKind } from './run-kind';
import { RunStep, ShardKind, type RunState, type RunStore } from './run.repository';
import { RunStopped, stopReason, throwIfStopped, type RunStopReason } from './run-stop';

/** Share of a run's progress that its encoding shards account for. */
const ENCODING_PROGRESS = 0.8;

/** What a body is given while it works on one run. */
export interface RunJobContext {
  readonly runId: string;
  readonly logger: Logger;
  /**
   * Aborted (with a RunStopped) when the run is cancelled, its claim is lost, or this process hands
   * the job back on shutdown. Bodies pass it to compute processs and check it between chunks.
   */
  readonly signal: AbortSignal;
  /** Throws the RunStopped once the signal was aborted. */
  throwIfStopped(): void;
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
export type RunJobResult =
  'not-claimed' | 'parked' | 'committed' | 'discarded' | 'failed' | 'cancelled' | 'handed-back';

/** A job this shell is running, so a cancellation or a shutdown can stop it. */
interface ActiveJob {
  readonly runId: string;
  readonly role: 'run' | 'shard';
  readonly controller: AbortController;
  done: Promise<unknown>;
}

/** How long shard jobs may go on after a shutdown began, and how long the shell waits for all jobs. */
export interface HandBackOptions {
  /** Shard jobs still encoding after this are stopped and handed back (their run jobs are stopped at once). */
  readonly shardGraceMs: number;
  /** The hand-back returns after this even if a job has not ended yet. */
  readonly deadlineMs: number;
}

export class RunJobShell {
  private readonly active = new Set<ActiveJob>();
  private handingBack = false;

  constructor(
    private readonly store: RunStore,
    private readonly queue: Pick<JobQueue, 'send'>,
    private readonly logger: Logger,
    private readonly heartbeatSeconds: number,
    /** How often a running job reads its run's status to notice a cancellation from another process. */
    private readonly stopCheckMs = 1_000,
  ) {}

  /** Jobs running in this process now. */
  get activeJobs(): number {
    return this.active.size;
  }

  /** Stops this process's jobs of a run at once (a cancellation made in this process). */
  stopRun(runId: string, reason: RunStopReason): void {
    for (const job of this.active) if (job.runId === runId) job.controller.abort(new RunStopped(reason));
  }

  /**
   * Shutdown: hands every running job back to the queue. Run jobs stop at once (their compute
   * threads are terminated; the run keeps its step and finished shards and is re-sent unclaimed);
   * shard jobs may finish within `shardGraceMs`, then are stopped and re-sent. Jobs delivered from
   * now on are re-sent without being run. Resolves when every job ended or at `deadlineMs`.
   */
  async handBackAll(options: HandBackOptions): Promise<void> {
    this.handingBack = true;
    const jobs = [...this.active];
    for (const job of jobs) if (job.role === 'run') job.controller.abort(new RunStopped('handed-back'));
    const shardTimer = setTimeout(() => {
      for (const job of this.active) job.controller.abort(new RunStopped('handed-back'));
    }, options.shardGraceMs);
    let deadline: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.allSettled(jobs.map((job) => job.done)),
        new Promise((resolve) => (deadline = setTimeout(resolve, options.deadlineMs))),
      ]);
    } finally {
      clearTimeout(shardTimer);
      clearTimeout(deadline);
    }
  }

  /** Runs a run job: a throw that should be retried is rethrown (the queue retries the same job). */
  async run(body: RunJobBody, job: QueuedJob<RunJobName>): Promise<RunJobResult> {
    const { runId } = job.data;
    const logger = this.logger.child({ runId, kind: body.kind, jobId: job.id, attempt: job.retryCount + 1 });
    if (this.handingBack) {
      await this.resendRun(body.kind, runId);
      return 'handed-back';
    }
    const claim = await this.store.claim(body.kind, runId, job.id);
    if (claim === null) {
      logger.debug('run not claimed (finished, cancelled, gone or held by another job)');
      return 'not-claimed';
    }
    if (!claim.newAttempt && job.retryCount > 0)
      await this.store.noteResumed(body.kind, runId, `resumed by job attempt ${job.retryCount + 1}`);
    const stop = { role: 'run' as const, check: (run: RunState | null) => runStop(run, job.id) };
    const handBack = async (): Promise<void> => {
      const note = `attempt ${claim.run.attempts} handed back to the queue at step ${(await this.store.findOfKind(body.kind, runId))?.step ?? claim.run.step} by a worker that shut down; resumes on another worker`;
      if (await this.store.handBack(body.kind, runId, job.id, note)) await this.resendRun(body.kind, runId);
    };
    const result = await this.guarded(body.kind, runId, job, logger, stop, handBack, async (context) => {
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
      context.throwIfStopped();
      const outcome = await body.compute(context);
      context.throwIfStopped();
      const committed = await this.store.commit(body.kind, runId, job.id, outcome.runFields, (tx) => outcome.write(tx));
      logger.debug({ committed }, committed ? 'run committed' : 'run changed meanwhile; results discarded');
      return committed ? 'committed' : 'discarded';
    });
    // The last shard finished while the claim was being released: this job takes the run back.
    return result === 'resume' ? this.run(body, { ...job, retryCount: 0 }) : result;
  }

  /** Runs a shard job of an active run, then (last shard) sends the run's job to continue it. */
  async runShard<N extends ShardJobName>(body: ShardJobBody<N>, job: QueuedJob<N>): Promise<RunJobResult> {
    const { runId } = job.data;
    if (this.handingBack) {
      await this.resendShard(job);
      return 'handed-back';
    }
    const run = await this.store.find(runId);
    if (run === null || run.status !== 'running') return 'not-claimed';
    const logger = this.logger.child({
      runId,
      kind: run.kind,
      jobId: job.id,
      shard: job.data.start,
      attempt: job.retryCount + 1,
    });
    const stop = { role: 'shard' as const, check: (state: RunState | null) => runStop(state, undefined) };
    return this.guarded(
      run.kind,
      runId,
      job,
      logger,
      stop,
      () => this.resendShard(job),
      async (context) => {
        await body.encode(job.data, context);
        // A shard stopped while encoding keeps nothing of a cancelled run (and a handed-back one is re-sent whole).
        context.throwIfStopped();
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
      },
    );
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
  private async park(body: RunJobBody, job: QueuedJob<RunJobName>, logger: Logger): Promise<'parked' | 'resume'> {
    const { runId } = job.data;
    await this.store.release(body.kind, runId, job.id);
    if ((await this.store.shardCounts(runId)).pending > 0) {
      logger.debug('run parked until its shards are encoded');
      return 'parked';
    }
    return 'resume';
  }

  /** Re-sends a run's job (a hand-back: the run is unclaimed and keeps its step). */
  private async resendRun(kind: RunKind, runId: string): Promise<void> {
    await this.queue.send(RUN_JOB_OF_KIND[kind], { runId }, `${RUN_JOB_OF_KIND[kind]}:${runId}:handed-back`);
  }

  private async resendShard<N extends ShardJobName>(job: QueuedJob<N>): Promise<void> {
    const target = shardTarget(job.data);
    await this.queue.send(
      'imageSetId' in job.data ? 'encode-images' : 'encode-text',
      job.data,
      `${target.kind}:${job.data.runId}:${target.targetId}:${job.data.start}`,
    );
  }

  /**
   * Heartbeat and stop checks while `work` runs; failure policy when it throws. A job stopped by a
   * cancellation ends quietly (nothing more is stored); a job stopped by a shutdown is handed back
   * (`handBack`), spending no retry of the queue and no attempt of the run.
   */
  private async guarded<R extends string>(
    kind: RunKind,
    runId: string,
    job: QueuedJob<JobName>,
    logger: Logger,
    stop: { role: 'run' | 'shard'; check: (run: RunState | null) => RunStopReason | undefined },
    handBack: () => Promise<void>,
    work: (context: RunJobContext) => Promise<R>,
  ): Promise<R | RunJobResult> {
    const controller = new AbortController();
    const active: ActiveJob = { runId, role: stop.role, controller, done: Promise.resolve() };
    const timer = setInterval(() => {
      this.store.heartbeat(kind, runId).catch((error: unknown) => logger.warn({ err: error }, 'heartbeat failed'));
    }, this.heartbeatSeconds * 1000);
    timer.unref();
    let checking = false;
    const stopCheck = setInterval(() => {
      if (checking || controller.signal.aborted) return;
      checking = true;
      this.store
        .findOfKind(kind, runId)
        .then((run) => {
          const reason = stop.check(run);
          if (reason !== undefined && !controller.signal.aborted) {
            logger.info({ reason }, 'run job stopping');
            controller.abort(new RunStopped(reason));
          }
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'run status check failed'))
        .finally(() => (checking = false));
    }, this.stopCheckMs);
    stopCheck.unref();
    const context: RunJobContext = {
      runId,
      logger,
      signal: controller.signal,
      throwIfStopped: () => throwIfStopped(controller.signal),
      progress: (fraction) =>
        this.store.progress(
          kind,
          runId,
          ENCODING_PROGRESS + (1 - ENCODING_PROGRESS) * Math.max(0, Math.min(1, fraction)),
        ),
    };
    const startedAt = Date.now();
    const running = (async (): Promise<R | RunJobResult> => {
      try {
        const result = await work(context);
        logger.debug({ durationMs: Date.now() - startedAt, result }, 'job done');
        return result;
      } catch (error) {
        const stopped = stopReason(controller.signal);
        if (stopped !== undefined) return this.stopped(stopped.reason, logger, startedAt, handBack);
        const decision = decideFailure(error, job.retryCount, job.retryLimit);
        logger.warn({ err: error, retry: decision.retry, code: decision.code }, 'job failed');
        if (decision.retry) {
          await this.store
            .noteRetry(kind, runId, decision.message, job.retryCount + 1, decision.code)
            .catch(() => undefined);
          throw error;
        }
        await this.store.fail(kind, runId, decision.message, decision.code);
        return 'failed';
      } finally {
        clearInterval(timer);
        clearInterval(stopCheck);
      }
    })();
    active.done = running.catch(() => undefined);
    this.active.add(active);
    try {
      return await running;
    } finally {
      this.active.delete(active);
    }
  }

  private async stopped(
    reason: RunStopReason,
    logger: Logger,
    startedAt: number,
    handBack: () => Promise<void>,
  ): Promise<RunJobResult> {
    const durationMs = Date.now() - startedAt;
    if (reason === 'handed-back') {
      await handBack();
      logger.info({ durationMs }, 'job handed back to the queue');
      return 'handed-back';
    }
    logger.info({ durationMs, reason }, 'job stopped; nothing more is stored');
    return reason === 'cancelled' ? 'cancelled' : 'discarded';
  }
}

/** Why a job of `run` must stop, from the run's current state (`jobId`: the claim a run job holds). */
function runStop(run: RunState | null, jobId: string | undefined): RunStopReason | undefined {
  if (run === null || run.status !== 'running') return 'cancelled';
  if (jobId !== undefined && run.claimedBy !== jobId) return 'claim-lost';
  return undefined;
}
