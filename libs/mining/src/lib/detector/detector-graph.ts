// The detector graph: one ONNX model from raw image embeddings to score, is_ood, predicted_class and
// predicted_probability, with the label matrices and every constant as initializers. Its front is
// the fused scoring kernel's (score-group-sums.kernel.ts): L2-normalise, two Gemms against label rows
// pre-scaled by 1/T, the ID sum and each group's sum of exponentials shifted by their own maximum
// (none underflows to 0 in float32), then shifted to the common row maximum in float64; its epilogue
// is the method's (detector-epilogues.ts) in float64, as the library's epilogue runs in float64, so
// the exported scores agree with the library's float32 scores to rounding. Internal.
//
// Opset 13, and only ops whose meaning has not changed since (ReduceMax is avoided: its axes moved
// to an input at opset 18; the row maximum is GatherElements at ArgMax), so the graph stays valid
// when a pipeline raises it to a vision tower's opset.
import { OnnxGraphBuilder, type OnnxTensor } from '@negmine/formats';
import { invariant } from '../errors';
import { DETECTOR_EPILOGUES, type DetectorEpilogueConstants, type DetectorMethodId } from './detector-epilogues';

export const DETECTOR_OPSET = 13;
export const DETECTOR_INPUT = 'image_embeds';
export const DETECTOR_OUTPUTS = ['score', 'is_ood', 'predicted_class', 'predicted_probability'] as const;

export interface DetectorGraphSpec {
  readonly method: DetectorMethodId;
  readonly dim: number;
  readonly idCount: number;
  /** K × d ID rows, L2-normalised and divided by T. */
  readonly idWeights: Float32Array;
  /** (S·Q) × d negative rows in group order (S = groups × permutations; group s = rows [sQ, (s+1)Q)), normalised and / T; empty for mcm. */
  readonly negWeights: Float32Array;
  /** S: groups over all permutations (the score of P permutations is the mean over all P·G groups). */
  readonly groupCount: number;
  readonly groupSize: number;
  readonly constants: DetectorEpilogueConstants;
  /** is_ood = score < threshold; a float32 value. */
  readonly threshold: number;
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
}

const int64 = (values: readonly number[]): OnnxTensor => ({
  type: 'int64',
  dims: [values.length],
  data: BigInt64Array.from(values.map((v) => BigInt(v))),
});

