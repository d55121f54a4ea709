// The one interface every negative-label selection strategy implements, with its input and result
// shapes. Strategies return the selected candidate indices in the method's order plus the
// per-candidate statistic that decided it. Public.
import type { PartOfSpeech } from '../corpus/part-of-speech';
import type { KernelOptions } from '../kernels/ort-session';
import type { EmbeddingMatrix } from './embedding-matrix';

export const SELECTION_METHOD_IDS = ['knn-density', 'neglabel'] as const;
export type SelectionMethodId = (typeof SELECTION_METHOD_IDS)[number];

/**
 * 'float32': matrix products in float32 (onnxruntime), statistics finished in float64.
 * 'float64': the statistic is exact in float64 (the reference's math), at some extra cost.
 */
export type SelectionPrecision = 'float32' | 'float64';

export interface SelectionInput {
  /** Raw (not normalised) candidate text embeddings, N × d. */
  readonly candidateEmbeddings: EmbeddingMatrix;
  /** Part of speech of each candidate (length N), in any order of parts of speech. */
  readonly partsOfSpeech: readonly PartOfSpeech[];
  /** Raw ID label embeddings, K × d; required by strategies that look at the ID labels. */
  readonly idEmbeddings?: EmbeddingMatrix;
}

export interface SelectionResult {
  readonly method: SelectionMethodId;
  /** Selected candidate indices in the method's order: kept nouns, then kept adjectives, each ascending by `statistic`. */
  readonly selectedIndices: Int32Array;
  /** The per-candidate sort key (length N); smaller is kept first. */
  readonly statistic: Float64Array;
  /** What `statistic` is, e.g. 'knn_log_distance_mean' or 'id_similarity_quantile'. */
  readonly statisticName: string;
  readonly keptCounts: Readonly<Record<PartOfSpeech, number>>;
  /** Parameters after defaults and presets were resolved, for provenance. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface SelectionStrategy<Params> {
  readonly id: SelectionMethodId;
  readonly defaults: Readonly<Params>;
  select(input: SelectionInput, params?: Partial<Params>, kernel?: KernelOptions): Promise<SelectionResult>;
}
