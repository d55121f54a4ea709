// Test helper for the parity specs: checks a float32 selection against a float64 reference within the
// fixture README's tolerances (keys close, same selected set, order swaps only between near-ties).
import type { SelectionResult } from './selection-strategy';

export interface ParityTolerances {
  /** Largest accepted |key − reference key| over every candidate. */
  readonly keyTolerance: number;
  /** Two selected candidates may appear in swapped order only if their reference keys differ by less. */
  readonly tieTolerance: number;
}

export function expectSelectionWithinTies(
  result: SelectionResult,
  expectedIndices: Int32Array,
  expectedKey: Float64Array,
  tolerances: ParityTolerances,
): void {
  let worstKeyError = 0;
  for (let i = 0; i < expectedKey.length; i++) worstKeyError = Math.max(worstKeyError, Math.abs(result.statistic[i]! - expectedKey[i]!));
  expect(worstKeyError).toBeLessThan(tolerances.keyTolerance);
  expect(result.selectedIndices.length).toBe(expectedIndices.length);
  expect(new Set(result.selectedIndices)).toEqual(new Set(expectedIndices));
  const position = new Map<number, number>();
  expectedIndices.forEach((index, rank) => position.set(index, rank));
  // Every pair out of reference order must be a near-tie in the reference keys.
  const actual = Array.from(result.selectedIndices);
  for (let a = 0; a < actual.length; a++) {
    for (let b = a + 1; b < actual.length; b++) {
      const first = actual[a]!;
      const second = actual[b]!;
      // Checked with a plain comparison first: an expect() per pair would be millions of calls.
      if (position.get(first)! > position.get(second)! && !(Math.abs(expectedKey[first]! - expectedKey[second]!) < tolerances.tieTolerance)) {
        throw new Error(`candidates ${first} and ${second} are out of reference order but their reference keys differ by ${Math.abs(expectedKey[first]! - expectedKey[second]!)}`);
      }
    }
  }
}
