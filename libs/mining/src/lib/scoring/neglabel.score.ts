// NegLabel (Jiang et al., ICLR 2024) grouped score: per group S_j = A / (A + Σ_{n∈g_j} exp(s_n/T)),
// A = Σ_c exp(s_c/T); score = mean_j S_j; T = 0.01, G = 100 (NegLabel's grouping strategy).
// Public via the registry.
import { groupsSpec, PERMUTATIONS_SPEC, SEED_SPEC, temperatureSpec } from './common-parameters';
import { runGroupedScoring, type ChunkEpilogue } from './grouped-scoring';
import type { OodScoreMethod, ScoreResult } from './ood-score-method';
import { resolveParameters, type ParameterSchema } from './parameter-schema';

const parameters: ParameterSchema = {
  temperature: temperatureSpec(0.01, [0.005, 0.01, 0.02]),
  groups: groupsSpec(100, [1, 10, 50, 100, 200]),
  permutations: PERMUTATIONS_SPEC,
  seed: SEED_SPEC,
};

/** The shift exp(−rowMax) cancels in A / (A + G_j), so the shifted sums give the score directly. */
export function neglabelEpilogue(groups: number): ChunkEpilogue {
  return (chunk, rows, scores, _guardFlags, offset) => {
    for (let i = 0; i < rows; i++) {
      const a = chunk.idSum[i]!;
      let total = 0;
      for (let j = 0; j < groups; j++) total += a / (a + chunk.groupSums[i * groups + j]!);
      scores[offset + i] = total / groups;
    }
  };
}

export const neglabelScore: OodScoreMethod = {
  id: 'neglabel',
  summary: 'NegLabel: mean over G groups of the ID share of the softmax over [ID; group negatives]',
  negatives: 'required',
  adaptsToStream: false,
  extraInputs: [],
  parameters,
  resolveParams: (overrides) => resolveParameters('neglabel', parameters, overrides),
  async score(images, idText, negText, overrides, options): Promise<ScoreResult> {
    const params = resolveParameters('neglabel', parameters, overrides);
    const groups = params['groups'] as number;
    const out = await runGroupedScoring({
      methodId: 'neglabel',
      images,
      idText,
      negText,
      params,
      options,
      epilogueFor: () => neglabelEpilogue(groups),
    });
    return { method: 'neglabel', warnings: [], params, ...out };
  },
};
