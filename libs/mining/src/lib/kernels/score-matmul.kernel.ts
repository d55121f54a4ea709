// A plain scaled matrix product Y = alpha · A · Bᵀ in onnxruntime with both operands fed per call:
// for methods whose label matrix changes between batches (AdaNeg's adaptive proxies) and as the
// benchmark's baseline MatMul rate. Internal.
import { OnnxGraphBuilder } from '@negmine/formats';
import * as ort from 'onnxruntime-node';
import { invariant } from '../errors';
import { OrtKernelSession, type KernelOptions } from './ort-session';
import type { ScorePrecision } from './score-group-sums.kernel';

export class MatmulKernel {
  private constructor(
    private readonly session: OrtKernelSession,
    private readonly dim: number,
    private readonly precision: ScorePrecision,
  ) {}

  /**
   * `alpha` scales the product (1/T turns cosines into logits). `output` 'product' returns Y;
   * 'row-max' returns only max_j Y[i, j], so a benchmark can time the product itself without
   * copying rows × columns values out of onnxruntime.
   */
  static async create(
    dim: number,
    alpha: number,
    precision: ScorePrecision,
    options: KernelOptions = {},
    output: 'product' | 'row-max' = 'product',
  ): Promise<MatmulKernel> {
    const graph = new OnnxGraphBuilder('score_matmul')
      .input('a', precision, ['rows', dim])
      .input('b', precision, ['columns', dim])
      .node('Gemm', ['a', 'b'], [output === 'product' ? 'y' : 'product'], {
        transB: { int: 1 },
        alpha: { float: alpha },
      });
    if (output === 'product') graph.output('y', precision, ['rows', 'columns']);
    else
      graph
        .node('ReduceMax', ['product'], ['y'], { axes: { ints: [1] }, keepdims: { int: 0 } })
        .output('y', precision, ['rows']);
    return new MatmulKernel(await OrtKernelSession.create(graph.toBytes({ opset: 17 }), options), dim, precision);
  }

  /** A is rows × d, B is columns × d (both row-major, in this kernel's precision); returns rows × columns (or rows). */
  async run(
    a: Float32Array | Float64Array,
    rows: number,
    b: Float32Array | Float64Array,
    columns: number,
  ): Promise<Float32Array | Float64Array> {
    invariant(a.length === rows * this.dim && b.length === columns * this.dim, 'operands are rows × d and columns × d');
    const cast = (x: Float32Array | Float64Array): Float32Array | Float64Array =>
      this.precision === 'float64'
        ? x instanceof Float64Array
          ? x
          : Float64Array.from(x)
        : x instanceof Float32Array
          ? x
          : Float32Array.from(x);
    const out = await this.session.run({
      a: new ort.Tensor(this.precision, cast(a), [rows, this.dim]),
      b: new ort.Tensor(this.precision, cast(b), [columns, this.dim]),
    });
    const y = out['y'];
    invariant(y !== undefined, 'kernel output present');
    return y.data as Float32Array | Float64Array;
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
