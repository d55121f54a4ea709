// Builds the candidate corpus from parsed WordNet 3.1 data (the paper's and NegLabel's pool by
// default). Order is documented and filesystem-independent: lexicographer files sorted by name
// (code-point order, so 'noun.Tops' precedes 'noun.act'), then data-file order; duplicates by the
// final word keep the first occurrence. Public.
import { MiningError, MiningErrorCode } from '../errors';
import {
  assembleCorpus,
  DEFAULT_PROMPT_TEMPLATES,
  validatePromptTemplates,
  type CandidateCorpus,
  type CorpusEntry,
  type PromptTemplates,
} from './candidate-corpus';
import { validateConjugation, type ConjugationOptions } from './conjugated-pool';
import { candidatePool } from './deduplicate-entries';
import {
  CANDIDATE_LEXNAMES,
  DEFAULT_EXCLUDED_LEXNAMES,
  isCandidateLexname,
  type WordNetLexname,
} from './wordnet-lexnames';
import type { WordNetDatabase, WordNetSynset } from './wordnet-synsets';

export interface WordNetCorpusOptions {
  /** Lexicographer files to draw from; default: every noun and adjective file. */
  readonly includeLexnames?: readonly string[];
  /**
   * Files removed from the included ones. Default: the paper's exclusions (noun.person,
   * noun.quantity, noun.group, noun.animal, noun.food, adj.pert) when `includeLexnames` is not
   * given; none when it is.
   */
  readonly excludeLexnames?: readonly string[];
  /** 'first': one candidate per synset, its first lemma (the paper's lists); 'all': every lemma. */
  readonly lemmas?: 'first' | 'all';
  readonly templates?: PromptTemplates;
  /** CSP's conjugated semantic pool; off unless given. */
  readonly conjugation?: ConjugationOptions;
}

/**
 * Checks the options and returns the lexicographer files they choose, in corpus order. Needs no
 * WordNet data, so callers can fail fast before loading it (about a second); buildWordNetCorpus
 * runs it too.
 */
export function validateWordNetCorpusOptions(options: WordNetCorpusOptions = {}): WordNetLexname[] {
  const include = checkLexnames(options.includeLexnames ?? CANDIDATE_LEXNAMES, 'includeLexnames');
  const exclude = checkLexnames(
    options.excludeLexnames ?? (options.includeLexnames === undefined ? DEFAULT_EXCLUDED_LEXNAMES : []),
    'excludeLexnames',
  );
  const lemmas = options.lemmas ?? 'first';
  if (lemmas !== 'first' && lemmas !== 'all') {
    throw new MiningError(MiningErrorCode.InvalidParameter, `lemmas must be 'first' or 'all'; got '${String(lemmas)}'`);
  }
  validatePromptTemplates(options.templates ?? DEFAULT_PROMPT_TEMPLATES);
  if (options.conjugation !== undefined) validateConjugation(options.conjugation);
  const chosen = [...new Set(include)].filter((name) => !exclude.includes(name)).sort(compareCodePoints);
  if (chosen.length === 0) {
    throw new MiningError(
      MiningErrorCode.EmptyCorpus,
      'the candidate corpus is empty: every included lexicographer file is also excluded',
      {
        includeLexnames: include,
        excludeLexnames: exclude,
      },
    );
  }
  return chosen;
}

export function buildWordNetCorpus(database: WordNetDatabase, options: WordNetCorpusOptions = {}): CandidateCorpus {
  const chosen = validateWordNetCorpusOptions(options);
  const lemmas = options.lemmas ?? 'first';

  const byLexname = new Map<string, WordNetSynset[]>();
  for (const synset of database.synsets) {
    const bucket = byLexname.get(synset.lexname);
    if (bucket === undefined) byLexname.set(synset.lexname, [synset]);
    else bucket.push(synset);
  }
  const entries: CorpusEntry[] = [];
  for (const lexname of chosen) {
    for (const synset of byLexname.get(lexname) ?? []) {
      const words = lemmas === 'first' ? synset.words.slice(0, 1) : synset.words;
      for (const word of words) {
        entries.push({
          word,
          pos: synset.pos,
          lexname,
          synsetOffset: synset.offset,
          promptRole: synset.pos === 'noun' ? 'noun' : 'adj',
        });
      }
    }
  }
  const pool = candidatePool(entries, options.conjugation);
  return assembleCorpus(pool, options.templates ?? DEFAULT_PROMPT_TEMPLATES, {
    source: 'wordnet-3.1',
    lexnames: chosen,
    lemmas,
    conjugation: options.conjugation ?? null,
  });
}

function checkLexnames(names: readonly string[], option: string): WordNetLexname[] {
  for (const name of names) {
    if (!isCandidateLexname(name)) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `${option}: '${name}' is not a WordNet noun or adjective lexicographer file; accepted: ${CANDIDATE_LEXNAMES.join(', ')}`,
        { option, name },
      );
    }
  }
  return names as WordNetLexname[];
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
