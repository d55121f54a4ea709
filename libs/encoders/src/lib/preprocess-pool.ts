// A pool of worker threads that decode and preprocess image files off the main thread, a few files
// in flight per thread (so one file's decode overlaps another's resize). A file whose worker dies is
// retried alone on a fresh worker; if it kills that one too, it is that file's failure and the rest
// go on. Results come back per file, whatever order the threads finish in. Internal.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EncodersError, EncodersErrorCode } from './errors';
import type { DecodeImageOptions } from './image-decode';
import type {
  PreprocessReply,
  PreprocessRequest,
  PreprocessWorkerData,
  RecycleMessage,
} from './preprocess-worker-protocol';

export interface PreprocessPoolOptions {
  /** Worker threads; default one per core (os.availableParallelism()). */
  readonly threads?: number;
  /** Files handed to one thread at a time; default 2. */
  readonly filesPerThread?: number;
  /** Worker entry file; default ./preprocess-worker (tests substitute faulty ones). */
  readonly workerFile?: string;
}

interface Task {
  readonly id: number;
  readonly file: string;
  readonly decode: DecodeImageOptions | undefined;
  /** Set once the task was in flight on a worker that died with other tasks: it then runs alone. */
  suspect: boolean;
  resolve(pixels: Float32Array): void;
  reject(error: Error): void;
}

interface Slot {
  readonly worker: Worker;
  readonly inFlight: Map<number, Task>;
  ready: boolean;
  /** Runs a suspect task alone: takes nothing else until it ends. */
  isolating: boolean;
  lastError: Error | undefined;
}

/** Default thread count: one per core the process may use. */
export function defaultPreprocessThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The worker entry and how to start it. Sources run without a build step (@swc-node/register in
 * the CLI and API, swc inside jest), but a worker thread starts as a bare Node isolate without those
 * hooks: a .ts entry gets the swc-node register hook preloaded; a compiled .js entry needs nothing.
 */
function workerEntry(file: string | undefined): { file: string; execArgv: string[] } {
  const entry = file ?? path.join(__dirname, `preprocess-worker${path.extname(__filename)}`);
  if (!entry.endsWith('.ts')) return { file: entry, execArgv: [...process.execArgv] };
  return { file: entry, execArgv: [...process.execArgv, '--require', require.resolve('@swc-node/register')] };
}

