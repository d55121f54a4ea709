// TANL's per-batch activation: the softmax of every image over the K ID labels and the WHOLE corpus,
// returned for the corpus columns only, in one onnxruntime graph (the product is the method's only
// large matrix product). Internal.
//
// Graph (W = L2-normalised rows already scaled by the logit scale 1/T, fed as inputs, not
// initializers, for the reason given in score-group-sums.kernel.ts):
//   x          = LpNormalization(images, p = 2)
//   idLogits   = Gemm(x, Wid, transB)        B × K
//   corpLogits = Gemm(x, Wcorpus, transB)    B × C
//   rowMax     = Max(ReduceMax(idLogits), ReduceMax(corpLogits))
//   activation = Exp(corpLogits − rowMax) / (ΣExp(idLogits − rowMax) + ΣExp(corpLogits − rowMax))   B × C
// Two Gemms instead of one product and a Slice: the slice would copy the whole B × (K + C) matrix.
import { OnnxGraphBuilder } from '@negmine/formats';
import * as ort from 'onnxruntime-node';
import { invariant } from '../errors';
import { OrtKernelSession, type KernelOptions } from './ort-session';
import type { ScorePrecision } from './score-group-sums.kernel';

export interface CorpusActivationSpec {
  /** K × d, normalised and scaled, in `precision`. */
  readonly idWeights: Float32Array | Float64Array;
  readonly idCount: number;
  /** C × d, normalised and scaled, in `precision`. */
  readonly corpusWeights: Float32Array | Float64Array;
  readonly corpusCount: number;
  readonly dim: number;
  readonly precision: ScorePrecision;
}

export class CorpusActivationKernel {
  private constructor(
    private readonly session: OrtKernelSession,
    private readonly spec: CorpusActivationSpec,
    private readonly weights: Readonly<Record<string, ort.Tensor>>,
  ) {}

  static async create(spec: CorpusActivationSpec, options: KernelOptions = {}): Promise<CorpusActivationKernel> {
    const { idWeights, idCount, corpusWeights, corpusCount, dim, precision } = spec;
    invariant(
      idWeights.length === idCount * dim && corpusWeights.length === corpusCount * dim,
      'weights are K × d and C × d',
    );
    const expected = precision === 'float64' ? Float64Array : Float32Array;
    invariant(
      idWeights instanceof expected && corpusWeights instanceof expected,
      'weights are in the kernel precision',
    );
    const weights = {
      id_text: new ort.Tensor(precision, idWeights, [idCount, dim]),
      corpus_text: new ort.Tensor(precision, corpusWeights, [corpusCount, dim]),
    };
    const session = await OrtKernelSession.create(buildGraph(spec), options);
    return new CorpusActivationKernel(session, spec, weights);
  }

  /** Activations of `rows` raw images (rows × d) over the corpus columns: rows × C, row-major. */
  async run(images: Float32Array | Float64Array, rows: number): Promise<Float32Array | Float64Array> {
    const { dim, precision } = this.spec;
    invariant(images.length === rows * dim, 'images are rows × d');
    const data =
      precision === 'float64'
        ? images instanceof Float64Array
          ? images
          : Float64Array.from(images)
        : images instanceof Float32Array
          ? images
          : Float32Array.from(images);
    const out = await this.session.run({ images: new ort.Tensor(precision, data, [rows, dim]), ...this.weights });
    const activation = out['activation'];
    invariant(activation !== undefined, 'kernel output present');
    return activation.data as Float32Array | Float64Array;
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}

function buildGraph(spec: CorpusActivationSpec): Uint8Array {
  const { idCount, corpusCount, dim, precision: type } = spec;
  return new OnnxGraphBuilder('corpus_activation')
    .input('images', type, ['batch', dim])
    .input('id_text', type, [idCount, dim])
    .input('corpus_text', type, [corpusCount, dim])
    .initializer('axis1', { type: 'int64', dims: [1], data: BigInt64Array.from([1n]) })
    .node('LpNormalization', ['images'], ['unit_images'], { axis: { int: 1 }, p: { int: 2 } })
    .node('Gemm', ['unit_images', 'id_text'], ['id_logits'], { transB: { int: 1 } })
    .node('Gemm', ['unit_images', 'corpus_text'], ['corpus_logits'], { transB: { int: 1 } })
    .node('ReduceMax', ['id_logits'], ['id_max'], { axes: { ints: [1] }, keepdims: { int: 1 } })
    .node('ReduceMax', ['corpus_logits'], ['corpus_max'], { axes: { ints: [1] }, keepdims: { int: 1 } })
    .node('Max', ['id_max', 'corpus_max'], ['row_max'])
    .node('Sub', ['id_logits', 'row_max'], ['id_centred'])
    .node('Exp', ['id_centred'], ['id_exp'])
    .node('ReduceSum', ['id_exp', 'axis1'], ['id_sum'], { keepdims: { int: 1 } })
    .node('Sub', ['corpus_logits', 'row_max'], ['corpus_centred'])
    .node('Exp', ['corpus_centred'], ['corpus_exp'])
    .node('ReduceSum', ['corpus_exp', 'axis1'], ['corpus_sum'], { keepdims: { int: 1 } })
    .node('Add', ['id_sum', 'corpus_sum'], ['denominator'])
    .node('Div', ['corpus_exp', 'denominator'], ['activation'])
    .output('activation', type, ['batch', corpusCount])
    .toBytes({ opset: 17 });
}
