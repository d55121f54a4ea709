// DetectorThread: one detector's onnxruntime session on its own worker thread (detector-thread.ts),
// used by the service as the DetectBatcher's executor. Errors come back with their name, code and
// details, so a MiningError (NaN, zero row, …) is the same typed error as in-process. A thread that
// dies fails what it had in flight and every later call (the service then loads a fresh one).
// Internal to the feature.
import { Worker } from 'node:worker_threads';
import type { DetectionResult, EmbeddingMatrix } from '@negmine/mining';
import type { DetectExecutor } from './detect-batcher';
import { threadEntry } from '../../shared/thread-entry';
import { fromThreadError } from '../../shared/thread-errors';
import type { DetectorThreadData, DetectorThreadReply, DetectorThreadRequest } from './detector-thread-protocol';

export interface DetectorThreadOptions {
  readonly threads: number;
  readonly chunkRows: number;
}

interface InFlight {
  resolve(result: DetectionResult): void;
  reject(error: Error): void;
}

/** Detector threads of this process that have started and not exited (for shutdown checks and tests). */
let liveThreads = 0;

export function liveDetectorThreads(): number {
  return liveThreads;
}

export class DetectorThread implements DetectExecutor {
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 0;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    /** Width d of the embeddings the detector accepts. */
    readonly embeddingDim: number,
    onExit: () => void,
  ) {
    worker.on('message', (reply: DetectorThreadReply) => {
      if (reply.kind !== 'result' && reply.kind !== 'error') return;
      const pending = this.inFlight.get(reply.id);
      this.inFlight.delete(reply.id);
      if (reply.kind === 'result') pending?.resolve(reply.result);
      else pending?.reject(fromThreadError(reply.error));
    });
    worker.on('error', (error) => this.fail(error));
    liveThreads++;
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        liveThreads--;
        this.fail(new Error('the detector thread exited'));
        onExit();
        resolve();
      }),
    );
    // A cached detector never holds the process open: it ends with the server (its session is native
    // memory of this process). After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
  }

  /**
   * Starts the thread and loads the detector; rejects with the load's typed error (INVALID_DETECTOR, …).
   * `onExit` runs when the thread ends (disposed, or died).
   */
  static load(onnx: Uint8Array, options: DetectorThreadOptions, onExit: () => void): Promise<DetectorThread> {
    const entry = threadEntry(__dirname, 'detector-thread');
    const data: DetectorThreadData = { onnx, threads: options.threads, chunkRows: options.chunkRows };
    const worker = new Worker(entry.file, { workerData: data, execArgv: entry.execArgv, env: entry.env });
    return new Promise((resolve, reject) => {
      const early = (error: Error) => reject(error);
      const exit = (code: number) => reject(new Error(`the detector thread exited (code ${code}) while loading`));
      worker.once('error', early);
      worker.once('exit', exit);
      worker.once('message', (reply: DetectorThreadReply) => {
        worker.off('error', early);
        worker.off('exit', exit);
        if (reply.kind === 'ready') resolve(new DetectorThread(worker, reply.embeddingDim, onExit));
        else {
          void worker.terminate();
          reject(reply.kind === 'load-failed' ? fromThreadError(reply.error) : new Error('unexpected first reply'));
        }
      });
    });
  }

  detect(images: EmbeddingMatrix): Promise<DetectionResult> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    // A compact copy of the rows, transferred (not cloned) to the thread: a request's rows may view a
    // larger buffer (the socket's 64 KB read buffer behind a small body), and postMessage would clone
    // all of that buffer. float64 rows are rounded to float32.
    const data = images.data instanceof Float32Array ? images.data.slice() : Float32Array.from(images.data);
    const request: DetectorThreadRequest = { kind: 'detect', id, data, rows: images.rows, cols: images.cols };
    return new Promise((resolve, reject) => {
      this.inFlight.set(id, { resolve, reject });
      this.worker.postMessage(request, [data.buffer]);
    });
  }

  /** Disposes the session on its thread and waits for the thread to end. */
  async dispose(): Promise<void> {
    if (this.failure === undefined) this.worker.postMessage({ kind: 'dispose' } satisfies DetectorThreadRequest);
    await this.exited;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.inFlight.values()) pending.reject(this.failure);
    this.inFlight.clear();
  }
}
