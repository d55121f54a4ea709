// `knn-density`: the paper's debiased selection. Candidates in dense regions of the text-embedding
// space (small mean log kNN distance ρ) are kept, per part of speech, ascending ρ; nouns first.
// Defaults are the ViT-B/16 preset (see selection-presets.ts). Public.
import { MiningError, MiningErrorCode } from '../errors';
import type { KernelOptions } from '../kernels/ort-session';
import { validateEmbeddingMatrix } from './embedding-matrix';
import { keepSmallestPerPartOfSpeech, validateKeepFractions } from './keep-per-part-of-speech';
import { knnLogDensity, type KnnDistance } from './knn-log-density';
import { KNN_DENSITY_PRESETS } from './selection-presets';
import type { SelectionInput, SelectionPrecision, SelectionResult, SelectionStrategy } from './selection-strategy';
import { rejectEmptyCorpus, validatePartsOfSpeech } from './validate-parts-of-speech';

export interface KnnDensityParams {
  /** Neighbours per candidate (the candidate itself is an extra, k+1-th one with distance 'official'). */
  readonly k: number;
  /** Fraction of nouns kept, in (0, 1]. */
  readonly keepNoun: number;
  /** Fraction of adjectives kept, in (0, 1]. */
  readonly keepAdj: number;
  readonly distance: KnnDistance;
  readonly precision: SelectionPrecision;
  /** Query rows per onnxruntime call (memory ≈ blockRows × N × 4 bytes); default chosen from N. */
  readonly blockRows?: number;
}

const vitB16 = KNN_DENSITY_PRESETS['vit-b16']!;

export const knnDensitySelection: SelectionStrategy<KnnDensityParams> = {
  id: 'knn-density',
  defaults: {
    k: vitB16.k,
    keepNoun: vitB16.keepNoun,
    keepAdj: vitB16.keepAdj,
    distance: 'official',
    precision: 'float32',
  },

  async select(
    input: SelectionInput,
    overrides: Partial<KnnDensityParams> = {},
    kernel: KernelOptions = {},
  ): Promise<SelectionResult> {
    const params: KnnDensityParams = { ...knnDensitySelection.defaults, ...stripUndefined(overrides) };
    const matrix = input.candidateEmbeddings;
    rejectEmptyCorpus(matrix.rows);
    validateEmbeddingMatrix(matrix, 'candidate embeddings');
    validatePartsOfSpeech(input.partsOfSpeech, matrix.rows);
    validateKeepFractions({ noun: params.keepNoun, adj: params.keepAdj }, input.partsOfSpeech);
    if (!Number.isInteger(params.k) || params.k < 1 || params.k >= matrix.rows) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `k must be an integer with 1 ≤ k < N = ${matrix.rows} (the number of candidates); got ${params.k}`,
        { k: params.k, candidates: matrix.rows },
      );
    }
    if (params.distance !== 'official' && params.distance !== 'cosine') {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `distance must be 'official' or 'cosine'; got '${String(params.distance)}'`,
      );
    }
    if (params.blockRows !== undefined && !(Number.isInteger(params.blockRows) && params.blockRows >= 1)) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `blockRows must be a positive integer; got ${params.blockRows}`,
      );
    }
    if (params.precision !== 'float32' && params.precision !== 'float64') {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `precision must be 'float32' or 'float64'; got '${String(params.precision)}'`,
      );
    }
    const density = await knnLogDensity(
      matrix,
      {
        k: params.k,
        distance: params.distance,
        precision: params.precision,
        ...(params.blockRows !== undefined ? { blockRows: params.blockRows } : {}),
      },
      kernel,
    );
    const kept = keepSmallestPerPartOfSpeech(density.logDensity, input.partsOfSpeech, {
      noun: params.keepNoun,
      adj: params.keepAdj,
    });
    return {
      method: 'knn-density',
      selectedIndices: kept.selectedIndices,
      statistic: density.logDensity,
      statisticName: 'knn_mean_log_distance',
      keptCounts: kept.keptCounts,
      parameters: { ...params, fullRowRecomputes: density.fullRowRecomputes },
    };
  },
};

function stripUndefined<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
