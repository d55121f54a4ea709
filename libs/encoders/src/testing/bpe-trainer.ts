// Learns a small CLIP-style BPE merge list (symbols end with `</w>` at word ends) from a word list:
// repeatedly merge the most frequent adjacent pair, ties broken by the pair's text, so the result is
// deterministic. For generated test models only.
import { CLIP_WORD_END, byteToUnicodeEntries, type BpeMerge } from '../lib/bpe-vocabulary';

function wordSymbols(word: string, byteToSymbol: ReadonlyMap<number, string>): string[] {
  const symbols = [...Buffer.from(word, 'utf8')].map((b) => byteToSymbol.get(b)!);
  symbols[symbols.length - 1] += CLIP_WORD_END;
  return symbols;
}

/** Up to `mergeCount` merges; stops early when every word is a single symbol. */
export function trainBpeMerges(words: readonly string[], mergeCount: number): BpeMerge[] {
  const byteToSymbol = new Map(byteToUnicodeEntries());
  const counts = new Map<string, number>();
  for (const w of words) {
    const word = w.trim().toLowerCase();
    if (word !== '') counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const corpus = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([w, n]) => ({ symbols: wordSymbols(w, byteToSymbol), count: n }));
  // Base vocabulary: every byte symbol with and without `</w>`; merges must add new tokens only.
  const known = new Set<string>([...byteToSymbol.values()].flatMap((s) => [s, s + CLIP_WORD_END]));
  const merges: BpeMerge[] = [];
  const banned = new Set<string>();
  while (merges.length < mergeCount) {
    const pairCounts = new Map<string, number>();
    for (const { symbols, count } of corpus) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        if (!banned.has(key)) pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 0;
    for (const [key, n] of pairCounts) {
      if (n > bestCount || (n === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = n;
      }
    }
    if (best === undefined) break;
    const [left, right] = best.split(' ') as [string, string];
    if (known.has(left + right)) {
      // Another split already produced this token; a second merge to it would duplicate a vocab entry.
      banned.add(best);
      continue;
    }
    known.add(left + right);
    merges.push([left, right]);
    for (const entry of corpus) {
      const merged: string[] = [];
      const s = entry.symbols;
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === left && s[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else merged.push(s[i]!);
      }
      entry.symbols = merged;
    }
  }
  return merges;
}
