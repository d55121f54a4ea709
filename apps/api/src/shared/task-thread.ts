// TaskThread: heavy one-off work of a feature on a worker thread of its own (entry: a file that
// calls serveTasks), so the event loop that serves requests never runs it. Started on first use;
// tasks run concurrently on the thread; a thread that dies fails what it had in flight and the next
// task starts a fresh one. The thread never holds the process open; dispose() lets the tasks in
// flight finish, then ends it (never terminate(): ending a thread inside an onnxruntime call aborts
// the process).
import { Worker } from 'node:worker_threads';
import type { TaskReply, TaskRequest } from './task-thread-protocol';
import { threadEntry } from './thread-entry';
import { fromThreadError } from './thread-errors';

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

/** Started, not yet exited task threads of this process, by entry name (for shutdown checks and tests). */
const live = new Map<string, number>();

export function liveTaskThreads(name: string): number {
  return live.get(name) ?? 0;
}

export class TaskThread<Task extends { readonly kind: string }, Results extends Record<Task['kind'], unknown>> {
  private running: Running | undefined;
  private nextId = 0;
  /** Set by close(): no task starts a thread again (at shutdown nothing may outlive the process's end). */
  private closed = false;

  /**
   * @param dir, name  the entry file `<dir>/<name>.ts|.js`
   * @param workerData  what the entry reads as `workerData` (cloned)
   */
  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly workerData: unknown,
  ) {}

  /** Runs one task on the thread; `transfer` lists buffers of the task handed over without a copy. */
  run<K extends Task['kind']>(task: Extract<Task, { kind: K }>, transfer: ArrayBuffer[] = []): Promise<Results[K]> {
    if (this.closed)
      return Promise.reject(new Error(`the ${this.name} thread is closed: the process is shutting down`));
    let running: Running;
    try {
      running = this.running ??= this.start();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const id = this.nextId++;
    const result = new Promise<Results[K]>((resolve, reject) => {
      running.inFlight.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        running.worker.postMessage({ kind: 'task', id, task } satisfies TaskRequest<Task>, transfer);
      } catch (error) {
        running.inFlight.delete(id);
        reject(error as Error);
      }
    });
    const settled: Promise<unknown> = result.then(
      () => running.settled.delete(settled),
      () => running.settled.delete(settled),
    );
    running.settled.add(settled);
    return result;
  }

  /**
   * Ends the thread (a later task starts a new one). Tasks in flight get `graceMs` to finish; then the
   * thread disposes what it holds when its event loop is next free (between two onnxruntime calls),
   * so what is still running fails at its next step instead of keeping the process.
   */
  async dispose(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    await this.end(graceMs);
  }

  /** dispose(), and no later task starts a thread again: they are refused (shutdown). */
  async close(graceMs = 0): Promise<void> {
    this.closed = true;
    await this.end(graceMs);
  }

  private async end(graceMs: number): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    this.running = undefined;
    let timer: NodeJS.Timeout | undefined;
    const grace = Number.isFinite(graceMs)
      ? new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))
      : new Promise<void>(() => undefined);
    await Promise.race([Promise.allSettled(running.settled), grace]);
    clearTimeout(timer);
    running.worker.postMessage({ kind: 'dispose' } satisfies TaskRequest<Task>);
    await running.exited;
  }

  private start(): Running {
    const entry = threadEntry(this.dir, this.name);
    const worker = new Worker(entry.file, { workerData: this.workerData, execArgv: entry.execArgv, env: entry.env });
    const inFlight = new Map<number, InFlight>();
    const fail = (error: Error) => {
      for (const pending of inFlight.values()) pending.reject(error);
      inFlight.clear();
    };
    worker.on('message', (reply: TaskReply) => {
      const pending = inFlight.get(reply.id);
      inFlight.delete(reply.id);
      if (reply.kind === 'done') pending?.resolve(reply.value);
      else pending?.reject(fromThreadError(reply.error));
    });
    worker.on('error', (error) => fail(error));
    // A reply that cannot be deserialised here: its task cannot be told apart, so all in flight fail.
    worker.on('messageerror', (error) => fail(error));
    live.set(this.name, liveTaskThreads(this.name) + 1);
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        live.set(this.name, liveTaskThreads(this.name) - 1);
        fail(new Error(`the ${this.name} thread exited (code ${code})`));
        if (this.running?.worker === worker) this.running = undefined;
        resolve();
      }),
    );
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
    return { worker, inFlight, settled: new Set(), exited };
  }
}
