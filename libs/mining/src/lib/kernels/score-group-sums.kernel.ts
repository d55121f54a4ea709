// The fused scoring kernel: the matrix product of an image chunk against [ID; grouped negatives]
// and its epilogue inside one onnxruntime graph, so JS only sees B × (2 + G) numbers. Internal.
//
// Graph (T = temperature; Wid, Wneg = L2-normalised label rows already scaled by 1/T, which saves
// a pass over the logits):
//   x         = LpNormalization(images, p = 2)   each image row L2-normalised (raw rows go in)
//   idLogits  = Gemm(x, Wid, transB)             B × K       = s_c / T
//   negLogits = Gemm(x, Wneg, transB)            B × (G·Q)   = s_n / T
//   idMax     = ReduceMax(idLogits)                                     B × 1
//   idOwn     = ReduceSum(Exp(idLogits − idMax))                        B × 1   (≥ 1)
//   groupMax  = ReduceMax(Reshape(negLogits, [B, G, Q]), axis 2)        B × G
//   groupOwn  = ReduceSum(Exp(Reshape(negLogits) − groupMax), axis 2)   B × G   (≥ 1)
// Every exponent is ≤ 0, so nothing overflows, and each sum is shifted by its own maximum, so none
// underflows to 0 either (shifted by the row maximum, a float32 sum of logits 87 below it would:
// with T = 0.01, an ID side 0.87 in cosine below the best negative gave NegLabel 0/0). run() then
// shifts them to the common row maximum in float64, where exp reaches 745 below:
//   rowMax = max(idMax, max_g groupMax); idSum = idOwn · exp(idMax − rowMax) = A · exp(−rowMax);
//   groupSums = groupOwn · exp(groupMax − rowMax).
// The product is split in two Gemms (same FLOPs)
// because slicing one B × (K + G·Q) product costs an extra copy of the whole matrix (measured:
// epilogue overhead ≈ 30% of the Gemm time with Slice, ≈ 8% without). The negatives are laid
// out in group order beforehand, so groups are consecutive columns and a Reshape replaces any
// gather. The label matrices are fixed graph INPUTS fed with the same buffers on every run rather
// than initializers: serialising a 13000 × 512 initializer into the model and loading it back
// costs over a second per call, while feeding it costs nothing measurable.
import { OnnxGraphBuilder } from '@negmine/formats';
import * as ort from 'onnxruntime-node';
import { invariant } from '../errors';
import { OrtKernelSession, type KernelOptions } from './ort-session';

export type ScorePrecision = 'float32' | 'float64';

export interface GroupSumsKernelSpec {
  /** K × d ID label rows, L2-normalised and divided by T, row-major, in `precision`. */
  readonly idWeights: Float32Array | Float64Array;
  readonly idCount: number;
  /** (G·Q) × d negative rows in group order (group j = rows [jQ, (j+1)Q)), normalised and / T. */
  readonly negWeights: Float32Array | Float64Array;
  readonly groups: number;
  readonly groupSize: number;
  readonly dim: number;
  readonly precision: ScorePrecision;
}

export interface GroupSumsChunk {
  /** Row maximum of cosine / T over ID and negatives, per image (the shift used below). */
  readonly rowMaxLogit: Float64Array;
  /** Σ_c exp(s_c/T − rowMax), per image. */
  readonly idSum: Float64Array;
  /** Σ_{n∈g_j} exp(s_n/T − rowMax), B × G row-major (empty when G = 0). */
  readonly groupSums: Float64Array;
}

export class GroupSumsKernel {
  private constructor(
    private readonly session: OrtKernelSession,
    private readonly spec: GroupSumsKernelSpec,
    private readonly labels: Readonly<Record<string, ort.Tensor>>,
  ) {}

  static async create(spec: GroupSumsKernelSpec, options: KernelOptions = {}): Promise<GroupSumsKernel> {
    const { idWeights, negWeights, idCount, groups, groupSize, dim, precision } = spec;
    invariant(idWeights.length === idCount * dim, 'idWeights is K × d');
    invariant(negWeights.length === groups * groupSize * dim, 'negWeights is (G·Q) × d');
    const expected = precision === 'float64' ? Float64Array : Float32Array;
    invariant(
      idWeights instanceof expected && (groups === 0 || negWeights instanceof expected),
      'weights are in the kernel precision',
    );
    // Tensors before the session: nothing may throw between creating the session and returning its owner.
    const labels: Record<string, ort.Tensor> = { id_text: new ort.Tensor(precision, idWeights, [idCount, dim]) };
    if (groups > 0) labels['neg_text'] = new ort.Tensor(precision, negWeights, [groups * groupSize, dim]);
    const session = await OrtKernelSession.create(buildGroupSumsGraph(spec), options);
    return new GroupSumsKernel(session, spec, labels);
  }

