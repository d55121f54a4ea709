// What the workers need: the job services of the modules and a logger.
import type { Logger } from '../logger';
import type { EncodingService } from '../modules/embedding/encoding.service';
import type { EvaluationJobService } from '../modules/evaluation/evaluation-job.service';
import type { MiningJobService } from '../modules/mining/mining-job.service';
import type { RunLifecycle } from '../modules/run/run-lifecycle';

export interface JobServices {
  readonly logger: Logger;
  readonly lifecycle: RunLifecycle;
  readonly miningJobs: MiningJobService;
  readonly evaluationJobs: EvaluationJobService;
  readonly encoding: EncodingService;
}
