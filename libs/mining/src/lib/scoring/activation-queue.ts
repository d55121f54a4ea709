// A first-in-first-out queue of the last `capacity` activation rows (each over the C corpus
// columns), as TANL's positive and negative queues: appending past capacity drops the oldest rows.
// Its column mean is order-free, so rows live in a ring and the mean is one onnxruntime product.
// Internal.
import type { RowCombinationKernel } from '../kernels/row-combination.kernel';

export class ActivationQueue {
  private readonly rows: Float32Array | Float64Array;
  private length = 0;
  private next = 0;
  private cachedMean: Float64Array | undefined;

  constructor(
    readonly capacity: number,
    readonly columns: number,
    precision: 'float32' | 'float64',
  ) {
    this.rows = precision === 'float64' ? new Float64Array(capacity * columns) : new Float32Array(capacity * columns);
  }

  get size(): number {
    return this.length;
  }

  /** Appends row `r` of `matrix` (rows × columns, row-major). */
  push(matrix: Float32Array | Float64Array, r: number): void {
    this.rows.set(matrix.subarray(r * this.columns, (r + 1) * this.columns), this.next * this.columns);
    this.next = (this.next + 1) % this.capacity;
    this.length = Math.min(this.length + 1, this.capacity);
    this.cachedMean = undefined;
  }

  /** Column means over the rows held (float64, length C). */
  async mean(kernel: RowCombinationKernel): Promise<Float64Array> {
    if (this.cachedMean === undefined) {
      // While not full the rows occupy [0, length); once full, the whole ring.
      const weights = new Float64Array(this.length).fill(1 / this.length);
      this.cachedMean = await kernel.run(weights, 1, this.rows, this.length, this.columns);
    }
    return this.cachedMean;
  }
}
