// The paper's score (Peng, Lu, Zhang, Fang, "Debiased Negative Mining", KDD 2026), as its official
// code computes it, made numerically safe. With s_c = x·w_c (ID), s_n = x·v_n (negatives):
//   A = Σ_c exp(s_c/T), m_pos = A/K, m_j = (1/Q) Σ_{n∈g_j} exp(s_n/T),
//   Z_j = A + Q·(m_j/tau − ((1 − tau)/tau)·m_pos),
//   score = (1/K) Σ_c (1/G) Σ_j exp(s_c/T)/Z_j = (A/K)·(1/G)·Σ_j 1/Z_j.
// Defaults T = 0.01, G = 100, tau = 0.5. Public via the registry.
//
// Stability: the kernel returns A and every group sum multiplied by exp(−rowMax) (rowMax = the
// largest logit of the image), so nothing overflows at T = 0.01; the common factor cancels in
// score = (A'/K)(1/G) Σ 1/Z'_j, and the epilogue accumulates in float64.
// Guard: Z_j ≤ 0 happens iff the negative-mass estimate g_j = m_j/tau − ((1−tau)/tau)·m_pos is
// ≤ −A/Q, which is possible only when tau ≤ Q/(K + Q). Z_j estimates the softmax partition of the
// K + Q labels of group j, and every true term exp(s/T) is ≥ exp(−1/T) (the bound debiased
// contrastive learning clamps with, Chuang et al., NeurIPS 2020), so by default Z_j is clamped from
// below at (K + Q)·exp(−1/T) and the images that hit the clamp are counted. Clamping g_j itself at
// exp(−1/T) would NOT be a guard: g_j < 0 < Z_j is the common case for ID images (the negatives'
// mean mass is below (1 − tau)·m_pos), so it would change the paper's score on almost every ID image
// (600 of 600 on dnm-parity p1). The partition clamp changes only images with Z_j ≤ 0 (or positive
// below (K + Q)·exp(−1/T), which float64 cannot distinguish from 0 next to A ≥ exp(max s_c / T)).
// guard 'estimate' applies that literal clamp (g_j ≥ exp(−1/T), as debiased contrastive learning
// does) for users who want it; guard 'none' keeps the official arithmetic (sign-flipped or
// infinite scores included).
import { groupsSpec, PERMUTATIONS_SPEC, SEED_SPEC, temperatureSpec } from './common-parameters';
import { runGroupedScoring, type ChunkEpilogue } from './grouped-scoring';
import type { OodScoreMethod, ScoreResult, ScoringWarning } from './ood-score-method';
import { resolveParameters, type ParameterSchema } from './parameter-schema';

export const DEBIASED_GUARDS = ['clamp', 'estimate', 'none'] as const;
export type DebiasedGuard = (typeof DEBIASED_GUARDS)[number];

const parameters: ParameterSchema = {
  temperature: temperatureSpec(0.01, [0.01, 0.013]),
  groups: groupsSpec(100, [50, 100, 200]),
  tau: {
    kind: 'number',
    description:
      'class prior tau of the debiased estimate (share of true negatives); in (0, 1]; 1 reduces the score to NegLabel / K',
    default: 0.5,
    min: 0,
    minExclusive: true,
    max: 1,
    sweep: [0.12, 0.25, 0.5, 0.75, 1],
  },
  guard: {
    kind: 'choice',
    description:
      "'clamp': clamp each partition estimate Z_j at (K + Q)·exp(−1/T) (changes only Z_j ≤ 0); 'estimate': clamp the negative-mass estimate g_j at exp(−1/T) (changes most ID scores); 'none': the official arithmetic",
    choices: DEBIASED_GUARDS,
    default: 'clamp',
    sweep: ['clamp'],
  },
  permutations: PERMUTATIONS_SPEC,
  seed: SEED_SPEC,
};

export interface DebiasedEpilogueSpec {
  readonly idCount: number;
  readonly groups: number;
  readonly groupSize: number;
  readonly temperature: number;
  readonly tau: number;
  readonly guard: DebiasedGuard;
}

export function debiasedEpilogue(spec: DebiasedEpilogueSpec): ChunkEpilogue {
  const { idCount: k, groups, groupSize: q, temperature, tau, guard } = spec;
  const negativeWeight = 1 / (q * tau);
  const positiveWeight = (1 - tau) / (tau * k);
  return (chunk, rows, scores, guardFlags, offset) => {
    for (let i = 0; i < rows; i++) {
      const a = chunk.idSum[i]!;
      // exp(−1/T) in the shifted units of this image: times exp(−rowMax).
      const unitFloor = Math.exp(-1 / temperature - chunk.rowMaxLogit[i]!);
      const floor = (k + q) * unitFloor;
      const positiveMass = positiveWeight * a;
      let inverseZ = 0;
      let clamped = false;
      for (let j = 0; j < groups; j++) {
        let negativeMass = negativeWeight * chunk.groupSums[i * groups + j]! - positiveMass;
        if (guard === 'estimate' && !(negativeMass >= unitFloor)) {
          negativeMass = unitFloor;
          clamped = true;
        }
        let z = a + q * negativeMass;
        if (guard === 'clamp' && !(z >= floor)) {
          z = floor;
          clamped = true;
        }
        inverseZ += 1 / z;
      }
      scores[offset + i] = ((a / k) * inverseZ) / groups;
      if (clamped) guardFlags[offset + i] = 1;
    }
  };
}

export const debiasedScore: OodScoreMethod = {
  id: 'debiased',
  summary: "Debiased Negative Mining (KDD 2026): the paper's debiased grouped score, guarded against Z_j ≤ 0",
  negatives: 'required',
  adaptsToStream: false,
  extraInputs: [],
  parameters,
  resolveParams: (overrides) => resolveParameters('debiased', parameters, overrides),
  async score(images, idText, negText, overrides, options): Promise<ScoreResult> {
    const params = resolveParameters('debiased', parameters, overrides);
    const tau = params['tau'] as number;
    const out = await runGroupedScoring({
      methodId: 'debiased',
      images,
      idText,
      negText,
      params,
      options,
      epilogueFor: (grouping) =>
        debiasedEpilogue({
          idCount: idText.rows,
          groups: grouping.groups,
          groupSize: grouping.groupSize,
          temperature: params['temperature'] as number,
          tau,
          guard: params['guard'] as DebiasedGuard,
        }),
    });
    const warnings: ScoringWarning[] = [];
    const q = out.grouping.groupSize;
    const bound = q / (idText.rows + q);
    if (tau < bound) {
      warnings.push({
        code: 'TAU_ALLOWS_NONPOSITIVE_PARTITION',
        message:
          `tau = ${tau} is below Q/(K + Q) = ${bound.toPrecision(6)} (K = ${idText.rows}, Q = ${q}): Z_j ≤ 0 is possible, ` +
          `so the official arithmetic can return sign-flipped or infinite scores; ${out.guardHits} image(s) hit the clamp`,
        details: { tau, bound, idCount: idText.rows, groupSize: q, guardHits: out.guardHits },
      });
    }
    return { method: 'debiased', warnings, params, ...out };
  },
};
