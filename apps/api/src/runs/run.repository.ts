// RunStore: the one place a run's lifecycle columns (status, step, claim, attempts, heartbeat,
// progress, failure) are read and written, typed over both run tables, plus the encoding shards
// of runs. Mining runs, evaluation runs and sweeps keep their own tables (their columns, indexes and
// keyset pagination differ); this store puts one typed interface in front of them, so no caller
// switches on the kind. Internal to apps/api: only the RunJob shell and RunService use it.
import { Prisma, type Db, type PrismaClient } from '../db/prisma.service';
import { RunStatus } from '../shared/enums';
import { RunStep, ShardKind } from '../generated/prisma/enums.js';
import { RUN_KINDS, type RunKind } from './run-kind';
import type { RunEventKind } from './run-event';

export { RunStep, ShardKind };

const ACTIVE = [RunStatus.queued, RunStatus.running];

/** The lifecycle columns shared by both run tables. */
export interface RunState {
  readonly id: string;
  readonly kind: RunKind;
  readonly status: RunStatus;
  readonly step: RunStep;
  readonly claimedBy: string | null;
  readonly attempts: number;
  readonly progress: number;
  readonly statusReason: string | null;
  readonly error: string | null;
  readonly errorCode: string | null;
  readonly heartbeatAt: Date | null;
}

const STATE_SELECT = {
  id: true,
  status: true,
  step: true,
  claimedBy: true,
  attempts: true,
  progress: true,
  statusReason: true,
  error: true,
  errorCode: true,
  heartbeatAt: true,
} as const;

type StateRow = Omit<RunState, 'kind'>;

/** The slice of a run table's delegate the store uses (both tables have these lifecycle columns). */
interface RunTable {
  findUnique(args: { where: { id: string }; select: typeof STATE_SELECT }): Promise<StateRow | null>;
  findMany(args: { where: object; select: typeof STATE_SELECT }): Promise<StateRow[]>;
  updateMany(args: { where: object; data: object }): Promise<{ count: number }>;
}

function tables(db: Db): Record<RunKind, RunTable> {
  return {
    mining: db.miningRun as unknown as RunTable,
    evaluation: db.evaluationRun as unknown as RunTable,
    sweep: db.sweep as unknown as RunTable,
  };
}

export interface RunEventRow {
  readonly attempt: number;
  readonly event: RunEventKind;
  readonly message: string | null;
  readonly code: string | null;
  readonly at: Date;
}

/** The run_events column and the table of each run kind. */
const EVENT_TARGET: Record<RunKind, { readonly column: string; readonly table: string; readonly field: string }> = {
  mining: { column: 'mining_run_id', table: 'mining_runs', field: 'miningRunId' },
  evaluation: { column: 'evaluation_run_id', table: 'evaluation_runs', field: 'evaluationRunId' },
  sweep: { column: 'sweep_id', table: 'sweeps', field: 'sweepId' },
};

/** Event messages are bounded like stored errors. */
const MAX_EVENT_MESSAGE = 1_000;

/** What a claim took: the run's state after it (and whether this claim started a new attempt). */
export interface Claim {
  readonly run: RunState;
  readonly newAttempt: boolean;
}

export interface ShardCounts {
  readonly total: number;
  readonly pending: number;
}

export class RunStore {
  constructor(private readonly prisma: PrismaClient) {}

  async find(runId: string): Promise<RunState | null> {
    for (const kind of RUN_KINDS) {
      const row = await tables(this.prisma)[kind].findUnique({ where: { id: runId }, select: STATE_SELECT });
      if (row !== null) return { ...row, kind };
    }
    return null;
  }

  async findOfKind(kind: RunKind, runId: string): Promise<RunState | null> {
    const row = await tables(this.prisma)[kind].findUnique({ where: { id: runId }, select: STATE_SELECT });
    return row === null ? null : { ...row, kind };
  }

  private async update(kind: RunKind, where: object, data: object, db: Db = this.prisma): Promise<boolean> {
    return (await tables(db)[kind].updateMany({ where, data })).count === 1;
  }

  /** Appends an event, stamped with the run's attempt count as of now (one statement). */
  private async record(
    kind: RunKind,
    runId: string,
    event: RunEventKind,
    message: string | null = null,
    code: string | null = null,
    db: Db = this.prisma,
  ): Promise<void> {
    const { column, table } = EVENT_TARGET[kind];
    const bounded = message === null ? null : message.slice(0, MAX_EVENT_MESSAGE);
    await db.$executeRaw`INSERT INTO run_events (${Prisma.raw(`"${column}"`)}, attempt, event, message, code)
      SELECT id, attempts, ${event}, ${bounded}, ${code} FROM ${Prisma.raw(`"${table}"`)} WHERE id = ${runId}::uuid`;
  }

  /** A state change, then its event when it happened. */
  private async transition(
    kind: RunKind,
    runId: string,
    where: object,
    data: object,
    event: RunEventKind,
    message: string | null = null,
    code: string | null = null,
  ): Promise<boolean> {
    const changed = await this.update(kind, where, data);
    if (changed) await this.record(kind, runId, event, message, code);
    return changed;
  }

