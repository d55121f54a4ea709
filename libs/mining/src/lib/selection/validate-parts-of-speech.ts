// Checks the candidate list given to a selection strategy: not empty, one known part of speech per row. Internal.
import { isPartOfSpeech, type PartOfSpeech } from '../corpus/part-of-speech';
import { MiningError, MiningErrorCode } from '../errors';

export function validatePartsOfSpeech(partsOfSpeech: readonly PartOfSpeech[], candidateCount: number): void {
  if (partsOfSpeech.length !== candidateCount) {
    throw new MiningError(
      MiningErrorCode.ShapeMismatch,
      `got ${partsOfSpeech.length} parts of speech for ${candidateCount} candidate embeddings; give one per candidate row`,
      { partsOfSpeech: partsOfSpeech.length, candidates: candidateCount },
    );
  }
  for (let i = 0; i < partsOfSpeech.length; i++) {
    if (!isPartOfSpeech(partsOfSpeech[i])) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `candidate ${i} has part of speech '${String(partsOfSpeech[i])}'; accepted: 'noun', 'adj'`,
        {
          candidate: i,
        },
      );
    }
  }
}

export function rejectEmptyCorpus(candidateCount: number): void {
  if (candidateCount === 0) {
    throw new MiningError(
      MiningErrorCode.EmptyCorpus,
      'the candidate corpus is empty; selection needs at least one candidate embedding row',
    );
  }
}
