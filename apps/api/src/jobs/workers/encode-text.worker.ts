// Worker of `encode-text` shard jobs: encodes one shard of a mining run's corpus prompts.
import type { JobServices } from '../job-services';
import type { QueuedJob } from '../queue';
import { runJobSafely } from './run-job';

export function encodeTextWorker(services: JobServices) {
  return (job: QueuedJob<'encode-text'>) => runJobSafely(services, 'mining', job.data.runId, job, () => services.encoding.encodeTextShard(job.data));
}
