// DetectorThread: one detector's onnxruntime session on its own worker thread (detector-thread.ts,
// through the shared TaskThread), used by the service as the DetectBatcher's executor. Errors come
// back typed (a MiningError for NaN, a zero row, …, as in-process). A thread that dies fails what
// it had in flight; the next detect starts a fresh one, which loads the same bytes. Internal to the
// feature.
import type { DetectionResult, EmbeddingMatrix } from '@negmine/mining';
import { liveTaskThreads, TaskThread } from '../../shared/task-thread';
import type { DetectExecutor } from './detect-batcher';
import type { DetectorResults, DetectorTask, DetectorThreadData } from './detector-thread-protocol';

const ENTRY = 'detector-thread';

export interface DetectorThreadOptions {
  readonly threads: number;
  readonly chunkRows: number;
}

/** Detector threads of this process that have started and not exited (for shutdown checks and tests). */
export function liveDetectorThreads(): number {
  return liveTaskThreads(ENTRY);
}

export class DetectorThread implements DetectExecutor {
  private constructor(
    private readonly thread: TaskThread<DetectorTask, DetectorResults>,
    /** Width d of the embeddings the detector accepts. */
    readonly embeddingDim: number,
  ) {}

  /** Starts the thread and loads the detector; rejects with the load's typed error (INVALID_DETECTOR, …). */
  static async load(onnx: Uint8Array, options: DetectorThreadOptions): Promise<DetectorThread> {
    const data: DetectorThreadData = { onnx, threads: options.threads, chunkRows: options.chunkRows };
    const thread = new TaskThread<DetectorTask, DetectorResults>(__dirname, ENTRY, data);
    try {
      return new DetectorThread(thread, await thread.run({ kind: 'embedding-dim' }));
    } catch (error) {
      await thread.dispose(0);
      throw error;
    }
  }

  detect(images: EmbeddingMatrix): Promise<DetectionResult> {
    // A compact copy of the rows, transferred (not cloned) to the thread: a request's rows may view a
    // larger buffer (the socket's 64 KB read buffer behind a small body), and postMessage would clone
    // all of that buffer. float64 rows are rounded to float32.
    const data = images.data instanceof Float32Array ? images.data.slice() : Float32Array.from(images.data);
    return this.thread.run({ kind: 'detect', images: { data, rows: images.rows, cols: images.cols } }, [data.buffer]);
  }

  /** Disposes the session on its thread and waits for the thread to end. */
  dispose(): Promise<void> {
    return this.thread.dispose();
  }
}
