// The one list of selection strategies, and selection with some candidates removed beforehand
// (e.g. those flagged by the false-negative diagnostics). Public.
import { MiningError, MiningErrorCode } from '../errors';
import type { KernelOptions } from '../kernels/ort-session';
import type { EmbeddingMatrix } from './embedding-matrix';
import { knnDensitySelection, type KnnDensityParams } from './knn-density.selection';
import { negLabelSelection, type NegLabelParams } from './neglabel.selection';
import { validatePartsOfSpeech } from './validate-parts-of-speech';
import {
  SELECTION_METHOD_IDS,
  type SelectionInput,
  type SelectionMethodId,
  type SelectionResult,
  type SelectionStrategy,
} from './selection-strategy';

export interface SelectionParamsById {
  readonly 'knn-density': KnnDensityParams;
  readonly neglabel: NegLabelParams;
}

export const SELECTION_STRATEGIES: { readonly [Id in SelectionMethodId]: SelectionStrategy<SelectionParamsById[Id]> } =
  {
    'knn-density': knnDensitySelection,
    neglabel: negLabelSelection,
  };

export function isSelectionMethodId(value: string): value is SelectionMethodId {
  return (SELECTION_METHOD_IDS as readonly string[]).includes(value);
}

export function selectionStrategy<Id extends SelectionMethodId>(id: Id): SelectionStrategy<SelectionParamsById[Id]>;
export function selectionStrategy(id: string): SelectionStrategy<unknown>;
export function selectionStrategy(id: string): SelectionStrategy<unknown> {
  if (!isSelectionMethodId(id)) {
    throw new MiningError(
      MiningErrorCode.UnknownMethod,
      `unknown selection method '${id}'; accepted: ${SELECTION_METHOD_IDS.join(', ')}`,
      { id },
    );
  }
  return SELECTION_STRATEGIES[id] as SelectionStrategy<unknown>;
}

/**
 * Runs `strategy` on the candidates not in `excluded`: they are removed from the pool before
 * selection (so they are neither kept nor anyone's neighbour). Indices in the result refer to the
 * full corpus; excluded candidates get NaN as their statistic.
 */
export async function selectWithout<Params>(
  strategy: SelectionStrategy<Params>,
  input: SelectionInput,
  excluded: Iterable<number>,
  params?: Partial<Params>,
  kernel?: KernelOptions,
): Promise<SelectionResult> {
  const n = input.candidateEmbeddings.rows;
  validatePartsOfSpeech(input.partsOfSpeech, n);
  const drop = new Uint8Array(n);
  for (const index of excluded) {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `excluded candidate ${index} is outside the ${n} candidates`,
        { index },
      );
    }
    drop[index] = 1;
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (drop[i] === 0) kept.push(i);
  if (kept.length === n) return strategy.select(input, params, kernel);
  const dim = input.candidateEmbeddings.cols;
  const data = new Float32Array(kept.length * dim);
  kept.forEach((row, r) => data.set(input.candidateEmbeddings.data.subarray(row * dim, (row + 1) * dim), r * dim));
  const reduced: EmbeddingMatrix = { rows: kept.length, cols: dim, data };
  const result = await strategy.select(
    { ...input, candidateEmbeddings: reduced, partsOfSpeech: kept.map((row) => input.partsOfSpeech[row]!) },
    params,
    kernel,
  );
  const statistic = new Float64Array(n).fill(Number.NaN);
  kept.forEach((row, r) => (statistic[row] = result.statistic[r]!));
  return {
    ...result,
    selectedIndices: Int32Array.from(result.selectedIndices, (r) => kept[r]!),
    statistic,
    parameters: { ...result.parameters, excludedCount: n - kept.length },
  };
}
