// Worker of `encode-images` shard jobs: encodes one shard of an evaluation's image set.
import type { JobServices } from '../job-services';
import type { QueuedJob } from '../queue';
import { runJobSafely } from './run-job';

export function encodeImagesWorker(services: JobServices) {
  return (job: QueuedJob<'encode-images'>) =>
    runJobSafely(services, 'evaluation', job.data.runId, job, () => services.encoding.encodeImageShard(job.data));
}
