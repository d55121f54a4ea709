// Grouping: the tail of N mod G negatives is dropped, the rest permuted and cut into G groups of Q.
import { MiningErrorCode } from '../errors';
import { groupedRows, groupWithPermutation, groupWithSeed } from './grouping';

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
    const rows = groupedRows(Float64Array.from([0, 10, 20, 30, 40]), 1, grouping);
    expect(Array.from(rows)).toEqual([30, 0, 20, 10]);
  });

  it.each([
    [[0, 1, 2], /must have N − \(N mod G\) = 4 entries/],
    [[0, 1, 2, 4], /each of 0..3 exactly once; entry 3 is 4/],
    [[0, 1, 1, 2], /exactly once; entry 2 is 1/],
    [[0, 1, 2, 3.5], /exactly once/],
  ])('rejects the permutation %j', (permutation, message) => {
    expect(() => groupWithPermutation(5, 2, permutation)).toThrow(expect.objectContaining({ code: MiningErrorCode.InvalidInput, message: expect.stringMatching(message) }));
  });

  it('rejects group counts outside [1, N]', () => {
    for (const groups of [0, 6, 1.5]) expect(() => groupWithSeed(5, groups, 0)).toThrow(expect.objectContaining({ code: MiningErrorCode.InvalidParameter }));
  });
});
