// The one sort behind every metric (internal): ID and OOD scores pooled into a Float64Array and put
// in ascending order together with a per-element OOD flag, by an LSD radix sort on the bits.
//
// Why radix: the built-in typed-array sort cannot carry the class label along, and a comparator
// sort over an index permutation is several times slower at 2M elements. Each float64 becomes an
// order-preserving 64-bit key (flip all bits of negatives, set the sign bit of non-negatives), and
// 11-bit digits need at most 6 stable passes; passes whose digit is the same for every key (e.g.
// the low mantissa bits of float32-derived scores) are skipped.
import type { ScoreArray } from './validate';

export interface SortedPool {
  /** All scores in ascending order; -0 is stored as +0 so the two compare as one threshold. */
  readonly values: Float64Array;
  /** 1 where values[i] came from the OOD set, 0 for ID. */
  readonly isOod: Uint8Array;
  readonly nId: number;
  readonly nOod: number;
}

const DIGIT_BITS = 11;
const RADIX = 1 << DIGIT_BITS;
const DIGIT_MASK = RADIX - 1;
/** (word, shift) of each digit, least significant first: three digits per 32-bit half. */
const DIGITS: ReadonlyArray<readonly [half: 'lo' | 'hi', shift: number]> = [
  ['lo', 0],
  ['lo', 11],
  ['lo', 22],
  ['hi', 0],
  ['hi', 11],
  ['hi', 22],
];
const SIGN_BIT = 0x80000000;

// Position of the low and high 32-bit words of a float64 inside a Uint32Array view.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** Pools and sorts the two (already validated) sets in O(n) passes; the inputs are not modified. */
export function sortPooledScores(idScores: ScoreArray, oodScores: ScoreArray): SortedPool {
  const nId = idScores.length;
  const nOod = oodScores.length;
  const n = nId + nOod;
  let values: Float64Array = new Float64Array(n);
  let flags: Uint8Array = new Uint8Array(n);
  // Adding +0 turns -0 into +0 (numpy treats them as one value when finding distinct thresholds).
  for (let i = 0; i < nId; i++) values[i] = idScores[i]! + 0;
  for (let i = 0; i < nOod; i++) values[nId + i] = oodScores[i]! + 0;
  flags.fill(1, nId);

  let words: Uint32Array = new Uint32Array(values.buffer);
  toOrderedKeys(words, n);

  const histograms = new Uint32Array(DIGITS.length * RADIX);
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i + LO]!;
    const hi = words[2 * i + HI]!;
    histograms[lo & DIGIT_MASK]!++;
    histograms[RADIX + ((lo >>> 11) & DIGIT_MASK)]!++;
    histograms[2 * RADIX + (lo >>> 22)]!++;
    histograms[3 * RADIX + (hi & DIGIT_MASK)]!++;
    histograms[4 * RADIX + ((hi >>> 11) & DIGIT_MASK)]!++;
    histograms[5 * RADIX + (hi >>> 22)]!++;
  }

  let spareValues: Float64Array | undefined;
  let spareFlags: Uint8Array | undefined;
  const offsets = new Uint32Array(RADIX);
  for (let d = 0; d < DIGITS.length; d++) {
    const histogram = histograms.subarray(d * RADIX, (d + 1) * RADIX);
    if (histogram.includes(n)) continue; // every key has the same digit: the pass would not move anything
    let running = 0;
    for (let b = 0; b < RADIX; b++) {
      offsets[b] = running;
      running += histogram[b]!;
    }
    spareValues ??= new Float64Array(n);
    spareFlags ??= new Uint8Array(n);
    const target = new Uint32Array(spareValues.buffer);
    const [half, shift] = DIGITS[d]!;
    const wordOffset = half === 'lo' ? LO : HI;
    for (let i = 0; i < n; i++) {
      const digit = (words[2 * i + wordOffset]! >>> shift) & DIGIT_MASK;
      const to = offsets[digit]!++;
      target[2 * to + LO] = words[2 * i + LO]!;
      target[2 * to + HI] = words[2 * i + HI]!;
      spareFlags[to] = flags[i]!;
    }
    [values, spareValues] = [spareValues, values];
    [flags, spareFlags] = [spareFlags, flags];
    words = target;
  }

  fromOrderedKeys(words, n);
  return { values, isOod: flags, nId, nOod };
}

/** Maps float64 bit patterns to unsigned keys whose integer order is the numeric order. */
function toOrderedKeys(words: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + HI]!;
    if ((hi & SIGN_BIT) !== 0) {
      words[2 * i + HI] = ~hi;
      words[2 * i + LO] = ~words[2 * i + LO]!;
    } else {
      words[2 * i + HI] = hi | SIGN_BIT;
    }
  }
}

function fromOrderedKeys(words: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + HI]!;
    if ((hi & SIGN_BIT) !== 0) {
      words[2 * i + HI] = hi & ~SIGN_BIT;
    } else {
      words[2 * i + HI] = ~hi;
      words[2 * i + LO] = ~words[2 * i + LO]!;
    }
  }
}
