// How candidate corpora are stored: ordered entries in a `corpora` row identified by a hash of
// the source and entries; row i of the corpus is row i of its embeddings.
import type { CorpusEntry } from '@negmine/mining';
import { sha256Hex } from './hashing';

export interface StoredCorpusEntry {
  readonly word: string;
  readonly pos: 'noun' | 'adj';
  readonly lexname: string | null;
  /** WordNet synset offset (WordNet corpora): lets the diagnostics follow synonym/hypernym relations. */
  readonly synsetOffset?: number | null;
  /** Which prompt templates render the entry (WordNet corpora); imported corpora are encoded elsewhere. */
  readonly promptRole?: 'noun' | 'adj';
}

export function corpusVersionHash(source: string, entries: readonly StoredCorpusEntry[]): string {
  return sha256Hex(JSON.stringify({ source, entries: entries.map((e) => [e.word, e.pos, e.lexname]) }));
}

export function storedEntries(json: unknown): StoredCorpusEntry[] {
  if (!Array.isArray(json)) throw new Error('corpus entries are not a list');
  return json as StoredCorpusEntry[];
}

/** The library's view of a stored entry. */
export function toCorpusEntry(entry: StoredCorpusEntry): CorpusEntry {
  return {
    word: entry.word,
    pos: entry.pos,
    promptRole: entry.promptRole ?? entry.pos,
    ...(entry.lexname === null ? {} : { lexname: entry.lexname }),
    ...(entry.synsetOffset === undefined || entry.synsetOffset === null ? {} : { synsetOffset: entry.synsetOffset }),
  };
}
