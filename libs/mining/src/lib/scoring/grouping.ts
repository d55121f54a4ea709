// Grouping of the negatives (NegLabel / Debiased Negative Mining): drop the last N mod G, permute
// the rest (a given permutation or a seeded draw), split into G consecutive groups of Q = N div G.
// Public.
import { MiningError, MiningErrorCode } from '../errors';
import { SeededRandom } from './seeded-random';

export interface NegativeGrouping {
  readonly groups: number;
  readonly groupSize: number;
  readonly dropped: number;
  /** Length G·Q: grouped row i is negative order[i]; group j = rows [jQ, (j+1)Q). */
  readonly order: Int32Array;
  /** The seed the permutation was drawn with, or undefined when it was given. */
  readonly seed?: number;
}

export function checkGroupCount(groups: number, negativeCount: number): void {
  if (!Number.isInteger(groups) || groups < 1 || groups > negativeCount) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `groups must be an integer in [1, N] where N = ${negativeCount} negatives; got ${groups}`,
      { parameter: 'groups', value: groups, negativeCount },
    );
  }
}

/** Groups N negatives with a permutation drawn from `seed`. */
export function groupWithSeed(negativeCount: number, groups: number, seed: number): NegativeGrouping {
  checkGroupCount(groups, negativeCount);
  const groupSize = Math.floor(negativeCount / groups);
  const order = new SeededRandom(seed).permutation(groups * groupSize);
  return { groups, groupSize, dropped: negativeCount - groups * groupSize, order, seed };
}

/** Groups N negatives with a given permutation of 0..(N − N mod G − 1). */
export function groupWithPermutation(
  negativeCount: number,
  groups: number,
  permutation: ArrayLike<number> | BigInt64Array,
): NegativeGrouping {
  checkGroupCount(groups, negativeCount);
  const groupSize = Math.floor(negativeCount / groups);
  const kept = groups * groupSize;
  if (permutation.length !== kept) {
    throw new MiningError(
      MiningErrorCode.InvalidInput,
      `the permutation must have N − (N mod G) = ${kept} entries (N = ${negativeCount}, G = ${groups}); got ${permutation.length}`,
      { expected: kept, length: permutation.length },
    );
  }
  const order = new Int32Array(kept);
  const seen = new Uint8Array(kept);
  for (let i = 0; i < kept; i++) {
    const raw = permutation[i]!;
    const index = typeof raw === 'bigint' ? Number(raw) : raw;
    if (!Number.isInteger(index) || index < 0 || index >= kept || seen[index] === 1) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `the permutation must contain each of 0..${kept - 1} exactly once; entry ${i} is ${String(raw)}`,
        { entry: i, value: String(raw), kept },
      );
    }
    seen[index] = 1;
    order[i] = index;
  }
  return { groups, groupSize, dropped: negativeCount - kept, order };
}
