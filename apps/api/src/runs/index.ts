// The runs feature: the lifecycle every mining and evaluation run shares — the RunStore, the RunJob
// shell that executes jobs, and the API's progress, cancellation and stale-run sweep.
import { defineFeature } from '../feature';
import { RunJobShell } from './run-job';
import { RunStore } from './run.repository';
import { RunResolver } from './run.resolver';
import { RunService } from './run.service';

export { RUN_KINDS, type RunKind } from './run-kind';
export {
  RunJobShell,
  type RunJobBody,
  type RunJobContext,
  type RunOutcome,
  type ShardJobBody,
  type ShardRequest,
} from './run-job';
export { RunStore } from './run.repository';
export { RunService, type StaleRunPolicy } from './run.service';

export const runsFeature = defineFeature({
  name: 'runs',
  resolvers: [RunResolver],
  needs: [],
  createServices: ({ prisma, queue, logger, config }) => {
    const runStore = new RunStore(prisma);
    const runJobs = new RunJobShell(runStore, queue, logger, config.heartbeatSeconds, config.stopCheckMs);
    return {
      runStore,
      runs: new RunService(runStore, queue, logger, (runId) => runJobs.stopRun(runId, 'cancelled')),
      runJobs,
    };
  },
});
