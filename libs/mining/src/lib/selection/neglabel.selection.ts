// `neglabel`: NegLabel's NegMining (Jiang et al., ICLR 2024, `mmcls/models/classifiers/multi_modal.py`).
// ψ_n = the 0.95 quantile (linear interpolation, as torch.quantile) of cos(t_n, w_c) over the K ID
// labels; per part of speech the floor(0.15 × count) candidates with the smallest ψ are kept,
// ascending, nouns first. CSP's variant (Chen et al., NeurIPS 2024) sets ψ = 1 when the largest
// cosine to any ID label exceeds 0.95, so near-copies of ID labels sort last: they are kept only if
// the keep fraction reaches every other candidate of their part of speech. Public.
import { MiningError, MiningErrorCode } from '../errors';
import type { KernelOptions } from '../kernels/ort-session';
import { defaultBlockRows, SimilarityTopKKernel, type KernelPrecision } from '../kernels/similarity-topk.kernel';
import {
  rowNorms,
  unitRowsFloat32,
  unitRowsFloat64,
  validateEmbeddingMatrix,
  type EmbeddingMatrix,
} from './embedding-matrix';
import { keepSmallestPerPartOfSpeech, validateKeepFractions } from './keep-per-part-of-speech';
import { lerp, quantileRank } from './linear-quantile';
import type { SelectionInput, SelectionPrecision, SelectionResult, SelectionStrategy } from './selection-strategy';
import { rejectEmptyCorpus, validatePartsOfSpeech } from './validate-parts-of-speech';

export interface NegLabelParams {
  /** Quantile of the K cosines per candidate, in [0, 1]; NegLabel's `percentile` 0.95. */
  readonly quantile: number;
  /** Fraction of nouns kept, in (0, 1]; NegLabel 0.15. */
  readonly keepNoun: number;
  /** Fraction of adjectives kept, in (0, 1]; NegLabel 0.15. */
  readonly keepAdj: number;
  /** CSP variant: when set, ψ = 1 for candidates whose largest ID cosine exceeds it (CSP: 0.95). */
  readonly nearDuplicateCosine?: number;
  readonly precision: SelectionPrecision;
}

export const negLabelSelection: SelectionStrategy<NegLabelParams> = {
  id: 'neglabel',
  defaults: { quantile: 0.95, keepNoun: 0.15, keepAdj: 0.15, precision: 'float32' },

  async select(
    input: SelectionInput,
    overrides: Partial<NegLabelParams> = {},
    kernel: KernelOptions = {},
  ): Promise<SelectionResult> {
    const params: NegLabelParams = { ...negLabelSelection.defaults, ...stripUndefined(overrides) };
    const candidates = input.candidateEmbeddings;
    rejectEmptyCorpus(candidates.rows);
    validateEmbeddingMatrix(candidates, 'candidate embeddings');
    validatePartsOfSpeech(input.partsOfSpeech, candidates.rows);
    const labels = input.idEmbeddings;
    if (labels === undefined) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        'neglabel selection needs the ID label embeddings (K × d); none were given',
      );
    }
    validateEmbeddingMatrix(labels, 'ID label embeddings');
    if (labels.cols !== candidates.cols) {
      throw new MiningError(
        MiningErrorCode.ShapeMismatch,
        `ID label embeddings have dimension ${labels.cols} but candidate embeddings have ${candidates.cols}; both must come from the same text encoder`,
        { idDim: labels.cols, candidateDim: candidates.cols },
      );
    }
    validateKeepFractions({ noun: params.keepNoun, adj: params.keepAdj }, input.partsOfSpeech);
    if (!Number.isFinite(params.quantile) || params.quantile < 0 || params.quantile > 1) {
      throw new MiningError(MiningErrorCode.InvalidParameter, `quantile must be in [0, 1]; got ${params.quantile}`, {
        quantile: params.quantile,
      });
    }
    if (params.nearDuplicateCosine !== undefined && !(Math.abs(params.nearDuplicateCosine) <= 1)) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `nearDuplicateCosine must be a cosine in [-1, 1]; got ${params.nearDuplicateCosine}`,
      );
    }
    if (params.precision !== 'float32' && params.precision !== 'float64') {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `precision must be 'float32' or 'float64'; got '${String(params.precision)}'`,
      );
    }

    const affinity = await idSimilarityQuantiles(
      candidates,
      labels,
      params.quantile,
      params.nearDuplicateCosine,
      params.precision,
      kernel,
    );
    const kept = keepSmallestPerPartOfSpeech(affinity, input.partsOfSpeech, {
      noun: params.keepNoun,
      adj: params.keepAdj,
    });
    return {
      method: 'neglabel',
      selectedIndices: kept.selectedIndices,
      statistic: affinity,
      statisticName: 'id_cosine_quantile',
      keptCounts: kept.keptCounts,
      parameters: { ...params },
    };
  },
};

/**
 * ψ per candidate. Only the cosines from the lower quantile rank upwards are needed, so the kernel
 * returns the top (K − lower) cosines per row, descending, instead of all K.
 */
async function idSimilarityQuantiles(
  candidates: EmbeddingMatrix,
  labels: EmbeddingMatrix,
  q: number,
  nearDuplicateCosine: number | undefined,
  precision: KernelPrecision,
  kernel: KernelOptions,
): Promise<Float64Array> {
  const labelCount = labels.rows;
  const dim = candidates.cols;
  const { lower, upper, weight } = quantileRank(labelCount, q);
  const count = labelCount - lower;
  const candidateNorms = rowNorms(candidates);
  const labelNorms = rowNorms(labels);
  const keys = precision === 'float64' ? unitRowsFloat64(labels, labelNorms) : unitRowsFloat32(labels, labelNorms);
  const affinity = new Float64Array(candidates.rows);
  const blockRows = defaultBlockRows(labelCount);
  // Descending positions of the ascending ranks `lower` and `upper`.
  const belowAt = count - 1;
  const aboveAt = labelCount - 1 - upper;
  const topk = await SimilarityTopKKernel.create(
    { keys, keyCount: labelCount, dim, count, largest: true, precision },
    kernel,
  );
  try {
    for (let start = 0; start < candidates.rows; start += blockRows) {
      const rows = Math.min(blockRows, candidates.rows - start);
      const block: EmbeddingMatrix = {
        rows,
        cols: dim,
        data: candidates.data.subarray(start * dim, (start + rows) * dim),
      };
      const norms = candidateNorms.subarray(start, start + rows);
      const queries = precision === 'float64' ? unitRowsFloat64(block, norms) : unitRowsFloat32(block, norms);
      const best = await topk.run(queries, rows);
      for (let r = 0; r < rows; r++) {
        const base = r * count;
        const maximum = best.values[base]!;
        affinity[start + r] =
          nearDuplicateCosine !== undefined && maximum > nearDuplicateCosine
            ? 1
            : lerp(best.values[base + belowAt]!, best.values[base + aboveAt]!, weight);
      }
    }
  } finally {
    await topk.dispose();
  }
  return affinity;
}

function stripUndefined<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
