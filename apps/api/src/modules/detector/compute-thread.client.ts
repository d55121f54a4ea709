// ComputeThread: the detector feature's heavy one-off work on a worker thread of its own
// (compute-thread.ts), so creating a detector, detect on image files and pipeline.onnx never block
// the event loop that serves requests. Started on first use; a thread that dies fails what it had
// in flight, and the next task starts a fresh one. Internal to the feature.
import { Worker } from 'node:worker_threads';
import type { ImageEncodeResult } from '@negmine/encoders';
import type { BuiltDetector, DetectorRequest } from '@negmine/mining';
import type { ClipModelSettings } from '../model';
import type {
  ComputeReply,
  ComputeRequest,
  ComputeResults,
  ComputeTask,
  ComputeThreadData,
} from './compute-thread-protocol';
import { fromThreadError } from './detector-thread-protocol';
import { threadEntry } from './thread-entry';

interface InFlight {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Running {
  readonly worker: Worker;
  readonly inFlight: Map<number, InFlight>;
  /** The tasks in flight, as promises that settle when they do (dispose waits for them). */
  readonly settled: Set<Promise<unknown>>;
  readonly exited: Promise<void>;
}

/** Compute threads of this process that have started and not exited (for shutdown checks and tests). */
let liveThreads = 0;

export function liveComputeThreads(): number {
  return liveThreads;
}

export class ComputeThread {
  private running: Running | undefined;
  private nextId = 0;

  constructor(private readonly clip: ClipModelSettings) {}

  /** buildDetector (graph, calibration run, hashes) on the thread. */
  buildDetector(request: DetectorRequest): Promise<BuiltDetector> {
    return this.run({ kind: 'build-detector', request });
  }

  /** The vision tower of `folder` on these files (their failures in the result, as encodeFiles gives them). */
  encodeImageFiles(folder: string, files: readonly string[]): Promise<ImageEncodeResult> {
    return this.run({ kind: 'encode-image-files', folder, files });
  }

  /** pipeline.onnx: the vision tower and the detector composed into one graph. */
  composePipeline(tower: Uint8Array, detector: Uint8Array): Promise<Uint8Array> {
    return this.run({ kind: 'compose-pipeline', tower, detector });
  }

  /** Ends the thread (and the towers it loaded) after its tasks in flight finish. */
  async dispose(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    this.running = undefined;
    await Promise.allSettled(running.settled);
    running.worker.postMessage({ kind: 'dispose' } satisfies ComputeRequest);
    await running.exited;
  }

  private run<K extends ComputeTask['kind']>(task: Extract<ComputeTask, { kind: K }>): Promise<ComputeResults[K]> {
    const running = (this.running ??= this.start());
    const id = this.nextId++;
    const result = new Promise<ComputeResults[K]>((resolve, reject) => {
      running.inFlight.set(id, { resolve: resolve as (value: unknown) => void, reject });
      running.worker.postMessage({ kind: 'task', id, task } satisfies ComputeRequest);
    });
    const settled: Promise<unknown> = result.then(
      () => running.settled.delete(settled),
      () => running.settled.delete(settled),
    );
    running.settled.add(settled);
    return result;
  }

  private start(): Running {
    const entry = threadEntry('compute-thread');
    const data: ComputeThreadData = { clip: this.clip };
    const worker = new Worker(entry.file, { workerData: data, execArgv: entry.execArgv, env: entry.env });
    const inFlight = new Map<number, InFlight>();
    const fail = (error: Error) => {
      for (const pending of inFlight.values()) pending.reject(error);
      inFlight.clear();
    };
    worker.on('message', (reply: ComputeReply) => {
      const pending = inFlight.get(reply.id);
      inFlight.delete(reply.id);
      if (reply.kind === 'done') pending?.resolve(reply.value);
      else pending?.reject(fromThreadError(reply.error));
    });
    worker.on('error', (error) => fail(error));
    liveThreads++;
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        liveThreads--;
        fail(new Error(`the detector's compute thread exited (code ${code})`));
        if (this.running?.worker === worker) this.running = undefined;
        resolve();
      }),
    );
    // Never holds the process open; app.stop disposes it. After the listeners ('message' refs it again).
    worker.unref();
    return { worker, inFlight, settled: new Set(), exited };
  }
}
