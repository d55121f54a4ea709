import { MiningErrorCode } from '../errors';
import { checkPermutation, seededPermutation, SplitMix64, streamOrderSha256 } from './stream-order';

describe('stream orders', () => {
  it('reproduces the testtime-parity test vector: seededPermutation(10, 1) = 9 0 1 4 8 2 3 7 6 5', () => {
    expect(Array.from(seededPermutation(10, 1))).toEqual([9, 0, 1, 4, 8, 2, 3, 7, 6, 5]);
  });

  it('SplitMix64 gives the reference outputs of seed 0', () => {
    // Reference values of Vigna's splitmix64.c seeded with 0.
    const random = new SplitMix64(0);
    expect(random.next()).toBe(0xe220a8397b1dcdafn);
    expect(random.next()).toBe(0x6e789e6aa1b965f4n);
  });

  it('is a permutation and differs between seeds', () => {
    const a = seededPermutation(1000, 5);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(seededPermutation(1000, 6))).not.toEqual(Array.from(a));
  });

  it('rejects a given order that is not a permutation, with INVALID_INPUT', () => {
    expect(() => checkPermutation([0, 1, 1], 3, 'order')).toThrow(
      expect.objectContaining({ code: MiningErrorCode.InvalidInput }),
    );
    expect(() => checkPermutation([0, 1], 3, 'order')).toThrow(
      expect.objectContaining({ code: MiningErrorCode.InvalidInput }),
    );
    expect(Array.from(checkPermutation(new BigInt64Array([2n, 0n, 1n]), 3, 'order'))).toEqual([2, 0, 1]);
  });

  it('rejects negative and fractional seeds with INVALID_PARAMETER', () => {
    expect(() => seededPermutation(3, -1)).toThrow(expect.objectContaining({ code: MiningErrorCode.InvalidParameter }));
    expect(() => seededPermutation(3, 0.5)).toThrow(
      expect.objectContaining({ code: MiningErrorCode.InvalidParameter }),
    );
  });

  it('hashes the order as little-endian int64 bytes', () => {
    // sha256 of 16 zero bytes except byte 8 = 1, i.e. int64 [0, 1].
    expect(streamOrderSha256(new Int32Array([0, 1]))).toBe(streamOrderSha256(checkPermutation([0, 1], 2, 'o')));
    expect(streamOrderSha256(new Int32Array([0, 1]))).not.toBe(streamOrderSha256(new Int32Array([1, 0])));
  });
});
