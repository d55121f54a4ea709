// Worker of `evaluate` jobs: runs the evaluation job service for one run.
import type { JobServices } from '../job-services';
import type { QueuedJob } from '../queue';
import { runJobSafely } from './run-job';

export function evaluateWorker(services: JobServices) {
  return (job: QueuedJob<'evaluate'>) =>
    runJobSafely(services, 'evaluation', job.data.runId, job, () => services.evaluationJobs.run(job.data.runId, job.retryCount));
}
