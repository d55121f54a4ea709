// MCM (Ming et al., NeurIPS 2022, "Delving into OOD detection with vision-language representations"):
// score = max_c softmax(s_c / T) over the K ID labels, T = 1; no negatives. Public via the registry.
import { GroupSumsKernel } from '../kernels/score-group-sums.kernel';
import { checkEmbeddings, normalizedRowsIn } from './embedding-input';
import { resolveRunOptions, scoreInChunks, type ChunkEpilogue } from './grouped-scoring';
import type { OodScoreMethod, ScoreResult } from './ood-score-method';
import { resolveParameters, type ParameterSchema } from './parameter-schema';
import { temperatureSpec } from './common-parameters';

const parameters: ParameterSchema = {
  // MCM's default temperature T = 1 on cosine similarities (Ming et al., NeurIPS 2022).
  temperature: temperatureSpec(1, [0.01, 0.1, 1, 10]),
};

/** max_c softmax = exp(s_max/T − rowMax) / Σ_c exp(s_c/T − rowMax) = 1 / idSum, since rowMax = s_max/T. */
export const mcmEpilogue: ChunkEpilogue = (chunk, rows, scores, _guardFlags, offset) => {
  for (let i = 0; i < rows; i++) scores[offset + i] = 1 / chunk.idSum[i]!;
};

export const mcmScore: OodScoreMethod = {
  id: 'mcm',
  summary: 'MCM: maximum softmax probability over the ID labels (T = 1); uses no negatives',
  negatives: 'unused',
  adaptsToStream: false,
  extraInputs: [],
  parameters,
  resolveParams: (overrides) => resolveParameters('mcm', parameters, overrides),
  async score(images, idText, _negText, overrides, options): Promise<ScoreResult> {
    const params = resolveParameters('mcm', parameters, overrides);
    const run = resolveRunOptions(options);
    checkEmbeddings('images', images);
    checkEmbeddings('idText', idText, images.cols);
    const scores = new Float64Array(images.rows);
    const kernel = await GroupSumsKernel.create(
      {
        idWeights: normalizedRowsIn(run.precision, idText, { scale: 1 / (params['temperature'] as number) }),
        idCount: idText.rows,
        negWeights: new Float32Array(0),
        groups: 0,
        groupSize: 0,
        dim: images.cols,
        precision: run.precision,
      },
      { threads: run.threads },
    );
    try {
      await scoreInChunks(kernel, images, run.chunkRows, mcmEpilogue, scores, new Uint8Array(images.rows));
    } finally {
      await kernel.dispose();
    }
    return { method: 'mcm', scores, guardHits: 0, warnings: [], params, precision: run.precision };
  },
};
