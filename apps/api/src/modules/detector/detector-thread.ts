// Entry file of a detector thread (started by DetectorThread): loads one detector.onnx into an
// onnxruntime session and runs detect requests. onnxruntime-node's session.run is synchronous on
// the calling thread, so it runs here and the API's event loop keeps serving requests (and
// coalescing the next batch) meanwhile. Internal to the feature.
import { workerData } from 'node:worker_threads';
import { DetectorRunner } from '@negmine/mining';
import { serveTasks, type TaskOutcome } from '../../shared/serve-tasks';
import type { DetectorTask, DetectorThreadData } from './detector-thread-protocol';

const { onnx, threads, chunkRows } = workerData as DetectorThreadData;
// No busy-waiting between runs: single-embedding requests make many small runs, and spinning
// intra-op threads took the cores the event loop serves them on (bench detect-api: about half of
// the process's CPU per request). A load failure is every task's answer.
const runner = DetectorRunner.load(onnx, { threads, chunkRows, allowSpinning: false });
runner.catch(() => undefined);

async function run(task: DetectorTask): Promise<TaskOutcome> {
  const loaded = await runner;
  if (task.kind === 'embedding-dim') return { value: loaded.embeddingDim };
  const result = await loaded.detect(task.images);
  return {
    value: result,
    transfer: [
      result.scores.buffer as ArrayBuffer,
      result.isOod.buffer as ArrayBuffer,
      result.predictedClass.buffer as ArrayBuffer,
      result.predictedProbability.buffer as ArrayBuffer,
    ],
  };
}

serveTasks(run, async () => (await runner).dispose());
