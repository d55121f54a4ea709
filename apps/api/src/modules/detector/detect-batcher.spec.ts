// DetectBatcher on a real (tiny) detector: concurrent requests share runs, each gets exactly the
// outputs it would get alone, in its own row order; one request's bad rows fail only that request;
// the coalesced rows and the queue are bounded.
import { buildDetector, DetectorRunner, type DetectionResult, type EmbeddingMatrix } from '@negmine/mining';
import { DetectBatcher, type DetectExecutor } from './detect-batcher';

const DIM = 8;

function matrix(rows: number, seed: number): EmbeddingMatrix {
  const data = Float32Array.from(
    { length: rows * DIM },
    (_, i) => Math.sin(seed * 3.1 + i * 0.7) + (i % DIM === seed % DIM ? 1 : 0),
  );
  return { data, rows, cols: DIM };
}

/**
 * Coalesced rows against the same rows run alone. The detector graph is row-independent, but
 * onnxruntime's vectorised CPU kernels (GEMM, the softmax's exp/sum) take other code paths for
 * other batch sizes, so float outputs may differ in their last bits: measured up to 1 float32 ulp
 * (1.2e-7 on a probability near 1). Tolerance: 4 ulps relative (4.8e-7); flags and classes exact.
 */
const COALESCE_RELATIVE_TOLERANCE = 4 * 2 ** -23;

function expectSameAsAlone(coalesced: DetectionResult, alone: DetectionResult): void {
  expect(Array.from(coalesced.isOod)).toEqual(Array.from(alone.isOod));
  expect(Array.from(coalesced.predictedClass)).toEqual(Array.from(alone.predictedClass));
  for (const field of ['scores', 'predictedProbability'] as const) {
    expect(coalesced[field].length).toBe(alone[field].length);
    alone[field].forEach((value, i) => {
      const error = Math.abs(coalesced[field][i]! - value);
      expect(error).toBeLessThanOrEqual(COALESCE_RELATIVE_TOLERANCE * Math.max(Math.abs(value), 2 ** -126));
    });
  }
}

/** The runner, counting its runs and the rows of each. */
class CountingExecutor implements DetectExecutor {
  readonly runs: number[] = [];
  constructor(private readonly runner: DetectorRunner) {}
  detect(images: EmbeddingMatrix): Promise<DetectionResult> {
    this.runs.push(images.rows);
    return this.runner.detect(images);
  }
}

describe('DetectBatcher', () => {
  let runner: DetectorRunner;

  beforeAll(async () => {
    const built = await buildDetector({
      method: 'neglabel',
      idText: matrix(5, 1),
      negText: matrix(40, 2),
      params: { groups: 4 },
      threshold: { value: 0.5 },
      labels: ['a', 'b', 'c', 'd', 'e'],
      codeVersion: 'test',
    });
    runner = await DetectorRunner.load(built.onnxBytes, { threads: 1 });
  });

  afterAll(() => runner.dispose());

  it('coalesces concurrent requests into one run; each result equals its run alone, in order', async () => {
    const executor = new CountingExecutor(runner);
    const batcher = new DetectBatcher(executor, { maxBatchRows: 256, maxQueuedRequests: 100 });
    const requests = [1, 3, 1, 7, 2, 1, 5, 1].map((rows, i) => matrix(rows, 10 + i));
    const finished: number[] = [];
    const results = await Promise.all(
      requests.map((images, i) =>
        batcher.detect(images).then((result) => {
          finished.push(i);
          return result;
        }),
      ),
    );
    expect(executor.runs).toEqual([21]);
    expect(finished).toEqual(requests.map((_, i) => i));
    for (const [i, images] of requests.entries()) expectSameAsAlone(results[i]!, await runner.detect(images));
  });

  it("fails only the request whose rows are bad, with that request's own row number", async () => {
    const executor = new CountingExecutor(runner);
    const batcher = new DetectBatcher(executor, { maxBatchRows: 256, maxQueuedRequests: 100 });
    const bad = matrix(3, 7);
    bad.data[DIM + 2] = Number.NaN;
    const zero: EmbeddingMatrix = { data: new Float32Array(DIM), rows: 1, cols: DIM };
    const good = [matrix(2, 20), matrix(1, 21)];
    const settled = await Promise.allSettled([
      batcher.detect(good[0]!),
      batcher.detect(bad),
      batcher.detect(zero),
      batcher.detect(good[1]!),
    ]);
    expect(settled[0]!.status).toBe('fulfilled');
    expect(settled[3]!.status).toBe('fulfilled');
    expectSameAsAlone((settled[0] as PromiseFulfilledResult<DetectionResult>).value, await runner.detect(good[0]!));
    expectSameAsAlone((settled[3] as PromiseFulfilledResult<DetectionResult>).value, await runner.detect(good[1]!));
    expect(settled[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'NON_FINITE_VALUE', message: expect.stringContaining('row 1') },
    });
    expect(settled[2]).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_INPUT' } });
    // The coalesced run failed, then each request ran alone.
    expect(executor.runs).toEqual([7, 2, 3, 1, 1]);
  });

  it('coalesces at most maxBatchRows rows; a larger request runs alone; later requests join the next run', async () => {
    const executor = new CountingExecutor(runner);
    const batcher = new DetectBatcher(executor, { maxBatchRows: 4, maxQueuedRequests: 100 });
    const requests = [3, 1, 3, 10, 2, 2].map((rows, i) => matrix(rows, 30 + i));
    const results = await Promise.all(requests.map((images) => batcher.detect(images)));
    expect(executor.runs).toEqual([4, 3, 10, 4]);
    for (const [i, images] of requests.entries()) expectSameAsAlone(results[i]!, await runner.detect(images));
    await expect(batcher.idle()).resolves.toBeUndefined();
  });

  it('refuses a request over the queue bound with OVERLOADED and still serves the queued ones', async () => {
    const executor = new CountingExecutor(runner);
    const batcher = new DetectBatcher(executor, { maxBatchRows: 256, maxQueuedRequests: 2 });
    const first = batcher.detect(matrix(1, 40));
    const second = batcher.detect(matrix(1, 41));
    await expect(batcher.detect(matrix(1, 42))).rejects.toMatchObject({ code: 'OVERLOADED' });
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
    expect(batcher.queued).toBe(0);
  });
});
