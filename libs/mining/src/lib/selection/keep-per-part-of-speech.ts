// The keep rule shared by the selection strategies: separately per part of speech, keep the
// floor(count × keepFraction) candidates with the smallest statistic, ascending; nouns first, then
// adjectives (paper §4 / NegLabel NegMining). Ties keep the lower index first, so results are stable.
// Internal to the selection folder.
import type { PartOfSpeech } from '../corpus/part-of-speech';
import { MiningError, MiningErrorCode } from '../errors';

export type KeepFractions = Readonly<Record<PartOfSpeech, number>>;

const FRACTION_PARAMETER: Readonly<Record<PartOfSpeech, string>> = { noun: 'keepNoun', adj: 'keepAdj' };
const PLURAL: Readonly<Record<PartOfSpeech, string>> = { noun: 'nouns', adj: 'adjectives' };

/**
 * Checks both fractions are in (0, 1] and keep at least one candidate of every part of speech the
 * corpus has. Called before the statistic is computed, so a fraction too small for a small part of
 * speech (floor(5 × 0.13) = 0 adjectives) fails at once instead of silently dropping that part of
 * speech, or, with both, giving an empty selection no scoring method can use.
 */
export function validateKeepFractions(fractions: KeepFractions, partsOfSpeech: readonly PartOfSpeech[]): void {
  for (const pos of ['noun', 'adj'] as const) {
    const name = FRACTION_PARAMETER[pos];
    const value = fractions[pos];
    if (!Number.isFinite(value) || value <= 0 || value > 1) {
      throw new MiningError(MiningErrorCode.InvalidParameter, `${name} must be a fraction in (0, 1]; got ${value}`, {
        name,
        value,
      });
    }
    const count = partsOfSpeech.reduce((sum, p) => sum + (p === pos ? 1 : 0), 0);
    if (count > 0 && keptCount(count, value) === 0) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `${name} = ${value} keeps none of the ${count} ${PLURAL[pos]} (floor(${count} × ${value}) = 0); give at least 1/${count} to keep one`,
        { name, value, count },
      );
    }
  }
}

/** floor(count × fraction) of the float64 product, exactly as the reference code's `int(n * frac)`. */
export function keptCount(count: number, fraction: number): number {
  return Math.floor(count * fraction);
}

export function keepSmallestPerPartOfSpeech(
  statistic: Float64Array,
  partsOfSpeech: readonly PartOfSpeech[],
  fractions: KeepFractions,
): { selectedIndices: Int32Array; keptCounts: Record<PartOfSpeech, number> } {
  const selected: number[] = [];
  const keptCounts: Record<PartOfSpeech, number> = { noun: 0, adj: 0 };
  for (const pos of ['noun', 'adj'] as const) {
    const members: number[] = [];
    for (let i = 0; i < partsOfSpeech.length; i++) if (partsOfSpeech[i] === pos) members.push(i);
    members.sort((a, b) => statistic[a]! - statistic[b]! || a - b);
    const keep = keptCount(members.length, fractions[pos]);
    keptCounts[pos] = keep;
    for (let r = 0; r < keep; r++) selected.push(members[r]!);
  }
  return { selectedIndices: Int32Array.from(selected), keptCounts };
}
