// Stream orders of the test-time protocol: the SplitMix64 + Fisher–Yates permutation documented in
// the testtime-parity fixture (any language can reproduce it bit for bit), validation of a given
// order, and the hash a run records so the order can be checked later. Public.
import { MiningError, MiningErrorCode } from '../errors';
import { sha256Hex } from '../hash/sha256';

const MASK_64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

/** SplitMix64 (Steele, Lea, Flood 2014): 64-bit outputs, all arithmetic mod 2^64. */
export class SplitMix64 {
  private state: bigint;

  constructor(seed: number | bigint) {
    this.state = BigInt.asUintN(64, BigInt(checkStreamSeed(seed)));
  }

  next(): bigint {
    this.state = (this.state + GOLDEN_GAMMA) & MASK_64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
    return z ^ (z >> 31n);
  }
}

/** A seed must be a non-negative safe integer (it is stored as JSON) or a bigint below 2^64. */
export function checkStreamSeed(seed: number | bigint): number | bigint {
  const valid = typeof seed === 'bigint' ? seed >= 0n && seed <= MASK_64 : Number.isSafeInteger(seed) && seed >= 0;
  if (!valid) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `a stream seed must be an integer in [0, 2^53); got ${String(seed)}`,
      { parameter: 'streamSeed' },
    );
  }
  return seed;
}

/**
 * Fisher–Yates from the top: for i = n−1 down to 1, j = high 64 bits of next() × (i + 1), swap a[i],
 * a[j]. Test vector: seededPermutation(10, 1) = 9 0 1 4 8 2 3 7 6 5.
 */
export function seededPermutation(n: number, seed: number | bigint): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `a permutation length must be an integer in [0, 2^31); got ${n}`,
      { parameter: 'n' },
    );
  }
  const random = new SplitMix64(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Number((random.next() * BigInt(i + 1)) >> 64n);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/** `order` as Int32Array after checking it is a permutation of 0..n−1 (INVALID_INPUT names `what`). */
export function checkPermutation(order: ArrayLike<number> | BigInt64Array, n: number, what: string): Int32Array {
  if (order.length !== n) {
    throw new MiningError(
      MiningErrorCode.InvalidInput,
      `${what} must have ${n} entries (a permutation of 0..${n - 1}); got ${order.length}`,
      {
        what,
        expected: n,
        actual: order.length,
      },
    );
  }
  const result = new Int32Array(n);
  const seen = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const value = Number(order[p]!);
    if (!Number.isInteger(value) || value < 0 || value >= n || seen[value] === 1) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `${what} is not a permutation of 0..${n - 1}: entry ${p} is ${value}${seen[value] === 1 ? ' (repeated)' : ''}`,
        {
          what,
          position: p,
          value,
        },
      );
    }
    seen[value] = 1;
    result[p] = value;
  }
  return result;
}

/** SHA-256 of the order as little-endian int64 (the bytes of the data part of its int64 .npy). */
export function streamOrderSha256(order: Int32Array): string {
  const bytes = new Uint8Array(order.length * 8);
  const view = new DataView(bytes.buffer);
  for (let p = 0; p < order.length; p++) view.setBigInt64(p * 8, BigInt(order[p]!), true);
  return sha256Hex(bytes);
}