  /** The run's events, oldest first. */
  async events(kind: RunKind, runIds: readonly string[]): Promise<Map<string, RunEventRow[]>> {
    const { field } = EVENT_TARGET[kind];
    const rows = await this.prisma.runEvent.findMany({
      where: { [field]: { in: [...runIds] } },
      orderBy: { id: 'asc' },
    });
    const byRun = new Map<string, RunEventRow[]>(runIds.map((id) => [id, []]));
    for (const row of rows) {
      const runId = (row as unknown as Record<string, string>)[field]!;
      byRun.get(runId)?.push({
        attempt: row.attempt,
        event: row.event as RunEventKind,
        message: row.message,
        code: row.code,
        at: row.at,
      });
    }
    return byRun;
  }

  /**
   * Claims the run for `jobId`. A queued run starts a new attempt; a running run is taken only
   * when nobody holds it (parked while its shards encode) or `jobId` already holds it (the queue
   * retrying the same job after its worker died). Anything else — finished, cancelled, gone, or
   * held by another live job — is not claimed, so two deliveries never both run the body.
   */
  async claim(kind: RunKind, runId: string, jobId: string): Promise<Claim | null> {
    const now = new Date();
    const current = await this.findOfKind(kind, runId);
    if (current === null) return null;
    if (current.status === RunStatus.queued) {
      const took = await this.update(
        kind,
        { id: runId, status: RunStatus.queued, attempts: current.attempts },
        {
          status: RunStatus.running,
          attempts: current.attempts + 1,
          claimedBy: jobId,
          heartbeatAt: now,
          startedAt: now,
        },
      );
      if (!took) return this.claim(kind, runId, jobId);
      await this.record(kind, runId, 'started');
      return { run: (await this.findOfKind(kind, runId))!, newAttempt: true };
    }
    if (current.status !== RunStatus.running) return null;
    const took = await this.update(
      kind,
      { id: runId, status: RunStatus.running, OR: [{ claimedBy: null }, { claimedBy: jobId }] },
      { claimedBy: jobId, heartbeatAt: now },
    );
    return took ? { run: (await this.findOfKind(kind, runId))!, newAttempt: false } : null;
  }

  /** Moves a claimed run to its next step (false when the claim was lost, e.g. cancelled). */
  async advance(kind: RunKind, runId: string, jobId: string, step: RunStep): Promise<boolean> {
    return this.update(
      kind,
      { id: runId, status: RunStatus.running, claimedBy: jobId },
      { step, heartbeatAt: new Date() },
    );
  }

  /** Gives up the claim while the run waits for its shards; the job finishing the last shard continues it. */
  async release(kind: RunKind, runId: string, jobId: string): Promise<void> {
    await this.update(kind, { id: runId, status: RunStatus.running, claimedBy: jobId }, { claimedBy: null });
  }

  /**
   * A shutting-down process gives the run back: unclaimed, still running at its step (finished
   * shards stay finished), with a note; the attempt count is unchanged, so the hand-back spends no
   * attempt. Its re-sent job claims it like a parked run. False when the claim was already gone.
   */
  async handBack(kind: RunKind, runId: string, jobId: string, note: string): Promise<boolean> {
    return this.transition(
      kind,
      runId,
      { id: runId, status: RunStatus.running, claimedBy: jobId },
      { claimedBy: null, statusReason: note, heartbeatAt: new Date() },
      'handed_back',
      note,
    );
  }

  async heartbeat(kind: RunKind, runId: string): Promise<void> {
    await this.update(kind, { id: runId, status: RunStatus.running }, { heartbeatAt: new Date() });
  }

  async progress(kind: RunKind, runId: string, progress: number): Promise<void> {
    await this.update(
      kind,
      { id: runId, status: RunStatus.running },
      { progress: Math.max(0, Math.min(1, progress)), heartbeatAt: new Date() },
    );
  }

  /**
   * The guarded commit: in one transaction, flips running → succeeded for the claiming job and
   * only then writes the results. A duplicate job, a lost claim or a cancelled run writes nothing.
   */
  async commit(
    kind: RunKind,
    runId: string,
    jobId: string,
    fields: object,
    write: (tx: Db) => Promise<void>,
  ): Promise<boolean> {
    return this.prisma.$transaction(
      async (tx) => {
        const flipped = await this.update(
          kind,
          { id: runId, status: RunStatus.running, claimedBy: jobId },
          { ...fields, status: RunStatus.succeeded, progress: 1, finishedAt: new Date(), claimedBy: null },
          tx,
        );
        if (flipped) {
          await write(tx);
          await this.record(kind, runId, 'succeeded', null, null, tx);
        }
        return flipped;
      },
      { timeout: 120_000 },
    );
  }

  async fail(kind: RunKind, runId: string, message: string, code: string): Promise<boolean> {
    return this.transition(
      kind,
      runId,
      { id: runId, status: { in: ACTIVE } },
      {
        status: RunStatus.failed,
        error: message,
        errorCode: code,
        finishedAt: new Date(),
        statusReason: `failed: ${code}`,
        claimedBy: null,
      },
      'failed',
      message,
      code,
    );
  }

