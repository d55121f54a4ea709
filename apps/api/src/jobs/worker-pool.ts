// Starts this process's workers on every queue, plus the periodic sweep of stale runs.
import type { RunService, StaleRunPolicy } from '../modules/run/run.service';
import type { JobServices } from './job-services';
import type { JobQueue } from './queue';
import { encodeImagesWorker } from './workers/encode-images.worker';
import { encodeTextWorker } from './workers/encode-text.worker';
import { evaluateWorker } from './workers/evaluate.worker';
import { mineWorker } from './workers/mine.worker';

export interface WorkerPool {
  stop(): void;
}

export async function startWorkers(
  queue: JobQueue,
  services: JobServices,
  runs: RunService,
  options: { concurrency: number; sweepSeconds: number; stale: StaleRunPolicy },
): Promise<WorkerPool> {
  await queue.work('mine', options.concurrency, mineWorker(services));
  await queue.work('evaluate', options.concurrency, evaluateWorker(services));
  await queue.work('encode-images', options.concurrency, encodeImagesWorker(services));
  await queue.work('encode-text', options.concurrency, encodeTextWorker(services));
  const sweep = setInterval(() => {
    runs.sweepStaleRuns(options.stale).catch((error: unknown) => services.logger.warn({ err: error }, 'stale-run sweep failed'));
  }, options.sweepSeconds * 1000);
  sweep.unref();
  return { stop: () => clearInterval(sweep) };
}
