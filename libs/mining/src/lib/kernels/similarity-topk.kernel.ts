// Blockwise "k best scores per row" of a matrix product, run in onnxruntime: Gemm(queries, keysᵀ)
// followed by TopK, so only k values and indices per row come back to JS and the full
// rows × keys score matrix never exists beyond one block. Used by kNN density and NegLabel. Internal.
import { OnnxGraphBuilder } from '@negmine/formats';
import { MiningError, MiningErrorCode } from '../errors';
import { OrtKernelSession, type KernelOptions } from './ort-session';
import * as ort from 'onnxruntime-node';

export type KernelPrecision = 'float32' | 'float64';

export type KernelArray<P extends KernelPrecision> = P extends 'float32' ? Float32Array : Float64Array;

export interface SimilarityTopKSpec<P extends KernelPrecision> {
  /** Row-major keys, keyCount × dim; held by reference for the kernel's life. */
  readonly keys: KernelArray<P>;
  readonly keyCount: number;
  readonly dim: number;
  /** How many scores to keep per query row (1 ≤ count ≤ keyCount). */
  readonly count: number;
  /** true: the largest scores (descending); false: the smallest (ascending). */
  readonly largest: boolean;
  readonly precision: P;
}

export interface RowTopK<P extends KernelPrecision> {
  readonly rows: number;
  readonly count: number;
  /** rows × count scores, best first. */
  readonly values: KernelArray<P>;
  /** rows × count key indices matching `values`. */
  readonly indices: Int32Array;
}

/** Query rows per onnxruntime call: bounds the per-call score block to blockRows × keyCount values. */
export function defaultBlockRows(keyCount: number): number {
  // Aim for ~64 MB of float32 scores per block, at least 16 and at most 1024 rows.
  return Math.max(16, Math.min(1024, Math.floor((64 * 1024 * 1024) / (4 * Math.max(1, keyCount)))));
}

export class SimilarityTopKKernel<P extends KernelPrecision> {
  private constructor(
    private readonly session: OrtKernelSession,
    private readonly keysTensor: ort.Tensor,
    private readonly spec: SimilarityTopKSpec<P>,
  ) {}

  static async create<P extends KernelPrecision>(
    spec: SimilarityTopKSpec<P>,
    options: KernelOptions = {},
  ): Promise<SimilarityTopKKernel<P>> {
    if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > spec.keyCount) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `top-k count must be an integer in [1, ${spec.keyCount}] (the number of keys); got ${spec.count}`,
        {
          count: spec.count,
          keyCount: spec.keyCount,
        },
      );
    }
    if (spec.keys.length !== spec.keyCount * spec.dim) {
      throw new MiningError(
        MiningErrorCode.ShapeMismatch,
        `keys hold ${spec.keys.length} values, expected ${spec.keyCount} × ${spec.dim}`,
        {
          keyCount: spec.keyCount,
          dim: spec.dim,
        },
      );
    }
    const type = spec.precision;
    const graph = new OnnxGraphBuilder('similarity_topk')
      .input('queries', type, ['rows', spec.dim])
      .input('keys', type, [spec.keyCount, spec.dim])
      .initializer('k', { type: 'int64', dims: [1], data: BigInt64Array.of(BigInt(spec.count)) })
      .node('Gemm', ['queries', 'keys'], ['scores'], { transB: { int: 1 } })
      .node('TopK', ['scores', 'k'], ['values', 'indices'], {
        axis: { int: 1 },
        largest: { int: spec.largest ? 1 : 0 },
        sorted: { int: 1 },
      })
      .output('values', type, ['rows', spec.count])
      .output('indices', 'int64', ['rows', spec.count]);
    // The keys tensor wraps the caller's array (no copy) and is fed on every call. Made before the
    // session, so nothing can throw between creating the session and handing it to its owner.
    const keysTensor = new ort.Tensor(type, spec.keys, [spec.keyCount, spec.dim]);
    const session = await OrtKernelSession.create(graph.toBytes({ opset: 17 }), options);
    return new SimilarityTopKKernel(session, keysTensor, spec);
  }

  /** Top-k of queries (rows × dim, row-major) against all keys. */
  async run(queries: KernelArray<P>, rows: number): Promise<RowTopK<P>> {
    if (queries.length !== rows * this.spec.dim) {
      throw new MiningError(
        MiningErrorCode.ShapeMismatch,
        `query block holds ${queries.length} values, expected ${rows} × ${this.spec.dim}`,
        {
          rows,
          dim: this.spec.dim,
        },
      );
    }
    const out = await this.session.run({
      queries: new ort.Tensor(this.spec.precision, queries, [rows, this.spec.dim]),
      keys: this.keysTensor,
    });
    const values = out['values']!.data as KernelArray<P>;
    const wideIndices = out['indices']!.data as BigInt64Array;
    const indices = new Int32Array(wideIndices.length);
    for (let i = 0; i < wideIndices.length; i++) indices[i] = Number(wideIndices[i]!);
    return { rows, count: this.spec.count, values, indices };
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
