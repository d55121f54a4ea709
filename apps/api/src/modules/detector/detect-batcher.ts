// Micro-batching of `detect` on one detector: concurrent requests (GraphQL or HTTP) are queued and
// coalesced into one onnxruntime run, and the results are split back per request in order. A
// detector run streams its (K + N) × d label matrix through memory whatever the batch size, so one
// run of 20 rows costs about 2× one run of 1 row, not 20× (bench detect-api). Internal to the feature.
import type { DetectionResult, EmbeddingMatrix } from '@negmine/mining';
import { ApiError, ApiErrorCode } from '../../errors';

/** What the batcher runs: a loaded detector (in-process or on its own thread). */
export interface DetectExecutor {
  detect(images: EmbeddingMatrix): Promise<DetectionResult>;
}

export interface DetectBatcherOptions {
  /** Rows coalesced into one run at most (a single larger request still runs, alone). */
  readonly maxBatchRows: number;
  /** Requests waiting at most; one more is refused with OVERLOADED (nothing is queued unbounded). */
  readonly maxQueuedRequests: number;
}

interface Pending {
  readonly images: EmbeddingMatrix;
  resolve(result: DetectionResult): void;
  reject(error: unknown): void;
}

/** Rows [start, start + rows) of a coalesced result. */
function sliceResult(result: DetectionResult, start: number, rows: number): DetectionResult {
  return {
    scores: result.scores.slice(start, start + rows),
    isOod: result.isOod.slice(start, start + rows),
    predictedClass: result.predictedClass.slice(start, start + rows),
    predictedProbability: result.predictedProbability.slice(start, start + rows),
  };
}

export class DetectBatcher {
  private readonly queue: Pending[] = [];
  private running = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly executor: DetectExecutor,
    private readonly options: DetectBatcherOptions,
  ) {}

  /** Requests waiting for a run (for tests and logs). */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * The detector's outputs for these rows, as if they ran alone. The caller has checked the shape
   * (width, non-empty, the batch maximum); the runner checks values (NaN, zero rows) per request.
   */
  detect(images: EmbeddingMatrix): Promise<DetectionResult> {
    if (this.queue.length >= this.options.maxQueuedRequests) {
      return Promise.reject(
        new ApiError(
          ApiErrorCode.Overloaded,
          `the detector has ${this.queue.length} requests waiting (the most it queues); retry shortly or send larger batches`,
          { queued: this.queue.length },
        ),
      );
    }
    return new Promise<DetectionResult>((resolve, reject) => {
      this.queue.push({ images, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or running (before the session is disposed). */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Flushes on the next turn of the event loop (setImmediate: requests whose bodies arrived in the
   * same turn join), or when the run in flight ends (requests that arrived meanwhile join).
   */
  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private take(): Pending[] {
    const batch: Pending[] = [this.queue.shift()!];
    let rows = batch[0]!.images.rows;
    while (this.queue.length > 0 && rows + this.queue[0]!.images.rows <= this.options.maxBatchRows) {
      const next = this.queue.shift()!;
      rows += next.images.rows;
      batch.push(next);
    }
    return batch;
  }

  private async flush(): Promise<void> {
    if (this.running) return;
    if (this.queue.length === 0) {
      this.notifyIdle();
      return;
    }
    this.running = true;
    try {
      await this.run(this.take());
    } finally {
      this.running = false;
    }
    if (this.queue.length > 0) void this.flush();
    else this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async run(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const only = batch[0]!;
      await this.executor.detect(only.images).then(only.resolve, only.reject);
      return;
    }
    const cols = batch[0]!.images.cols;
    const rows = batch.reduce((sum, pending) => sum + pending.images.rows, 0);
    const data = new Float32Array(rows * cols);
    let offset = 0;
    for (const pending of batch) {
      data.set(pending.images.data, offset * cols);
      offset += pending.images.rows;
    }
    let result: DetectionResult;
    try {
      result = await this.executor.detect({ data, rows, cols });
    } catch {
      // One request's rows (a NaN, a zero row) or a failed run: each request runs alone, so only
      // its own error reaches it, with row numbers of its own batch.
      for (const pending of batch) await this.executor.detect(pending.images).then(pending.resolve, pending.reject);
      return;
    }
    offset = 0;
    for (const pending of batch) {
      pending.resolve(sliceResult(result, offset, pending.images.rows));
      offset += pending.images.rows;
    }
  }
}