  get precision(): ScorePrecision {
    return this.spec.precision;
  }

  /**
   * Runs one chunk of `rows` images (rows × d, row-major; raw: the graph L2-normalises each row, so
   * a float32 chunk can be a zero-copy view into the caller's matrix).
   */
  async run(images: Float32Array | Float64Array, rows: number): Promise<GroupSumsChunk> {
    const { dim, groups, precision } = this.spec;
    invariant(images.length === rows * dim, 'image chunk is rows × d');
    const data =
      precision === 'float64'
        ? images instanceof Float64Array
          ? images
          : Float64Array.from(images)
        : images instanceof Float32Array
          ? images
          : Float32Array.from(images);
    const out = await this.session.run({ images: new ort.Tensor(precision, data, [rows, dim]), ...this.labels });
    const idMax = out['id_max']?.data as Float32Array | Float64Array | undefined;
    const idOwn = out['id_sum']?.data as Float32Array | Float64Array | undefined;
    invariant(idMax !== undefined && idOwn !== undefined, 'kernel outputs present');
    const groupMax = out['group_max']?.data as Float32Array | Float64Array | undefined;
    const groupOwn = out['group_sums']?.data as Float32Array | Float64Array | undefined;
    invariant(groups === 0 || (groupMax !== undefined && groupOwn !== undefined), 'group outputs present');
    const rowMaxLogit = new Float64Array(rows);
    const idSum = new Float64Array(rows);
    const groupSums = new Float64Array(rows * groups);
    for (let i = 0; i < rows; i++) {
      let rowMax = idMax[i]!;
      for (let j = 0; j < groups; j++) rowMax = Math.max(rowMax, groupMax![i * groups + j]!);
      rowMaxLogit[i] = rowMax;
      idSum[i] = idOwn[i]! * Math.exp(idMax[i]! - rowMax);
      for (let j = 0; j < groups; j++) {
        const at = i * groups + j;
        groupSums[at] = groupOwn![at]! * Math.exp(groupMax![at]! - rowMax);
      }
    }
    return { rowMaxLogit, idSum, groupSums };
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}

function buildGroupSumsGraph(spec: GroupSumsKernelSpec): Uint8Array {
  const { idCount: k, groups, groupSize, dim, precision: type } = spec;
  const int64 = (values: number[]): { type: 'int64'; dims: number[]; data: BigInt64Array } => ({
    type: 'int64',
    dims: [values.length],
    data: BigInt64Array.from(values.map((v) => BigInt(v))),
  });
  const g = new OnnxGraphBuilder('score_group_sums')
    .input('images', type, ['batch', dim])
    .input('id_text', type, [k, dim])
    .initializer('axis1', int64([1]))
    .node('LpNormalization', ['images'], ['unit_images'], { axis: { int: 1 }, p: { int: 2 } })
    .node('Gemm', ['unit_images', 'id_text'], ['id_logits'], { transB: { int: 1 } })
    .node('ReduceMax', ['id_logits'], ['id_max'], { axes: { ints: [1] }, keepdims: { int: 1 } });
  if (groups > 0) {
    g.input('neg_text', type, [groups * groupSize, dim])
      .initializer('group_shape', int64([0, groups, groupSize]))
      .initializer('axis2', int64([2]))
      .node('Gemm', ['unit_images', 'neg_text'], ['neg_logits'], { transB: { int: 1 } })
      .node('Reshape', ['neg_logits', 'group_shape'], ['neg_grouped'])
      .node('ReduceMax', ['neg_grouped'], ['group_max'], { axes: { ints: [2] }, keepdims: { int: 1 } })
      .node('Sub', ['neg_grouped', 'group_max'], ['neg_centred'])
      .node('Exp', ['neg_centred'], ['neg_shifted'])
      .node('ReduceSum', ['neg_shifted', 'axis2'], ['group_sums'], { keepdims: { int: 0 } })
      .output('group_max', type, ['batch', groups, 1])
      .output('group_sums', type, ['batch', groups]);
  }
  g.node('Sub', ['id_logits', 'id_max'], ['id_centred'])
    .node('Exp', ['id_centred'], ['id_shifted'])
    .node('ReduceSum', ['id_shifted', 'axis1'], ['id_sum'], { keepdims: { int: 1 } })
    .output('id_max', type, ['batch', 1])
    .output('id_sum', type, ['batch', 1]);
  return g.toBytes({ opset: 17 });
}
