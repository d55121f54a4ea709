// How a WordNet lemma becomes a candidate word, as the paper's and NegLabel's WordNet lists were made:
// lower-cased, underscores to spaces, adjective position markers `(a)`, `(p)`, `(ip)` removed. Internal.

const ADJECTIVE_MARKER = /\((?:a|p|ip)\)$/;

export function candidateWordOfLemma(lemma: string): string {
  return lemma.replace(ADJECTIVE_MARKER, '').replace(/_/g, ' ').toLowerCase();
}
