// What mining and evaluation runs share, for the API: progress, cancellation, and the stale-run
// sweep that keeps a run from staying "running" forever when its worker died (re-queue or fail,
// with a reason). Every status change goes through the RunStore.
import { conflict, notFound } from '../errors';
import type { JobQueue } from '../jobs/queue';
import type { Logger } from '../logger';
import { TERMINAL_STATUSES } from '../shared/enums';
import { RUN_JOB_OF_KIND, RUN_KINDS, type RunKind } from './run-kind';
import type { RunEventRow, RunStore } from './run.repository';
import type { RunProgress } from './run.type';

export interface StaleRunPolicy {
  /** A running run whose heartbeat is older than this is stale. */
  readonly staleAfterSeconds: number;
  /** Attempts after which a stale run is failed instead of re-queued. */
  readonly maxAttempts: number;
}

export class RunService {
  constructor(
    private readonly store: RunStore,
    private readonly queue: Pick<JobQueue, 'send'>,
    private readonly logger: Logger,
    /** Told of each cancellation made here, so this process's jobs of the run stop at once (others notice by polling). */
    private readonly onCancelled: (runId: string) => void = () => undefined,
  ) {}

  /** The run's events, oldest first. */
  async history(kind: RunKind, runId: string): Promise<RunEventRow[]> {
    return (await this.store.events(kind, [runId])).get(runId) ?? [];
  }

  async progress(runId: string): Promise<RunProgress> {
    const run = await this.store.find(runId);
    if (run === null) throw notFound('run', runId);
    return {
      runId,
      kind: run.kind,
      status: run.status,
      progress: run.progress,
      statusReason: run.statusReason,
      error: run.error,
    };
  }

  /** Cancels a queued or running run; its jobs see the status within seconds, stop their work and store nothing more. */
  async cancel(runId: string): Promise<RunProgress> {
    const current = await this.progress(runId);
    if (TERMINAL_STATUSES.includes(current.status)) {
      throw conflict(`run ${runId} is already ${current.status}; only queued or running runs can be cancelled`);
    }
    const cancelled = await this.store.cancel(current.kind, runId);
    if (cancelled !== null) this.onCancelled(runId);
    return cancelled === null
      ? this.progress(runId)
      : { ...current, status: cancelled.status, statusReason: cancelled.statusReason };
  }

  /** Enqueues a just-recorded run's job; if the queue refuses, the run fails (it would stay queued forever). */
  async enqueue(kind: RunKind, runId: string): Promise<void> {
    const job = RUN_JOB_OF_KIND[kind];
    try {
      await this.queue.send(job, { runId }, `${job}:${runId}`);
    } catch (error) {
      await this.store.failUnqueued(kind, runId, error);
      throw error;
    }
  }

  /** Polls a run until it reaches a terminal status, yielding each change (works across processes). */
  async *watch(runId: string, intervalMs = 500, signal?: AbortSignal): AsyncGenerator<RunProgress> {
    let last = '';
    for (;;) {
      const current = await this.progress(runId);
      const key = JSON.stringify(current);
      if (key !== last) {
        last = key;
        yield current;
      }
      if (TERMINAL_STATUSES.includes(current.status) || signal?.aborted === true) return;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /**
   * Re-sends the job of every run queued for longer than the stale age that has no job waiting or
   * running: its launcher died between recording the run and enqueueing it. Returns how many.
   */
  async resendOrphanedRuns(
    queue: Pick<JobQueue, 'send' | 'pendingRunIds'>,
    policy: Pick<StaleRunPolicy, 'staleAfterSeconds'>,
    now = new Date(),
  ): Promise<number> {
    const cutoff = new Date(now.getTime() - policy.staleAfterSeconds * 1000);
    let resent = 0;
    for (const kind of RUN_KINDS) {
      const job = RUN_JOB_OF_KIND[kind];
      const queued = await this.store.queuedBefore(kind, cutoff);
      const pending = await queue.pendingRunIds(
        job,
        queued.map((run) => run.id),
      );
      for (const run of queued) {
        if (pending.has(run.id)) continue;
        await this.store.noteRequeued(
          kind,
          run.id,
          `job re-sent at ${now.toISOString()}: the run was queued without one`,
        );
        await queue.send(job, { runId: run.id }, `${job}:${run.id}`);
        this.logger.warn({ runId: run.id, kind }, 'queued run had no job; re-sent');
        resent += 1;
      }
    }
    return resent;
  }

  /** Re-queues (or, past maxAttempts, fails) runs whose heartbeat stopped. Returns how many were touched. */
  async sweepStaleRuns(policy: StaleRunPolicy, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - policy.staleAfterSeconds * 1000);
    let touched = 0;
    for (const kind of RUN_KINDS) {
      for (const run of await this.store.stale(kind, cutoff)) {
        const requeue = run.attempts < policy.maxAttempts;
        // Only the sweeper that flips the status acts, so concurrent sweepers never double-enqueue.
        if (!(await this.store.requeueOrFailStale(run, requeue, now))) continue;
        touched += 1;
        this.logger.warn(
          { runId: run.id, kind, requeue, since: run.heartbeatAt?.toISOString() ?? 'never' },
          'stale run',
        );
        if (requeue) await this.queue.send(RUN_JOB_OF_KIND[kind], { runId: run.id });
      }
    }
    return touched;
  }
}
