// Deduplication by the final word string: the first occurrence in the given order wins. Internal.
import type { CorpusEntry } from './candidate-corpus';

export function deduplicateByWord(entries: readonly CorpusEntry[]): CorpusEntry[] {
  const seen = new Set<string>();
  const unique: CorpusEntry[] = [];
  for (const entry of entries) {
    if (seen.has(entry.word)) continue;
    seen.add(entry.word);
    unique.push(entry);
  }
  return unique;
}
