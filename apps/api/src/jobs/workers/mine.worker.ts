// Worker of `mine` jobs: runs the mining job service for one run.
import type { JobServices } from '../job-services';
import type { QueuedJob } from '../queue';
import { runJobSafely } from './run-job';

export function mineWorker(services: JobServices) {
  return (job: QueuedJob<'mine'>) =>
    runJobSafely(services, 'mining', job.data.runId, job, () => services.miningJobs.run(job.data.runId, job.retryCount));
}
