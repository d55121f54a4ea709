// Starts this process's workers on every queue, plus the periodic sweep of stale runs (running
// without a heartbeat) and of orphaned ones (queued without a job).
import type { Logger } from '../logger';
import type { RunService, StaleRunPolicy } from '../runs/run.service';
import type { JobHandlers } from './job-handlers';
import { JOB_CLASS, JOB_NAMES, type JobClass, type JobQueue } from './queue';

export interface WorkerPool {
  stop(): void;
}

export async function startWorkers(
  queue: JobQueue,
  handlers: JobHandlers,
  runs: RunService,
  logger: Logger,
  options: { concurrency: Readonly<Record<JobClass, number>>; sweepSeconds: number; stale: StaleRunPolicy },
): Promise<WorkerPool> {
  for (const name of JOB_NAMES) {
    await queue.work(name, options.concurrency[JOB_CLASS[name]], async (job) => {
      await handlers.run(name, job);
    });
  }
  const sweep = setInterval(() => {
    runs
      .sweepStaleRuns(options.stale)
      .then(() => runs.resendOrphanedRuns(queue, options.stale))
      .catch((error: unknown) => logger.warn({ err: error }, 'stale-run sweep failed'));
  }, options.sweepSeconds * 1000);
  sweep.unref();
  return { stop: () => clearInterval(sweep) };
}
