// What mining and evaluation runs share: progress, cancellation, and the stale-run sweep that
// keeps a run from staying "running" forever when its worker died (re-queue or fail, with a reason).
import type { PrismaClient } from '../../db/prisma.service';
import { conflict, notFound } from '../../errors';
import type { JobQueue } from '../../jobs/queue';
import type { Logger } from '../../logger';
import { RunStatus, TERMINAL_STATUSES } from '../common/enums';
import { RunKind, type RunProgress } from './run.type';

export interface StaleRunPolicy {
  /** A running run whose heartbeat is older than this is stale. */
  readonly staleAfterSeconds: number;
  /** Attempts after which a stale run is failed instead of re-queued. */
  readonly maxAttempts: number;
}

export class RunService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly queue: Pick<JobQueue, 'send'>,
    private readonly logger: Logger,
  ) {}

  async progress(runId: string): Promise<RunProgress> {
    const select = { id: true, status: true, progress: true, statusReason: true, error: true } as const;
    const mining = await this.prisma.miningRun.findUnique({ where: { id: runId }, select });
    if (mining !== null) return { runId, kind: RunKind.mining, ...mining };
    const evaluation = await this.prisma.evaluationRun.findUnique({ where: { id: runId }, select });
    if (evaluation !== null) return { runId, kind: RunKind.evaluation, ...evaluation };
    throw notFound('run', runId);
  }

  /** Cancels a queued or running run; its job sees the status and stops before writing results. */
  async cancel(runId: string): Promise<RunProgress> {
    const current = await this.progress(runId);
    if (TERMINAL_STATUSES.includes(current.status)) {
      throw conflict(`run ${runId} is already ${current.status}; only queued or running runs can be cancelled`);
    }
    const data = { status: RunStatus.cancelled, statusReason: 'cancelled by request', finishedAt: new Date() };
    const where = { id: runId, status: { in: [RunStatus.queued, RunStatus.running] } };
    const updated =
      current.kind === RunKind.mining ? await this.prisma.miningRun.updateMany({ where, data }) : await this.prisma.evaluationRun.updateMany({ where, data });
    if (updated.count === 0) return this.progress(runId);
    return { ...current, ...data };
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

  /** Re-queues (or, past maxAttempts, fails) runs whose heartbeat stopped. Returns how many were touched. */
  async sweepStaleRuns(policy: StaleRunPolicy, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - policy.staleAfterSeconds * 1000);
    const staleWhere = { status: RunStatus.running, OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }] };
    let touched = 0;
    for (const kind of [RunKind.mining, RunKind.evaluation]) {
      const stale =
        kind === RunKind.mining
          ? await this.prisma.miningRun.findMany({ where: staleWhere, select: { id: true, attempts: true, heartbeatAt: true } })
          : await this.prisma.evaluationRun.findMany({ where: staleWhere, select: { id: true, attempts: true, heartbeatAt: true } });
      for (const run of stale) {
        const since = run.heartbeatAt?.toISOString() ?? 'never';
        const requeue = run.attempts < policy.maxAttempts;
        const data = requeue
          ? { status: RunStatus.queued, statusReason: `re-queued: no heartbeat since ${since} (attempt ${run.attempts})` }
          : { status: RunStatus.failed, statusReason: `failed: no heartbeat since ${since} after ${run.attempts} attempts`, finishedAt: now, errorCode: 'STALE' };
        // Only the sweeper that flips the status acts, so concurrent sweepers never double-enqueue.
        const where = { id: run.id, status: RunStatus.running, attempts: run.attempts };
        const updated = kind === RunKind.mining ? await this.prisma.miningRun.updateMany({ where, data }) : await this.prisma.evaluationRun.updateMany({ where, data });
        if (updated.count === 0) continue;
        touched += 1;
        this.logger.warn({ runId: run.id, kind, requeue, since }, 'stale run');
        if (requeue) await this.queue.send(kind === RunKind.mining ? 'mine' : 'evaluate', { runId: run.id });
      }
    }
    return touched;
  }
}
