// The WordNet candidate corpus of this code version (built once per process) and the prompts of
// its entries and of ID labels: what mining, evaluation and text encoding all need to name a
// prompt's cache key. Internal to apps/api.
import {
  buildWordNetCorpus,
  DEFAULT_PROMPT_TEMPLATES,
  idLabelPrompts,
  loadWordNetDatabase,
  type CandidateCorpus,
  type WordNetDatabase,
} from '@negmine/mining';

export const WORDNET_SOURCE = 'wordnet';

export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

export class WordNetCorpus {
  private database: WordNetDatabase | undefined;
  private corpus: CandidateCorpus | undefined;

  wordNet(): { database: WordNetDatabase; corpus: CandidateCorpus } {
    this.database ??= loadWordNetDatabase();
    this.corpus ??= buildWordNetCorpus(this.database);
    return { database: this.database, corpus: this.corpus };
  }

  /** The prompts of each entry of a stored WordNet corpus (entry i owns prompts[start[i]..start[i+1])). */
  wordNetPrompts(versionHash: string): { prompts: readonly string[]; promptStart: Int32Array } {
    const { corpus } = this.wordNet();
    if (corpus.contentHash !== versionHash) {
      throw new Error(
        `the stored WordNet corpus ${versionHash} differs from the one this version builds (${corpus.contentHash})`,
      );
    }
    return { prompts: corpus.prompts, promptStart: corpus.promptStart };
  }

  /** The prompts of ID labels, label-major (label i owns [i·T, (i+1)·T) for T templates). */
  labelPrompts(labels: readonly string[], templates: readonly string[]): string[] {
    return idLabelPrompts(labels, { ...DEFAULT_PROMPT_TEMPLATES, id: templates });
  }
}
