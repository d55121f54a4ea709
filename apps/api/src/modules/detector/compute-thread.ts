// Entry file of the detector feature's compute thread (ComputeThread): builds detectors and
// composes pipeline.onnx off the API's event loop. Internal to the feature.
import { buildDetector, composePipeline } from '@negmine/mining';
import { serveTasks, wholeBuffer, type TaskOutcome } from '../../shared/serve-tasks';
import type { ComputeTask } from './compute-thread-protocol';

async function run(task: ComputeTask): Promise<TaskOutcome> {
  switch (task.kind) {
    case 'build-detector': {
      const built = await buildDetector(task.request);
      return { value: built, transfer: [...wholeBuffer(built.onnxBytes), ...wholeBuffer(built.calibrationScores)] };
    }
    case 'compose-pipeline': {
      const bytes = composePipeline(task.tower, task.detector);
      return { value: bytes, transfer: wholeBuffer(bytes) };
    }
  }
}

serveTasks(run, async () => undefined);
