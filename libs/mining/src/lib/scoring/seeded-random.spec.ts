// The seeded generator: reproducible streams, unbiased bounded draws, valid permutations.
import { MiningErrorCode } from '../errors';
import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('repeats the same stream for the same seed and differs across seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const first = Array.from({ length: 16 }, () => a.nextUint32());
    expect(Array.from({ length: 16 }, () => b.nextUint32())).toEqual(first);
    expect(Array.from({ length: 16 }, () => c.nextUint32())).not.toEqual(first);
    expect(first.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
  });

  it('draws bounded integers roughly uniformly', () => {
    const random = new SeededRandom(1);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[random.nextBelow(6)]! += 1;
    // 6 σ of a binomial(60000, 1/6) is ≈ 550.
    for (const count of counts) expect(Math.abs(count - 10000)).toBeLessThan(550);
  });

  it('returns permutations of 0..n−1 that depend on the seed', () => {
    const p = new SeededRandom(3).permutation(1000);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(new SeededRandom(3).permutation(1000))).toEqual(Array.from(p));
    expect(Array.from(new SeededRandom(4).permutation(1000))).not.toEqual(Array.from(p));
  });

  it('rejects seeds outside [0, 2^32)', () => {
    for (const seed of [-1, 1.5, 2 ** 32])
      expect(() => new SeededRandom(seed)).toThrow(expect.objectContaining({ code: MiningErrorCode.InvalidParameter }));
  });
});
