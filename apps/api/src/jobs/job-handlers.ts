// One handler per queue job: the feature's job body run through the RunJob shell.
import type { FeatureJobs } from '../feature';
import type { RunJobName, RunJobResult, RunJobShell } from '../runs/run-job';
import type { JobName, QueuedJob } from './queue';

export class JobHandlers {
  constructor(
    private readonly shell: RunJobShell,
    private readonly bodies: Required<FeatureJobs>,
  ) {}

  /** Runs one job (a throw means: retry it). */
  run<N extends JobName>(name: N, job: QueuedJob<N>): Promise<RunJobResult> {
    switch (name) {
      case 'mine':
      case 'evaluate':
      case 'sweep':
        return this.shell.run(this.bodies[name as RunJobName], job as QueuedJob<RunJobName>);
      case 'encode-text':
        return this.shell.runShard(this.bodies['encode-text'], job as QueuedJob<'encode-text'>);
      case 'encode-images':
        return this.shell.runShard(this.bodies['encode-images'], job as QueuedJob<'encode-images'>);
    }
    throw new Error(`unknown job ${String(name)}`);
  }
}
