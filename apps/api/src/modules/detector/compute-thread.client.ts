// ComputeThread: createDetector's build (graph, calibration run, hashes) and pipeline.onnx
// composition on a thread of their own (compute-thread.ts), so they never block the event loop
// that serves requests. Internal to the feature.
import type { BuiltDetector, DetectorRequest } from '@negmine/mining';
import { liveTaskThreads, TaskThread } from '../../shared/task-thread';
import type { ComputeResults, ComputeTask } from './compute-thread-protocol';

const ENTRY = 'compute-thread';

/** Compute threads of this process that have started and not exited (for tests). */
export function liveComputeThreads(): number {
  return liveTaskThreads(ENTRY);
}

export class ComputeThread {
  private readonly thread = new TaskThread<ComputeTask, ComputeResults>(__dirname, ENTRY, {});

  buildDetector(request: DetectorRequest): Promise<BuiltDetector> {
    return this.thread.run({ kind: 'build-detector', request });
  }

  /** pipeline.onnx: the vision tower and the detector composed into one graph. */
  composePipeline(tower: Uint8Array, detector: Uint8Array): Promise<Uint8Array> {
    return this.thread.run({ kind: 'compose-pipeline', tower, detector });
  }

  /** Ends the thread after the tasks in flight finish. */
  dispose(): Promise<void> {
    return this.thread.dispose();
  }
}