  async noteRetry(kind: RunKind, runId: string, message: string, attempt: number, code?: string): Promise<void> {
    await this.transition(
      kind,
      runId,
      { id: runId, status: RunStatus.running },
      { statusReason: `attempt ${attempt} failed (${message}); retrying` },
      'attempt_failed',
      message,
      code ?? null,
    );
  }

  async noteResumed(kind: RunKind, runId: string, reason: string): Promise<void> {
    await this.transition(
      kind,
      runId,
      { id: runId, status: RunStatus.running },
      { statusReason: reason },
      'resumed',
      reason,
    );
  }

  async cancel(
    kind: RunKind,
    runId: string,
    now = new Date(),
  ): Promise<{ status: RunStatus; statusReason: string; finishedAt: Date } | null> {
    const data = { status: RunStatus.cancelled, statusReason: 'cancelled by request', finishedAt: now };
    const cancelled = await this.transition(
      kind,
      runId,
      { id: runId, status: { in: ACTIVE } },
      { ...data, claimedBy: null },
      'cancelled',
      data.statusReason,
    );
    return cancelled ? data : null;
  }

  /** Running runs whose heartbeat is older than `cutoff` (or missing). */
  async stale(kind: RunKind, cutoff: Date): Promise<RunState[]> {
    const rows = await tables(this.prisma)[kind].findMany({
      where: { status: RunStatus.running, OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }] },
      select: STATE_SELECT,
    });
    return rows.map((row) => ({ ...row, kind }));
  }

  /** Queued runs created before `cutoff` (long enough ago that their launch has enqueued their job, or died). */
  async queuedBefore(kind: RunKind, cutoff: Date): Promise<RunState[]> {
    const rows = await tables(this.prisma)[kind].findMany({
      where: { status: RunStatus.queued, createdAt: { lt: cutoff } },
      select: STATE_SELECT,
    });
    return rows.map((row) => ({ ...row, kind }));
  }

  async noteRequeued(kind: RunKind, runId: string, reason: string): Promise<void> {
    await this.transition(
      kind,
      runId,
      { id: runId, status: RunStatus.queued },
      { statusReason: reason },
      'requeued',
      reason,
    );
  }

  /**
   * A stale run goes back to the queue (its next attempt plans again, so lost shard jobs are
   * re-sent) or, past the last attempt, fails. Guarded by the attempt seen, so of concurrent
   * sweepers only one acts.
   */
  async requeueOrFailStale(run: RunState, requeue: boolean, now: Date): Promise<boolean> {
    const since = run.heartbeatAt?.toISOString() ?? 'never';
    const data = requeue
      ? {
          status: RunStatus.queued,
          step: RunStep.prepare,
          claimedBy: null,
          statusReason: `re-queued: no heartbeat since ${since} (attempt ${run.attempts})`,
        }
      : {
          status: RunStatus.failed,
          claimedBy: null,
          statusReason: `failed: no heartbeat since ${since} after ${run.attempts} attempts`,
          finishedAt: now,
          errorCode: 'STALE',
        };
    return this.transition(
      run.kind,
      run.id,
      { id: run.id, status: RunStatus.running, attempts: run.attempts },
      data,
      requeue ? 'stale_requeued' : 'failed',
      data.statusReason,
      requeue ? null : 'STALE',
    );
  }

  /** A run whose job could not be enqueued would stay queued forever: it fails at once. */
  async failUnqueued(kind: RunKind, runId: string, error: unknown): Promise<void> {
    await this.transition(
      kind,
      runId,
      { id: runId, status: RunStatus.queued },
      { status: RunStatus.failed, errorCode: 'ENQUEUE_FAILED', error: String(error), finishedAt: new Date() },
      'failed',
      String(error),
      'ENQUEUE_FAILED',
    );
  }

  // --- encoding shards of runs ---

  /** Records shards (existing ones are kept) and returns the pending ones of this target. */
  async recordShards(
    runId: string,
    kind: ShardKind,
    targetId: string,
    ranges: readonly (readonly [number, number])[],
  ): Promise<{ start: number; end: number }[]> {
    if (ranges.length > 0) {
      await this.prisma.encodeShard.createMany({
        data: ranges.map(([start, end]) => ({ runId, kind, targetId, start, end })),
        skipDuplicates: true,
      });
    }
    return this.prisma.encodeShard.findMany({
      where: { runId, kind, targetId, status: 'pending' },
      select: { start: true, end: true },
      orderBy: { start: 'asc' },
    });
  }

  async finishShard(runId: string, kind: ShardKind, targetId: string, start: number): Promise<void> {
    await this.prisma.encodeShard.updateMany({ where: { runId, kind, targetId, start }, data: { status: 'done' } });
  }

  async shardCounts(runId: string): Promise<ShardCounts> {
    const [total, pending] = await Promise.all([
      this.prisma.encodeShard.count({ where: { runId } }),
      this.prisma.encodeShard.count({ where: { runId, status: 'pending' } }),
    ]);
    return { total, pending };
  }
}
