// Adapter over @negmine/mining for the API: the WordNet corpus (built once per process and stored
// as a `corpora` row), selection strategies by id with presets and overrides resolved for the run
// record, prompts, and the false-negative diagnostics of the selected negatives.
import {
  buildWordNetCorpus,
  DEFAULT_PROMPT_TEMPLATES,
  diagnoseFalseNegatives,
  idLabelPrompts,
  knnDensityPreset,
  loadWordNetDatabase,
  selectionStrategy,
  type CandidateCorpus,
  type FalseNegativeDiagnosis,
  type SelectionResult,
  type WordNetDatabase,
} from '@negmine/mining';
import type { Db } from '../../db/prisma.service';
import { badInput } from '../../errors';
import { backboneId, libraryId, SelectionMethod, type Backbone } from '../common/enums';
import { toCorpusEntry, type StoredCorpusEntry } from './corpus-store';

export interface Matrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

export const WORDNET_SOURCE = 'wordnet';

export class MiningLibrary {
  private wordNetDatabase: WordNetDatabase | undefined;
  private wordNetCorpus: CandidateCorpus | undefined;

  wordNet(): { database: WordNetDatabase; corpus: CandidateCorpus } {
    this.wordNetDatabase ??= loadWordNetDatabase();
    this.wordNetCorpus ??= buildWordNetCorpus(this.wordNetDatabase);
    return { database: this.wordNetDatabase, corpus: this.wordNetCorpus };
  }

  /** The default WordNet corpus, stored once (its content hash is its identity). */
  async ensureWordNetCorpus(db: Db): Promise<{ id: string }> {
    const { corpus } = this.wordNet();
    const existing = await db.corpus.findUnique({ where: { versionHash: corpus.contentHash }, select: { id: true } });
    if (existing !== null) return existing;
    const entries: StoredCorpusEntry[] = corpus.entries.map((e) => ({
      word: e.word,
      pos: e.pos,
      lexname: e.lexname ?? null,
      synsetOffset: e.synsetOffset ?? null,
      promptRole: e.promptRole,
    }));
    return db.corpus.upsert({
      where: { versionHash: corpus.contentHash },
      create: {
        versionHash: corpus.contentHash,
        source: WORDNET_SOURCE,
        options: { templates: { noun: [...corpus.templates.noun], adj: [...corpus.templates.adj] }, provenance: corpus.provenance } as never,
        entryCount: entries.length,
        entries: entries as never,
      },
      update: {},
      select: { id: true },
    });
  }

  /** The prompts of each entry of a stored WordNet corpus (entry i owns prompts[start[i]..start[i+1])). */
  wordNetPrompts(versionHash: string): { prompts: readonly string[]; promptStart: Int32Array } {
    const { corpus } = this.wordNet();
    if (corpus.contentHash !== versionHash) {
      throw new Error(`the stored WordNet corpus ${versionHash} differs from the one this version builds (${corpus.contentHash})`);
    }
    return { prompts: corpus.prompts, promptStart: corpus.promptStart };
  }

  /** The prompts of ID labels, label-major (label i owns [i·T, (i+1)·T) for T templates). */
  labelPrompts(labels: readonly string[], templates: readonly string[]): string[] {
    return idLabelPrompts(labels, { ...DEFAULT_PROMPT_TEMPLATES, id: templates });
  }

  /** Strategy defaults, then the backbone's preset (knn-density), then the caller's overrides; unknown keys are refused. */
  resolveSelectionParams(method: SelectionMethod, backbone: Backbone | null, overrides: Record<string, unknown>): Record<string, unknown> {
    const strategy = selectionStrategy(libraryId(method));
    const accepted = [...new Set([...Object.keys(strategy.defaults as object), 'blockRows', ...(method === SelectionMethod.neglabel ? ['nearDuplicateCosine'] : [])])];
    const unknown = Object.keys(overrides).filter((key) => !accepted.includes(key));
    if (unknown.length > 0) {
      throw badInput(`unknown ${libraryId(method)} parameters: ${unknown.join(', ')}; accepted: ${accepted.join(', ')}`, { unknown, accepted });
    }
    const preset: Record<string, unknown> = {};
    if (method === SelectionMethod.knn_density && backbone !== null) {
      const row = knnDensityPreset(backboneId(backbone));
      Object.assign(preset, { k: row.k, keepNoun: row.keepNoun, keepAdj: row.keepAdj });
    }
    return { ...(strategy.defaults as object), ...preset, ...overrides };
  }

  select(
    method: SelectionMethod,
    candidates: Matrix,
    partsOfSpeech: readonly ('noun' | 'adj')[],
    idEmbeddings: Matrix,
    params: Record<string, unknown>,
    threads: number,
  ): Promise<SelectionResult> {
    return selectionStrategy(libraryId(method)).select({ candidateEmbeddings: candidates, partsOfSpeech, idEmbeddings }, params, { threads });
  }

  /** Why selected negatives may be false negatives (WordNet relations for WordNet corpora, cosine always). */
  diagnose(
    entries: readonly StoredCorpusEntry[],
    source: string,
    selected: Int32Array,
    labels: readonly string[],
    candidates: Matrix,
    idEmbeddings: Matrix,
    threads: number,
  ): Promise<FalseNegativeDiagnosis[]> {
    return diagnoseFalseNegatives(
      {
        entries: entries.map(toCorpusEntry),
        idLabels: labels,
        ...(source === WORDNET_SOURCE ? { wordnet: this.wordNet().database } : {}),
        candidateEmbeddings: candidates,
        idEmbeddings,
        candidates: selected,
      },
      {},
      { threads },
    );
  }
}

/** The flag names stored with a negative label. */
export function flagNames(diagnosis: FalseNegativeDiagnosis): string[] {
  return Object.entries(diagnosis.flags)
    .filter(([, on]) => on)
    .map(([name]) => name);
}
