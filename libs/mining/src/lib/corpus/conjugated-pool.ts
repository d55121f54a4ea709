// CSP's "conjugated semantic pool" (Chen et al., NeurIPS 2024): every adjective becomes
// `<adjective> <superclass>`, the superclass drawn by a seeded generator from a configurable list,
// rendered with the noun templates because the result is a noun phrase. The generator is the lib's
// SeededRandom, one draw per adjective in corpus order. Public.
import { MiningError, MiningErrorCode } from '../errors';
import type { CorpusEntry } from './candidate-corpus';
import { SeededRandom } from '../scoring/seeded-random';

/** CSP's 14 superclass words. */
export const CSP_SUPERCLASSES: readonly string[] = [
  'environment',
  'space',
  'object',
  'scene',
  'place',
  'item',
  'area',
  'view',
  'thing',
  'pattern',
  'structure',
  'landscape',
  'vista',
  'creature',
];

export interface ConjugationOptions {
  /** Superclass words; default CSP_SUPERCLASSES. */
  readonly superclasses?: readonly string[];
  /** Seed of the generator that picks each adjective's superclass (integer in [0, 2^32 − 1]). */
  readonly seed: number;
}

/** Checks the superclass list (the seed is checked by the generator). */
export function validateConjugation(options: ConjugationOptions): void {
  const superclasses = options.superclasses ?? CSP_SUPERCLASSES;
  if (superclasses.length === 0 || superclasses.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      'conjugation superclasses must be a non-empty list of non-empty words',
      {
        superclasses,
      },
    );
  }
}

/** Entries with every adjective conjugated, in the same order; nouns pass through unchanged. */
export function conjugateAdjectives(entries: readonly CorpusEntry[], options: ConjugationOptions): CorpusEntry[] {
  validateConjugation(options);
  const superclasses = options.superclasses ?? CSP_SUPERCLASSES;
  const random = new SeededRandom(options.seed);
  return entries.map((entry) => {
    if (entry.pos !== 'adj') return entry;
    const superclass = superclasses[random.nextBelow(superclasses.length)]!;
    return {
      ...entry,
      word: `${entry.word} ${superclass}`,
      promptRole: 'noun' as const,
      conjugatedFrom: { adjective: entry.word, superclass },
    };
  });
}
