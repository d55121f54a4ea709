// The life of a run inside its jobs: start (or resume), heartbeats while working, progress, and
// failure with a reason. Results are written by the job services under a status guard.
import type { PrismaClient } from '../../db/prisma.service';
import type { Logger } from '../../logger';
import { RunStatus, TERMINAL_STATUSES } from '../common/enums';
import { RunKind } from './run.type';

export interface Heartbeat {
  stop(): void;
}

interface RunRow {
  readonly status: RunStatus;
  readonly attempts: number;
}

export class RunLifecycle {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly heartbeatSeconds: number,
  ) {}

  private async update(kind: RunKind, where: object, data: object): Promise<number> {
    const args = { where, data } as never;
    const result = kind === RunKind.mining ? await this.prisma.miningRun.updateMany(args) : await this.prisma.evaluationRun.updateMany(args);
    return result.count;
  }

  private async read(kind: RunKind, runId: string): Promise<RunRow | null> {
    const select = { status: true, attempts: true } as const;
    return kind === RunKind.mining
      ? this.prisma.miningRun.findUnique({ where: { id: runId }, select })
      : this.prisma.evaluationRun.findUnique({ where: { id: runId }, select });
  }

  /**
   * Marks the run running. Returns false when there is nothing to do (finished, cancelled or gone).
   * A queued run starts a new attempt; a running one is resumed (a retried job after a dead worker,
   * or the parent job re-sent when its shards finished).
   */
  async begin(kind: RunKind, runId: string, jobRetryCount: number): Promise<boolean> {
    const run = await this.read(kind, runId);
    if (run === null || TERMINAL_STATUSES.includes(run.status)) return false;
    const now = new Date();
    if (run.status === RunStatus.queued) {
      const count = await this.update(kind, { id: runId, status: RunStatus.queued }, { status: RunStatus.running, attempts: run.attempts + 1, heartbeatAt: now, startedAt: now });
      return count === 1 || this.begin(kind, runId, jobRetryCount);
    }
    const reason = jobRetryCount > 0 ? `resumed by job attempt ${jobRetryCount + 1}` : undefined;
    await this.update(kind, { id: runId, status: RunStatus.running }, { heartbeatAt: now, ...(reason === undefined ? {} : { statusReason: reason }) });
    return true;
  }

  /** Touches heartbeatAt every heartbeatSeconds until stopped, so the stale sweep leaves the run alone. */
  startHeartbeat(kind: RunKind, runId: string): Heartbeat {
    const timer = setInterval(() => {
      this.update(kind, { id: runId, status: RunStatus.running }, { heartbeatAt: new Date() }).catch((error: unknown) =>
        this.logger.warn({ err: error, runId }, 'heartbeat failed'),
      );
    }, this.heartbeatSeconds * 1000);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  async progress(kind: RunKind, runId: string, progress: number): Promise<void> {
    await this.update(kind, { id: runId, status: RunStatus.running }, { progress: Math.max(0, Math.min(1, progress)), heartbeatAt: new Date() });
  }

  async isActive(kind: RunKind, runId: string): Promise<boolean> {
    const run = await this.read(kind, runId);
    return run !== null && run.status === RunStatus.running;
  }

  async fail(kind: RunKind, runId: string, message: string, code: string): Promise<void> {
    await this.update(
      kind,
      { id: runId, status: { in: [RunStatus.queued, RunStatus.running] } },
      { status: RunStatus.failed, error: message, errorCode: code, finishedAt: new Date(), statusReason: `failed: ${code}` },
    );
  }

  async noteRetry(kind: RunKind, runId: string, message: string, attempt: number): Promise<void> {
    await this.update(kind, { id: runId, status: RunStatus.running }, { statusReason: `attempt ${attempt} failed (${message}); retrying` });
  }
}
