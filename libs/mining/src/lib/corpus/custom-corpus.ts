// A corpus from a caller's own word list (`[{word, pos, lexname?}]`), replacing WordNet. Entries
// keep the given order; duplicates by word keep the first occurrence. Public.
import { MiningError, MiningErrorCode } from '../errors';
import {
  assembleCorpus,
  DEFAULT_PROMPT_TEMPLATES,
  type CandidateCorpus,
  type CorpusEntry,
  type PromptTemplates,
} from './candidate-corpus';
import type { ConjugationOptions } from './conjugated-pool';
import { candidatePool } from './deduplicate-entries';
import { isPartOfSpeech } from './part-of-speech';

export interface CustomCorpusItem {
  readonly word: string;
  readonly pos: string;
  readonly lexname?: string;
  readonly synsetOffset?: number;
}

export interface CustomCorpusOptions {
  readonly templates?: PromptTemplates;
  readonly conjugation?: ConjugationOptions;
}

export function buildCustomCorpus(
  items: readonly CustomCorpusItem[],
  options: CustomCorpusOptions = {},
): CandidateCorpus {
  if (!Array.isArray(items) || items.length === 0) {
    throw new MiningError(
      MiningErrorCode.EmptyCorpus,
      'a custom corpus needs a non-empty list of {word, pos} candidates',
    );
  }
  const entries: CorpusEntry[] = items.map((item, i) => {
    if (item === null || typeof item !== 'object' || typeof item.word !== 'string' || item.word.trim() === '') {
      throw new MiningError(MiningErrorCode.InvalidInput, `custom corpus item ${i} needs a non-empty string 'word'`, {
        item: i,
      });
    }
    if (!isPartOfSpeech(item.pos)) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `custom corpus item ${i} ('${item.word}') has pos '${String(item.pos)}'; accepted: 'noun', 'adj'`,
        {
          item: i,
        },
      );
    }
    if (item.lexname !== undefined && typeof item.lexname !== 'string') {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `custom corpus item ${i} ('${item.word}'): lexname must be a string when given`,
        { item: i },
      );
    }
    return {
      word: item.word,
      pos: item.pos,
      ...(item.lexname !== undefined ? { lexname: item.lexname } : {}),
      ...(Number.isInteger(item.synsetOffset) ? { synsetOffset: item.synsetOffset } : {}),
      promptRole: item.pos === 'noun' ? 'noun' : 'adj',
    };
  });
  const pool = candidatePool(entries, options.conjugation);
  return assembleCorpus(pool, options.templates ?? DEFAULT_PROMPT_TEMPLATES, {
    source: 'custom',
    conjugation: options.conjugation ?? null,
  });
}
