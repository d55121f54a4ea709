// Deduplication by the final word string, first occurrence in the given order wins, and the pool
// every corpus builder makes from its ordered entries (with or without CSP conjugation). Internal.
import type { CorpusEntry } from './candidate-corpus';
import { conjugateAdjectives, type ConjugationOptions } from './conjugated-pool';

export function deduplicateByWord(
  entries: readonly CorpusEntry[],
  key: (entry: CorpusEntry) => string = (entry) => entry.word,
): CorpusEntry[] {
  const seen = new Set<string>();
  const unique: CorpusEntry[] = [];
  for (const entry of entries) {
    const k = key(entry);
    if (seen.has(k)) continue;
    seen.add(k);
    unique.push(entry);
  }
  return unique;
}

/**
 * The deduplicated pool. Without conjugation: one entry per word, first occurrence wins (so an
 * adjective of adj.all hides a noun of the same word). With conjugation every adjective is renamed
 * `<adjective> <superclass>`, so it no longer collides with its noun twin: entries are first
 * deduplicated within their part of speech, then conjugated, then deduplicated by the final word
 * (deduplicating across parts of speech first dropped 845 nouns of the default WordNet pool, such as
 * 'red', for good).
 */
export function candidatePool(
  entries: readonly CorpusEntry[],
  conjugation: ConjugationOptions | undefined,
): CorpusEntry[] {
  if (conjugation === undefined) return deduplicateByWord(entries);
  const perPartOfSpeech = deduplicateByWord(entries, (entry) => `${entry.pos}:${entry.word}`);
  return deduplicateByWord(conjugateAdjectives(perPartOfSpeech, conjugation));
}
