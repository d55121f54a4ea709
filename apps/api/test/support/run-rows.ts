// Run rows as a launch stores them, for specs that insert runs straight into the database (lists,
// orders, caches) instead of running jobs: the references are the spec's, every other column a
// plain default that an override can replace.
import type { Prisma } from '../../src/db/prisma.service';
import { RunStatus, SelectionMethod } from '../../src/shared/enums';

export interface RunRefs {
  readonly labelSetId: string;
  readonly modelId: string;
  readonly modelHash: string;
}

/** An `mcm` evaluation of `imageSetId` against itself. */
export function evaluationRunRow(
  refs: RunRefs & { readonly imageSetId: string },
  overrides: Partial<Prisma.EvaluationRunUncheckedCreateInput> = {},
): Prisma.EvaluationRunUncheckedCreateInput {
  return {
    labelSetId: refs.labelSetId,
    modelId: refs.modelId,
    method: 'mcm',
    params: {},
    seed: 0,
    permutations: 1,
    idImageSetId: refs.imageSetId,
    oodImageSetIds: [refs.imageSetId],
    modelHash: refs.modelHash,
    shardSize: 256,
    codeVersion: 'test',
    status: RunStatus.queued,
    ...overrides,
  };
}

/** A `neglabel` mining run over `corpusId`. */
export function miningRunRow(
  refs: RunRefs & { readonly corpusId: string },
  overrides: Partial<Prisma.MiningRunUncheckedCreateInput> = {},
): Prisma.MiningRunUncheckedCreateInput {
  return {
    labelSetId: refs.labelSetId,
    modelId: refs.modelId,
    corpusId: refs.corpusId,
    selectionMethod: SelectionMethod.neglabel,
    selectionParams: {},
    labelsSnapshot: [],
    modelHash: refs.modelHash,
    codeVersion: 'test',
    status: RunStatus.queued,
    ...overrides,
  };
}

/** Negatives of a run in rank order (nouns, statistic rank / 10, none flagged). */
export function negativeRows(miningRunId: string, words: readonly string[]): Prisma.NegativeLabelCreateManyInput[] {
  return words.map((word, rank) => ({
    miningRunId,
    rank,
    corpusIndex: rank,
    word,
    pos: 'noun',
    statistic: rank / 10,
    falseNegativeFlags: [],
    flagged: false,
  }));
}
