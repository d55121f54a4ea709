// The fused scoring kernel: one matrix product of an image chunk against [ID; grouped negatives]
// and an epilogue inside the same onnxruntime graph, so JS only sees B × (2 + G) numbers. Internal.
//
// Graph (T = temperature, W = [ID; grouped negatives] rows already L2-normalised and scaled by 1/T):
//   logits  = Gemm(images, W, transB)                     B × (K + G·Q)   = s / T
//   rowMax  = ReduceMax(logits, axis 1)                   B × 1
//   shifted = Exp(logits − rowMax)                        every value in (0, 1]: never overflows
//   idSum   = ReduceSum(shifted[:, :K], axis 1)           B × 1           = A · exp(−rowMax)
//   groupSums = ReduceSum(Reshape(shifted[:, K:], [B, G, Q]), axis 2)     B × G
// The negatives are laid out in group order before the graph is built, so groups are consecutive
// columns and a Reshape replaces any gather. W is a fixed graph INPUT fed with the same buffer on
// every run rather than an initializer: serialising a 13000 × 512 initializer into the model and
// loading it back costs over a second per call, while feeding it costs nothing measurable.
import { OnnxGraphBuilder, type OnnxElementType } from '@negmine/formats';
import * as ort from 'onnxruntime-node';
import { invariant } from '../errors';
import { OrtKernelSession, type KernelOptions } from './ort-session';

export type ScorePrecision = 'float32' | 'float64';

export interface GroupSumsKernelSpec {
  /** K × d ID text embeddings, rows L2-normalised, row-major. */
  readonly idText: Float64Array;
  readonly idCount: number;
  /** (G·Q) × d negative text embeddings in group order (group j = rows [jQ, (j+1)Q)), L2-normalised. */
  readonly groupedNegText: Float64Array;
  readonly groups: number;
  readonly groupSize: number;
  readonly dim: number;
  /** Softmax temperature T > 0; logits are cosine / T. */
  readonly temperature: number;
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
    private readonly text: ort.Tensor,
  ) {}

  static async create(spec: GroupSumsKernelSpec, options: KernelOptions = {}): Promise<GroupSumsKernel> {
    invariant(spec.idText.length === spec.idCount * spec.dim, 'idText is K × d');
    invariant(spec.groupedNegText.length === spec.groups * spec.groupSize * spec.dim, 'groupedNegText is (G·Q) × d');
    const session = await OrtKernelSession.create(buildGroupSumsGraph(spec), options);
    const columns = spec.idCount + spec.groups * spec.groupSize;
    return new GroupSumsKernel(session, spec, new ort.Tensor(spec.precision, scaledText(spec), [columns, spec.dim]));
  }

  /** Runs one chunk of `rows` L2-normalised images (rows × d, row-major). */
  async run(images: Float64Array, rows: number): Promise<GroupSumsChunk> {
    const { dim, groups, precision } = this.spec;
    invariant(images.length === rows * dim, 'image chunk is rows × d');
    const data = precision === 'float64' ? images : Float32Array.from(images);
    const out = await this.session.run({ images: new ort.Tensor(precision, data, [rows, dim]), text: this.text });
    const rowMax = out['row_max'];
    const idSum = out['id_sum'];
    const groupSums = out['group_sums'];
    invariant(rowMax !== undefined && idSum !== undefined, 'kernel outputs present');
    return {
      rowMaxLogit: Float64Array.from(rowMax.data as Float32Array | Float64Array),
      idSum: Float64Array.from(idSum.data as Float32Array | Float64Array),
      groupSums: groups > 0 && groupSums !== undefined ? Float64Array.from(groupSums.data as Float32Array | Float64Array) : new Float64Array(0),
    };
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}

/** [ID; grouped negatives] / T in the kernel's precision: folding 1/T in saves a pass over the logits. */
function scaledText(spec: GroupSumsKernelSpec): Float32Array | Float64Array {
  const { idCount: k, groups, groupSize, dim, temperature, precision } = spec;
  const columns = k + groups * groupSize;
  const weights = precision === 'float64' ? new Float64Array(columns * dim) : new Float32Array(columns * dim);
  const inverseT = 1 / temperature;
  for (let i = 0; i < k * dim; i++) weights[i] = spec.idText[i]! * inverseT;
  for (let i = 0; i < groups * groupSize * dim; i++) weights[k * dim + i] = spec.groupedNegText[i]! * inverseT;
  return weights;
}

function buildGroupSumsGraph(spec: GroupSumsKernelSpec): Uint8Array {
  const { idCount: k, groups, groupSize, dim, precision } = spec;
  const columns = k + groups * groupSize;
  const type: OnnxElementType = precision;
  const int64 = (values: number[]): { type: 'int64'; dims: number[]; data: BigInt64Array } => ({
    type: 'int64',
    dims: [values.length],
    data: BigInt64Array.from(values.map((v) => BigInt(v))),
  });
  const g = new OnnxGraphBuilder('score_group_sums')
    .input('images', type, ['batch', dim])
    .input('text', type, [columns, dim])
    .node('Gemm', ['images', 'text'], ['logits'], { transB: { int: 1 } })
    .node('ReduceMax', ['logits'], ['row_max'], { axes: { ints: [1] }, keepdims: { int: 1 } })
    .node('Sub', ['logits', 'row_max'], ['centred'])
    .node('Exp', ['centred'], ['shifted'])
    .initializer('id_start', int64([0]))
    .initializer('id_end', int64([k]))
    .initializer('axis1', int64([1]))
    .node('Slice', ['shifted', 'id_start', 'id_end', 'axis1'], ['id_part'])
    .node('ReduceSum', ['id_part', 'axis1'], ['id_sum'], { keepdims: { int: 1 } })
    .output('row_max', type, ['batch', 1])
    .output('id_sum', type, ['batch', 1]);
  if (groups > 0) {
    g.initializer('neg_end', int64([columns]))
      .initializer('group_shape', int64([0, groups, groupSize]))
      .initializer('axis2', int64([2]))
      .node('Slice', ['shifted', 'id_end', 'neg_end', 'axis1'], ['neg_part'])
      .node('Reshape', ['neg_part', 'group_shape'], ['neg_grouped'])
      .node('ReduceSum', ['neg_grouped', 'axis2'], ['group_sums'], { keepdims: { int: 0 } })
      .output('group_sums', type, ['batch', groups]);
  }
  return g.toBytes({ opset: 17 });
}
