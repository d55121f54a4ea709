// ComputeThread: createDetector's build (graph, calibration run, hashes) and pipeline.onnx
// composition on a thread of their own (compute-thread.ts), so they never block the event loop
// that serves requests. Internal to the feature.
import type { BuiltDetector, DetectorRequest } from '@negmine/mining';
import { wholeBuffer } from '../../shared/serve-tasks';
import { liveTaskThreads, TaskThread } from '../../shared/task-thread';
import type { ComputeResults, ComputeTask } from './compute-thread-protocol';

const ENTRY = 'compute-thread';

/** Compute threads of this process that have started and not exited (for tests). */
export function liveComputeThreads(): number {
  return liveTaskThreads(ENTRY);
}

export class ComputeThread {
  private readonly thread = new TaskThread<ComputeTask, ComputeResults>(__dirname, ENTRY, {});

  /**
   * buildDetector on the thread. The request's matrices are handed over, not copied: their buffers
   * are detached here (callers build them for this call only).
   */
  buildDetector(request: DetectorRequest): Promise<BuiltDetector> {
    const threshold = request.threshold;
    const views = [
      request.idText.data,
      request.negText?.data,
      'calibrationImages' in threshold ? threshold.calibrationImages.data : undefined,
    ];
    const transfer = [...new Set(views.flatMap((view) => wholeBuffer(view)))];
    return this.thread.run({ kind: 'build-detector', request }, transfer);
  }

  /** pipeline.onnx: the vision tower (handed over: its buffer is detached here) and the detector composed. */
  composePipeline(tower: Uint8Array, detector: Uint8Array): Promise<Uint8Array> {
    return this.thread.run({ kind: 'compose-pipeline', tower, detector }, wholeBuffer(tower));
  }

  /** Ends the thread; tasks in flight get `graceMs` to finish (default: all the time they need). */
  dispose(graceMs?: number): Promise<void> {
    return this.thread.dispose(graceMs);
  }
}
