// Runs one job for a run with a child logger bound to it, and applies the failure policy:
// fail the run now (user-fixable), or note the attempt and rethrow so the queue retries.
import { RunKind } from '../../modules/run/run.type';
import { decideFailure } from '../job-errors';
import type { JobServices } from '../job-services';
import type { JobName, QueuedJob } from '../queue';

export async function runJobSafely(
  services: JobServices,
  kind: 'mining' | 'evaluation',
  runId: string,
  job: QueuedJob<JobName>,
  work: () => Promise<void>,
): Promise<void> {
  const runKind = kind === 'mining' ? RunKind.mining : RunKind.evaluation;
  const logger = services.logger.child({ runId, jobId: job.id, attempt: job.retryCount + 1 });
  const startedAt = Date.now();
  try {
    await work();
    logger.debug({ durationMs: Date.now() - startedAt }, 'job done');
  } catch (error) {
    const decision = decideFailure(error, job.retryCount, job.retryLimit);
    logger.warn({ err: error, retry: decision.retry, code: decision.code }, 'job failed');
    if (decision.retry) {
      await services.lifecycle.noteRetry(runKind, runId, decision.message, job.retryCount + 1).catch(() => undefined);
      throw error;
    }
    await services.lifecycle.fail(runKind, runId, decision.message, decision.code);
  }
}
