// Grouping: the tail of N mod G negatives is dropped, the rest permuted and cut into G groups of Q.
import { MiningErrorCode } from '../errors';
import { normalizedRowsIn } from './embedding-input';
import { groupWithPermutation, groupWithSeed } from './grouping';

describe('negative grouping', () => {
  it('drops the last N mod G negatives and permutes the rest with the seed', () => {
    const grouping = groupWithSeed(1003, 100, 5);
    expect(grouping).toMatchObject({ groups: 100, groupSize: 10, dropped: 3, seed: 5 });
    expect([...grouping.order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(groupWithSeed(1003, 100, 5).order)).toEqual(Array.from(grouping.order));
  });

  it('takes a given permutation (int64 or numbers) and lays rows out in its order', () => {
    const grouping = groupWithPermutation(5, 2, BigInt64Array.from([3n, 0n, 2n, 1n]));
    expect(grouping).toMatchObject({ groups: 2, groupSize: 2, dropped: 1 });
    const negatives = { data: Float32Array.from([1, 0, 0, 1, 1, 1, 3, 4, 9, 9]), rows: 5, cols: 2 };
    const rows = normalizedRowsIn('float64', negatives, { order: grouping.order, scale: 10 });
    [6, 8, 10, 0, 10 * Math.SQRT1_2, 10 * Math.SQRT1_2, 0, 10].forEach((v, i) => expect(rows[i]).toBeCloseTo(v, 14));
  });

  it.each([
    [[0, 1, 2], /must have N − \(N mod G\) = 4 entries/],
    [[0, 1, 2, 4], /each of 0..3 exactly once; entry 3 is 4/],
    [[0, 1, 1, 2], /exactly once; entry 2 is 1/],
    [[0, 1, 2, 3.5], /exactly once/],
  ])('rejects the permutation %j', (permutation, message) => {
    expect(() => groupWithPermutation(5, 2, permutation)).toThrow(
      expect.objectContaining({ code: MiningErrorCode.InvalidInput, message: expect.stringMatching(message) }),
    );
  });

  it('rejects group counts outside [1, N]', () => {
    for (const groups of [0, 6, 1.5])
      expect(() => groupWithSeed(5, groups, 0)).toThrow(
        expect.objectContaining({ code: MiningErrorCode.InvalidParameter }),
      );
  });
});