export function buildDetectorGraph(spec: DetectorGraphSpec): Uint8Array {
  const { dim, idCount: k, groupCount: s, groupSize: q } = spec;
  const epilogue = DETECTOR_EPILOGUES[spec.method];
  invariant(spec.idWeights.length === k * dim, 'idWeights is K × d');
  invariant(epilogue.negatives === s > 0, 'negatives exactly for the methods that use them');
  invariant(spec.negWeights.length === s * q * dim, 'negWeights is (S·Q) × d');
  invariant(Math.fround(spec.threshold) === spec.threshold, 'the threshold is a float32 value');
  const g = new OnnxGraphBuilder('negmine_detector')
    .input(DETECTOR_INPUT, 'float32', ['batch', dim])
    .initializer('id_text', { type: 'float32', dims: [k, dim], data: spec.idWeights })
    .initializer('threshold', { type: 'float32', dims: [], data: Float32Array.of(spec.threshold) })
    .initializer('axis1', int64([1]))
    .initializer('flat', int64([-1]))
    .node('LpNormalization', [DETECTOR_INPUT], ['unit_images'], { axis: { int: 1 }, p: { int: 2 } })
    .node('Gemm', ['unit_images', 'id_text'], ['id_logits'], { transB: { int: 1 } })
    .node('ArgMax', ['id_logits'], ['id_argmax'], { axis: { int: 1 }, keepdims: { int: 1 } })
    .node('Reshape', ['id_argmax', 'flat'], ['predicted_class'])
    .node('GatherElements', ['id_logits', 'id_argmax'], ['id_max'], { axis: { int: 1 } })
    // max_c softmax(s_c/T) over the ID labels only, shifted by the ID maximum (never 0/0).
    .node('Sub', ['id_logits', 'id_max'], ['id_centred_own'])
    .node('Exp', ['id_centred_own'], ['id_shifted_own'])
    .node('ReduceSum', ['id_shifted_own', 'axis1'], ['id_sum_own'], { keepdims: { int: 0 } })
    .node('Reciprocal', ['id_sum_own'], ['predicted_probability'])
    .node('ReduceSum', ['id_shifted_own', 'axis1'], ['id_sum_own_col'], { keepdims: { int: 1 } })
    .node('Cast', ['id_sum_own_col'], ['id_own_f64'], { to: { int: 11 } })
    .node('Cast', ['id_max'], ['id_max_f64'], { to: { int: 11 } });
  if (s > 0) {
    g.initializer('neg_text', { type: 'float32', dims: [s * q, dim], data: spec.negWeights })
      .initializer('group_shape', int64([0, s, q]))
      .initializer('group_cols', int64([0, s]))
      .initializer('axis2', int64([2]))
      .node('Gemm', ['unit_images', 'neg_text'], ['neg_logits'], { transB: { int: 1 } })
      .node('Reshape', ['neg_logits', 'group_shape'], ['neg_grouped'])
      .node('ArgMax', ['neg_grouped'], ['group_argmax'], { axis: { int: 2 }, keepdims: { int: 1 } })
      .node('GatherElements', ['neg_grouped', 'group_argmax'], ['group_max'], { axis: { int: 2 } })
      .node('Sub', ['neg_grouped', 'group_max'], ['neg_centred'])
      .node('Exp', ['neg_centred'], ['neg_shifted'])
      .node('ReduceSum', ['neg_shifted', 'axis2'], ['group_own'], { keepdims: { int: 0 } })
      .node('Reshape', ['group_max', 'group_cols'], ['group_max_cols'])
      .node('ArgMax', ['group_max_cols'], ['top_group'], { axis: { int: 1 }, keepdims: { int: 1 } })
      .node('GatherElements', ['group_max_cols', 'top_group'], ['neg_max'], { axis: { int: 1 } })
      .node('Max', ['id_max', 'neg_max'], ['row_max'])
      .node('Cast', ['row_max'], ['row_max_f64'], { to: { int: 11 } })
      // Each sum shifted from its own maximum to the row maximum, in float64 (exp reaches 745 below).
      .node('Cast', ['group_max_cols'], ['group_max_f64'], { to: { int: 11 } })
      .node('Sub', ['group_max_f64', 'row_max_f64'], ['group_gap'])
      .node('Exp', ['group_gap'], ['group_scale'])
      .node('Cast', ['group_own'], ['group_own_f64'], { to: { int: 11 } })
      .node('Mul', ['group_own_f64', 'group_scale'], ['group_sums_f64'])
      .node('Sub', ['id_max_f64', 'row_max_f64'], ['id_gap'])
      .node('Exp', ['id_gap'], ['id_scale'])
      .node('Mul', ['id_own_f64', 'id_scale'], ['id_sum_f64']);
  } else {
    // Without negatives the row maximum is the ID maximum: the ID sum is already shifted by it.
    g.node('Identity', ['id_own_f64'], ['id_sum_f64']).node('Identity', ['id_max_f64'], ['row_max_f64']);
  }
  // The epilogue reads id_sum_f64 (B × 1), group_sums_f64 (B × S), row_max_f64 (B × 1) and writes score_f64 (B × 1).
  epilogue.addNodes(g, { idCount: k, groupCount: s, groupSize: q, constants: spec.constants });
  g.node('Reshape', ['score_f64', 'flat'], ['score_f64_flat'])
    .node('Cast', ['score_f64_flat'], ['score'], { to: { int: 1 } })
    .node('Less', ['score', 'threshold'], ['is_ood'])
    .output('score', 'float32', ['batch'])
    .output('is_ood', 'bool', ['batch'])
    .output('predicted_class', 'int64', ['batch'])
    .output('predicted_probability', 'float32', ['batch']);
  return g.toBytes({
    opset: DETECTOR_OPSET,
    producerName: 'negmine',
    docString: spec.docString,
    metadata: spec.metadata,
  });
}
