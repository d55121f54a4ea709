// Why a running job is told to stop before it finished, and the error its body throws when it
// notices: the run was cancelled (or its claim went to another job), or this process is shutting
// down and hands the job back to the queue. The RunJob shell aborts the job's AbortSignal with a
// RunStopped; bodies check it and compute processes are killed by it between chunks. Internal to apps/api.

export type RunStopReason =
  /** The run left `running` (cancelled by request, failed or re-queued by another process). */
  | 'cancelled'
  /** Another job holds the run now (e.g. the stale-run sweep re-queued it and a new attempt claimed it). */
  | 'claim-lost'
  /** This process is shutting down: the job goes back to the queue and resumes elsewhere. */
  | 'handed-back';

export class RunStopped extends Error {
  override readonly name = 'RunStopped';

  constructor(readonly reason: RunStopReason) {
    super(`run job stopped: ${reason}`);
  }
}

/** The RunStopped a signal was aborted with, if it was. */
export function stopReason(signal: AbortSignal): RunStopped | undefined {
  return signal.aborted && signal.reason instanceof RunStopped ? signal.reason : undefined;
}

/** Throws the signal's RunStopped when it was aborted (call between chunks, shards and sweep points). */
export function throwIfStopped(signal: AbortSignal): void {
  const stopped = stopReason(signal);
  if (stopped !== undefined) throw stopped;
  signal.throwIfAborted();
}
