// Y = W · M in onnxruntime, W (r × n) and M (n × C) fed per call: weighted sums of the rows of a
// large matrix (TANL's column means over the admitted images of a batch and over its activation
// queues), so no JS loop walks n × C values. Internal.
import { OnnxGraphBuilder } from '@negmine/formats';
import * as ort from 'onnxruntime-node';
import { invariant } from '../errors';
import { OrtKernelSession, type KernelOptions } from './ort-session';
import type { ScorePrecision } from './score-group-sums.kernel';

export class RowCombinationKernel {
  private constructor(
    private readonly session: OrtKernelSession,
    private readonly precision: ScorePrecision,
  ) {}

  static async create(precision: ScorePrecision, options: KernelOptions = {}): Promise<RowCombinationKernel> {
    const graph = new OnnxGraphBuilder('row_combination')
      .input('w', precision, ['r', 'n'])
      .input('m', precision, ['n', 'c'])
      .node('MatMul', ['w', 'm'], ['y'])
      .output('y', precision, ['r', 'c']);
    return new RowCombinationKernel(await OrtKernelSession.create(graph.toBytes({ opset: 17 }), options), precision);
  }

  /** `weights` r × n, `matrix` n × columns (row-major, the matrix in this kernel's precision); returns r × columns in float64. */
  async run(
    weights: Float64Array,
    r: number,
    matrix: Float32Array | Float64Array,
    n: number,
    columns: number,
  ): Promise<Float64Array> {
    invariant(weights.length === r * n && matrix.length >= n * columns, 'operands are r × n and n × columns');
    const m =
      this.precision === 'float64'
        ? matrix instanceof Float64Array
          ? matrix
          : Float64Array.from(matrix)
        : matrix instanceof Float32Array
          ? matrix
          : Float32Array.from(matrix);
    const w = this.precision === 'float64' ? weights : Float32Array.from(weights);
    const out = await this.session.run({
      w: new ort.Tensor(this.precision, w, [r, n]),
      m: new ort.Tensor(this.precision, m.length === n * columns ? m : m.subarray(0, n * columns), [n, columns]),
    });
    const y = out['y'];
    invariant(y !== undefined, 'kernel output present');
    return y.data instanceof Float64Array ? y.data : Float64Array.from(y.data as Float32Array);
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
