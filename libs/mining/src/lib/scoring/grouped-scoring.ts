// The shared driver of the matrix-product methods: validates and normalises the inputs, groups the
// negatives (once per permutation), streams image chunks through the fused kernel and hands each
// chunk's per-group sums to a method's epilogue. Internal to scoring/.
import { MiningError, MiningErrorCode } from '../errors';
import { GroupSumsKernel, type GroupSumsChunk } from '../kernels/score-group-sums.kernel';
import { checkEmbeddings, normalizedRowsIn } from './embedding-input';
import { groupWithPermutation, groupWithSeed, type NegativeGrouping } from './grouping';
import type {
  EmbeddingMatrix,
  GroupingRecord,
  ScoringMethodId,
  ScoringOptions,
  ScoringPrecision,
} from './ood-score-method';
import type { ParameterValue } from './parameter-schema';
import { PermutationStatistics } from './permutation-statistics';

export const DEFAULT_CHUNK_ROWS = 256;

/**
 * Turns one chunk's sums into scores: writes `rows` scores to `scores[offset..]` and sets
 * `guardFlags[offset + i] = 1` for images whose arithmetic a guard changed.
 */
export type ChunkEpilogue = (
  chunk: GroupSumsChunk,
  rows: number,
  scores: Float64Array,
  guardFlags: Uint8Array,
  offset: number,
) => void;

export interface ResolvedRun {
  readonly precision: ScoringPrecision;
  readonly chunkRows: number;
  readonly threads: number;
}

export function resolveRunOptions(options: ScoringOptions = {}): ResolvedRun {
  const precision = options.precision ?? 'float32';
  if (precision !== 'float32' && precision !== 'float64') {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `precision must be 'float32' or 'float64'; got ${JSON.stringify(precision)}`,
      {
        parameter: 'precision',
      },
    );
  }
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) {
    throw new MiningError(MiningErrorCode.InvalidParameter, `chunkRows must be a positive integer; got ${chunkRows}`, {
      parameter: 'chunkRows',
    });
  }
  const threads = options.threads ?? 0;
  if (!Number.isInteger(threads) || threads < 0) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `threads must be a non-negative integer (0 = one per core); got ${threads}`,
      {
        parameter: 'threads',
      },
    );
  }
  return { precision, chunkRows, threads };
}

/** Streams all images through `kernel` chunk by chunk; memory stays at one chunk of logits. */
export async function scoreInChunks(
  kernel: GroupSumsKernel,
  images: EmbeddingMatrix,
  chunkRows: number,
  epilogue: ChunkEpilogue,
  scores: Float64Array,
  guardFlags: Uint8Array,
): Promise<void> {
  for (let start = 0; start < images.rows; start += chunkRows) {
    const rows = Math.min(chunkRows, images.rows - start);
    // The kernel normalises rows itself, so a float32 chunk is a view, not a copy (inputs were checked).
    const chunk = await kernel.run(images.data.subarray(start * images.cols, (start + rows) * images.cols), rows);
    epilogue(chunk, rows, scores, guardFlags, start);
  }
}

export interface GroupedRunRequest {
  readonly methodId: ScoringMethodId;
  readonly images: EmbeddingMatrix;
  readonly idText: EmbeddingMatrix;
  /** Checked here: a grouped method needs negatives. */
  readonly negText: EmbeddingMatrix | undefined;
  /** The method's resolved parameters; temperature, groups, permutations and seed are read from them. */
  readonly params: Readonly<Record<string, ParameterValue>>;
  readonly options: ScoringOptions | undefined;
  /** Builds the epilogue for one grouping (it may depend on Q). */
  readonly epilogueFor: (grouping: NegativeGrouping) => ChunkEpilogue;
}

export interface GroupedRunOutput {
  readonly scores: Float64Array;
  readonly std?: Float64Array;
  readonly guardHits: number;
  readonly grouping: GroupingRecord;
  readonly precision: ScoringPrecision;
}

/** Checks the three inputs of a negative-label method; returns the negatives, now known to be present. */
export function checkGroupedInputs(
  methodId: string,
  images: EmbeddingMatrix,
  idText: EmbeddingMatrix,
  negText: EmbeddingMatrix | undefined,
): EmbeddingMatrix {
  checkEmbeddings('images', images);
  checkEmbeddings('idText', idText, images.cols);
  if (negText === undefined) {
    throw new MiningError(
      MiningErrorCode.InvalidInput,
      `${methodId} needs negative label embeddings (negText, N × d); none were given`,
      { method: methodId },
    );
  }
  checkEmbeddings('negText', negText, images.cols);
  return negText;
}

/** Groups the negatives for every permutation the request asks for. */
export function groupingsFor(
  negativeCount: number,
  groups: number,
  permutations: number,
  seed: number,
  options: ScoringOptions | undefined,
): NegativeGrouping[] {
  if (options?.permutation !== undefined) {
    if (permutations !== 1) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `a given permutation fixes the grouping, so permutations must be 1; got ${permutations}`,
        { parameter: 'permutations', value: permutations },
      );
    }
    return [groupWithPermutation(negativeCount, groups, options.permutation)];
  }
  if (seed + permutations - 1 > 0xffffffff) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `seed + permutations − 1 must stay below 2^32; got seed ${seed}, permutations ${permutations}`,
      {
        parameter: 'seed',
      },
    );
  }
  // Permutation p is drawn from seed + p, so any single permutation can be reproduced alone.
  return Array.from({ length: permutations }, (_, p) => groupWithSeed(negativeCount, groups, seed + p));
}

export async function runGroupedScoring(request: GroupedRunRequest): Promise<GroupedRunOutput> {
  const { methodId, images, idText, params, options } = request;
  const negText = checkGroupedInputs(methodId, images, idText, request.negText);
  const temperature = params['temperature'] as number;
  const groups = params['groups'] as number;
  const permutations = params['permutations'] as number;
  const seed = params['seed'] as number;
  const run = resolveRunOptions(options);
  const groupings = groupingsFor(negText.rows, groups, permutations, seed, options);
  const dim = images.cols;
  const inverseT = 1 / temperature;
  const idWeights = normalizedRowsIn(run.precision, idText, { scale: inverseT });
  const guardFlags = new Uint8Array(images.rows);
  const statistics = new PermutationStatistics(images.rows);
  let single: Float64Array | undefined;
  for (const grouping of groupings) {
    const scores = new Float64Array(images.rows);
    const kernel = await GroupSumsKernel.create(
      {
        idWeights,
        idCount: idText.rows,
        negWeights: normalizedRowsIn(run.precision, negText, { order: grouping.order, scale: inverseT }),
        groups: grouping.groups,
        groupSize: grouping.groupSize,
        dim,
        precision: run.precision,
      },
      { threads: run.threads },
    );
    try {
      await scoreInChunks(kernel, images, run.chunkRows, request.epilogueFor(grouping), scores, guardFlags);
    } finally {
      await kernel.dispose();
    }
    if (groupings.length === 1) single = scores;
    else statistics.add(scores);
  }
  const first = groupings[0]!;
  const grouping: GroupingRecord = {
    groups: first.groups,
    groupSize: first.groupSize,
    dropped: first.dropped,
    seeds: groupings.flatMap((g) => (g.seed === undefined ? [] : [g.seed])),
    permutationGiven: options?.permutation !== undefined,
  };
  const guardHits = guardFlags.reduce((sum, flag) => sum + flag, 0);
  if (single !== undefined) return { scores: single, guardHits, grouping, precision: run.precision };
  const { mean, std } = statistics.result();
  return { scores: mean, std, guardHits, grouping, precision: run.precision };
}