export class PreprocessPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private readonly suspects: Task[] = [];
  private readonly threads: number;
  private readonly filesPerThread: number;
  private readonly entry: { file: string; execArgv: string[] };
  private nextId = 0;
  private closed = false;
  private startFailure: EncodersError | undefined;

  constructor(
    private readonly data: PreprocessWorkerData,
    options: PreprocessPoolOptions = {},
  ) {
    this.threads = options.threads ?? defaultPreprocessThreads();
    this.filesPerThread = options.filesPerThread ?? 2;
    for (const [name, value] of [
      ['threads', this.threads],
      ['filesPerThread', this.filesPerThread],
    ] as const) {
      if (!Number.isInteger(value) || value < 1)
        throw new EncodersError(
          EncodersErrorCode.InvalidOption,
          `preprocessing ${name} must be a positive integer; got ${value}`,
        );
    }
    this.entry = workerEntry(options.workerFile);
  }

  get threadCount(): number {
    return this.threads;
  }

  /** pixel_values of one file; rejects with that file's typed error. */
  preprocess(file: string, decode?: DecodeImageOptions): Promise<Float32Array> {
    if (this.closed)
      return Promise.reject(new EncodersError(EncodersErrorCode.Disposed, 'the preprocessing pool was closed'));
    if (this.startFailure !== undefined) return Promise.reject(this.startFailure);
    return new Promise<Float32Array>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, file, decode, suspect: false, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Gives pixel_values buffers the caller is done with back to the threads (transferred: the
   * arrays are detached afterwards), spread over them so each can reuse some.
   */
  recycle(arrays: readonly Float32Array[]): void {
    const slots = [...this.slots].filter((slot) => slot.ready);
    if (slots.length === 0 || this.closed) return;
    const buffers = arrays
      .map((a) => a.buffer)
      .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
    slots.forEach((slot, s) => {
      const share = buffers.filter((_, i) => i % slots.length === s);
      if (share.length > 0)
        slot.worker.postMessage({ kind: 'recycle', buffers: share } satisfies RecycleMessage, share);
    });
  }

  /** Stops every thread; queued files are rejected with a Disposed error. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new EncodersError(EncodersErrorCode.Disposed, 'the preprocessing pool was closed');
    for (const task of [...this.queue.splice(0), ...this.suspects.splice(0)]) task.reject(error);
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) for (const task of slot.inFlight.values()) task.reject(error);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry.file, { workerData: this.data, execArgv: this.entry.execArgv });
    const slot: Slot = { worker, inFlight: new Map(), ready: false, isolating: false, lastError: undefined };
    worker.on('message', (reply: PreprocessReply) => this.onReply(slot, reply));
    worker.on('error', (error) => {
      slot.lastError = error;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    this.slots.add(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: PreprocessReply): void {
    if (reply.kind === 'ready') {
      slot.ready = true;
      return;
    }
    const task = slot.inFlight.get(reply.id);
    if (task === undefined) return;
    slot.inFlight.delete(reply.id);
    if (task.suspect) slot.isolating = false;
    if (reply.kind === 'done') task.resolve(reply.pixels);
    else task.reject(new EncodersError(reply.code, reply.message, reply.details));
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    if (!this.slots.delete(slot) || this.closed) return;
    const reason = slot.lastError?.message ?? `exit code ${code}`;
    const orphans = [...slot.inFlight.values()];
    if (!slot.ready) {
      // The thread died before it could serve anything: the pool itself is broken, not a file.
      this.startFailure = new EncodersError(
        EncodersErrorCode.PreprocessWorkerFailed,
        `a preprocessing worker thread could not start (${this.entry.file}): ${reason}`,
        {
          workerFile: this.entry.file,
        },
      );
      for (const task of [...orphans, ...this.queue.splice(0), ...this.suspects.splice(0)])
        task.reject(this.startFailure);
      for (const other of this.slots) void other.worker.terminate();
      return;
    }
    for (const task of orphans) {
      if (task.suspect || orphans.length === 1) {
        task.reject(
          new EncodersError(
            EncodersErrorCode.ImageDecodeFailed,
            `preprocessing ${task.file} crashed its worker thread (${reason}); the file is left out`,
            {
              source: task.file,
            },
          ),
        );
      } else {
        task.suspect = true;
        this.suspects.push(task);
      }
    }
    this.dispatch();
  }

  private dispatch(): void {
    if (this.closed || this.startFailure !== undefined) return;
    while (this.slots.size < this.threads && this.queue.length + this.suspects.length > this.busyCapacity())
      this.spawn();
    for (const slot of this.slots) {
      if (slot.isolating) continue;
      if (this.suspects.length > 0 && slot.inFlight.size === 0) {
        slot.isolating = true;
        this.send(slot, this.suspects.shift()!);
        continue;
      }
      // While suspects wait for an idle thread, threads drain instead of taking ordinary files.
      if (this.suspects.length > 0) continue;
      while (slot.inFlight.size < this.filesPerThread && this.queue.length > 0) this.send(slot, this.queue.shift()!);
    }
    // Idle threads must not keep the process alive (an encoder left undisposed); busy ones must.
    for (const slot of this.slots) {
      if (slot.inFlight.size > 0) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  /** Files the existing threads could take right now. */
  private busyCapacity(): number {
    let free = 0;
    for (const slot of this.slots) if (!slot.isolating) free += this.filesPerThread - slot.inFlight.size;
    return free;
  }

  private send(slot: Slot, task: Task): void {
    slot.inFlight.set(task.id, task);
    slot.worker.postMessage({
      kind: 'preprocess',
      id: task.id,
      file: task.file,
      decode: task.decode,
    } satisfies PreprocessRequest);
  }
}
