// Negative selection for the API over @negmine/mining: strategies by id with presets and
// overrides resolved for the run record, and the false-negative diagnostics of the selected ones.
import {
  diagnoseFalseNegatives,
  knnDensityPreset,
  selectionStrategy,
  type FalseNegativeDiagnosis,
  type SelectionResult,
} from '@negmine/mining';
import { badInput } from '../../errors';
import { runInComputeProcess } from '../../runs/compute-process';
import { toCorpusEntry, type StoredCorpusEntry } from '../../shared/corpus-store';
import { backboneId, libraryId, SelectionMethod, type Backbone } from '../../shared/enums';
import { WORDNET_SOURCE, type Matrix, type WordNetCorpus } from '../../shared/wordnet-corpus';

/** Strategy defaults, then the backbone's preset (knn-density), then the caller's overrides; unknown keys are refused. */
export function resolveSelectionParams(
  method: SelectionMethod,
  backbone: Backbone | null,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const strategy = selectionStrategy(libraryId(method));
  const accepted = [
    ...new Set([
      ...Object.keys(strategy.defaults as object),
      'blockRows',
      ...(method === SelectionMethod.neglabel ? ['nearDuplicateCosine'] : []),
    ]),
  ];
  const unknown = Object.keys(overrides).filter((key) => !accepted.includes(key));
  if (unknown.length > 0) {
    throw badInput(`unknown ${libraryId(method)} parameters: ${unknown.join(', ')}; accepted: ${accepted.join(', ')}`, {
      unknown,
      accepted,
    });
  }
  const preset: Record<string, unknown> = {};
  if (method === SelectionMethod.knn_density && backbone !== null) {
    const row = knnDensityPreset(backboneId(backbone));
    Object.assign(preset, { k: row.k, keepNoun: row.keepNoun, keepAdj: row.keepAdj });
  }
  return { ...(strategy.defaults as object), ...preset, ...overrides };
}

/**
 * Runs the strategy on a compute process (the kNN products are long synchronous onnxruntime calls
 * that would otherwise hold the event loop); aborting `signal` kills that process.
 */
export function selectNegatives(
  method: SelectionMethod,
  candidates: Matrix,
  partsOfSpeech: readonly ('noun' | 'adj')[],
  idEmbeddings: Matrix,
  params: Record<string, unknown>,
  threads: number,
  signal: AbortSignal,
): Promise<SelectionResult> {
  return runInComputeProcess(
    'select',
    {
      method: libraryId(method),
      input: { candidateEmbeddings: candidates, partsOfSpeech, idEmbeddings },
      params,
      kernel: { threads },
    },
    signal,
  );
}

/** Why selected negatives may be false negatives (WordNet relations for WordNet corpora, cosine always). */
export function diagnoseNegatives(
  wordNet: WordNetCorpus,
  entries: readonly StoredCorpusEntry[],
  source: string,
  selected: Int32Array,
  labels: readonly string[],
  candidates: Matrix,
  idEmbeddings: Matrix,
  threads: number,
): Promise<FalseNegativeDiagnosis[]> {
  return diagnoseFalseNegatives(
    {
      entries: entries.map(toCorpusEntry),
      idLabels: labels,
      ...(source === WORDNET_SOURCE ? { wordnet: wordNet.wordNet().database } : {}),
      candidateEmbeddings: candidates,
      idEmbeddings,
      candidates: selected,
    },
    {},
    { threads },
  );
}

/** The flag names stored with a negative label. */
export function flagNames(diagnosis: FalseNegativeDiagnosis): string[] {
  return Object.entries(diagnosis.flags)
    .filter(([, on]) => on)
    .map(([name]) => name);
}
