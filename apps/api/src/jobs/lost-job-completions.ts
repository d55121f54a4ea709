// pg-boss 10 records a job's end without awaiting it (manager.js: `this.complete(...)` and
// `this.fail(...)` after the handler settles), so with the database down that write rejects with
// nobody to catch it, and Node's default for an unhandled rejection kills the worker process: one
// database restart took every worker with it. Such a lost end is harmless here — the job stays
// active until its queue's expiry, and its run is taken over by the stale-run sweep (no heartbeat)
// or was already committed — so the rejection is logged instead. Any other unhandled rejection
// keeps Node's default. Internal to apps/api/src/jobs.
import type { Logger } from '../logger';

/** True for the rejection of pg-boss's unawaited completion or failure of a job. */
export function isLostJobCompletion(reason: unknown): boolean {
  // Not `instanceof Error`: socket errors are made by Node's core, in another realm than a vm context's (jest).
  const stack = typeof reason === 'object' && reason !== null ? (reason as { stack?: unknown }).stack : undefined;
  return (
    typeof stack === 'string' &&
    /\bat (?:async )?Manager\.(?:complete|fail) \(.*pg-boss[\\/]src[\\/]manager\.js/.test(stack)
  );
}

/** Loggers of the queues open in this process (one entry per queue); the listener is installed while any is. */
const loggers: Logger[] = [];

function onUnhandledRejection(reason: unknown): void {
  if (isLostJobCompletion(reason)) {
    loggers[0]?.warn(
      { err: reason },
      "the queue could not record a job's end (database unreachable): the job stays active until its expiry; its run is committed or taken over by the stale-run sweep",
    );
    return;
  }
  // Not a lost completion: as if this listener did not exist (the process dies of it), unless
  // another listener of the process handles unhandled rejections itself.
  if (process.listenerCount('unhandledRejection') === 1) throw reason;
}

/** Logs lost job completions instead of dying of them, until the returned function is called. */
export function tolerateLostJobCompletions(logger: Logger): () => void {
  if (loggers.length === 0) process.on('unhandledRejection', onUnhandledRejection);
  loggers.push(logger);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    loggers.splice(loggers.indexOf(logger), 1);
    if (loggers.length === 0) process.removeListener('unhandledRejection', onUnhandledRejection);
  };
}
