// The epilogue of each static scoring method as ONNX nodes, the graph twin of the method's JS
// epilogue (mcm.score.ts, neglabel.score.ts, debiased.score.ts) with the same constants and the same
// order of float64 operations. The one list of methods that can become detectors; a spec checks it
// covers every registered method that does not adapt to the stream. Internal.
import type { OnnxGraphBuilder } from '@negmine/formats';
import type { DebiasedGuard } from '../scoring/debiased.score';

export const DETECTOR_METHOD_IDS = ['mcm', 'neglabel', 'debiased'] as const;
export type DetectorMethodId = (typeof DETECTOR_METHOD_IDS)[number];

export function isDetectorMethodId(value: string): value is DetectorMethodId {
  return (DETECTOR_METHOD_IDS as readonly string[]).includes(value);
}

/** The method constants an epilogue needs (temperature, and tau / guard for debiased). */
export interface DetectorEpilogueConstants {
  readonly temperature: number;
  readonly tau?: number;
  readonly guard?: DebiasedGuard;
}

export interface DetectorEpilogueShape {
  readonly idCount: number;
  /** S = groups × permutations. */
  readonly groupCount: number;
  readonly groupSize: number;
  readonly constants: DetectorEpilogueConstants;
}

export interface DetectorEpilogue {
  /** Whether the method scores against negatives (then group_sums_f64 exists). */
  readonly negatives: boolean;
  /** Adds nodes from id_sum_f64 [B,1], group_sums_f64 [B,S], row_max_f64 [B,1] to score_f64 [B,1]. */
  addNodes(g: OnnxGraphBuilder, shape: DetectorEpilogueShape): void;
}

const f64 = (value: number): { type: 'float64'; dims: number[]; data: Float64Array } => ({
  type: 'float64',
  dims: [],
  data: Float64Array.of(value),
});

/** MCM: max softmax = 1 / Σ_c exp(s_c/T − max_c s_c/T) (row_max is the ID maximum here). */
const mcm: DetectorEpilogue = {
  negatives: false,
  addNodes(g) {
    g.node('Reciprocal', ['id_sum_f64'], ['score_f64']);
  },
};

/** NegLabel: mean over the S groups of A / (A + G_s); the exp(−rowMax) shift cancels. */
const neglabel: DetectorEpilogue = {
  negatives: true,
  addNodes(g, { groupCount }) {
    g.initializer('group_count', f64(groupCount))
      .node('Add', ['id_sum_f64', 'group_sums_f64'], ['partition'])
      .node('Div', ['id_sum_f64', 'partition'], ['id_share'])
      .node('ReduceSum', ['id_share', 'axis1'], ['id_share_sum'], { keepdims: { int: 1 } })
      .node('Div', ['id_share_sum', 'group_count'], ['score_f64']);
  },
};

/**
 * Debiased (KDD 2026): score = (A/K)·(1/S)·Σ_s 1/Z_s with Z_s = A + Q·(G_s/(Qτ) − ((1−τ)/(τK))·A),
 * in units shifted by exp(−rowMax); guard 'clamp' floors Z_s at (K + Q)·exp(−1/T − rowMax),
 * 'estimate' floors the negative-mass estimate at exp(−1/T − rowMax) (see debiased.score.ts).
 * Where(x >= floor, x, floor) is the JS `!(x >= floor)` test, so a NaN is floored too.
 */
const debiased: DetectorEpilogue = {
  negatives: true,
  addNodes(g, { idCount: k, groupCount, groupSize: q, constants }) {
    const tau = constants.tau!;
    const guard = constants.guard!;
    g.initializer('negative_weight', f64(1 / (q * tau)))
      .initializer('positive_weight', f64((1 - tau) / (tau * k)))
      .initializer('group_size', f64(q))
      .initializer('id_count', f64(k))
      .initializer('group_count', f64(groupCount))
      .initializer('minus_inverse_t', f64(-1 / constants.temperature))
      .initializer('floor_labels', f64(k + q))
      .node('Sub', ['minus_inverse_t', 'row_max_f64'], ['unit_floor_log'])
      .node('Exp', ['unit_floor_log'], ['unit_floor'])
      .node('Mul', ['floor_labels', 'unit_floor'], ['partition_floor'])
      .node('Mul', ['positive_weight', 'id_sum_f64'], ['positive_mass'])
      .node('Mul', ['negative_weight', 'group_sums_f64'], ['weighted_groups'])
      .node('Sub', ['weighted_groups', 'positive_mass'], ['negative_mass_raw']);
    let negativeMass = 'negative_mass_raw';
    if (guard === 'estimate') {
      g.node('GreaterOrEqual', ['negative_mass_raw', 'unit_floor'], ['mass_ok']).node(
        'Where',
        ['mass_ok', 'negative_mass_raw', 'unit_floor'],
        ['negative_mass'],
      );
      negativeMass = 'negative_mass';
    }
    g.node('Mul', ['group_size', negativeMass], ['scaled_mass']).node(
      'Add',
      ['id_sum_f64', 'scaled_mass'],
      ['partition_raw'],
    );
    let partition = 'partition_raw';
    if (guard === 'clamp') {
      g.node('GreaterOrEqual', ['partition_raw', 'partition_floor'], ['partition_ok']).node(
        'Where',
        ['partition_ok', 'partition_raw', 'partition_floor'],
        ['partition'],
      );
      partition = 'partition';
    }
    g.node('Reciprocal', [partition], ['inverse_partition'])
      .node('ReduceSum', ['inverse_partition', 'axis1'], ['inverse_partition_sum'], { keepdims: { int: 1 } })
      .node('Div', ['id_sum_f64', 'id_count'], ['positive_mean'])
      .node('Mul', ['positive_mean', 'inverse_partition_sum'], ['score_sum'])
      .node('Div', ['score_sum', 'group_count'], ['score_f64']);
  },
};

export const DETECTOR_EPILOGUES: Readonly<Record<DetectorMethodId, DetectorEpilogue>> = { mcm, neglabel, debiased };
