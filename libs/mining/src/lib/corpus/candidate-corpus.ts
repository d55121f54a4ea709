// The candidate corpus every selection runs on: entries (word, part of speech, WordNet origin),
// prompt templates per role, the prompts of each entry and a stable content hash that callers key
// embedding caches by. Public types and the one constructor every corpus builder goes through.
import { MiningError, MiningErrorCode } from '../errors';
import { sha256HexOfText } from '../hash/sha256';
import type { PartOfSpeech } from './part-of-speech';

export interface CorpusEntry {
  /** The candidate label as it goes into prompts. */
  readonly word: string;
  readonly pos: PartOfSpeech;
  /** WordNet lexicographer file, e.g. 'noun.artifact', 'adj.all'; absent for custom words. */
  readonly lexname?: string;
  /** Byte offset of the synset in data.noun / data.adj (WordNet 3.1); absent for custom words. */
  readonly synsetOffset?: number;
  /** Which templates render it: nouns and CSP's conjugated adjectives use 'noun', plain adjectives 'adj'. */
  readonly promptRole: 'noun' | 'adj';
  /** CSP conjugation: the adjective and the superclass word that were joined into `word`. */
  readonly conjugatedFrom?: { readonly adjective: string; readonly superclass: string };
}

/** Prompt templates per role; `{}` is replaced by the word. Several per role are averaged by the caller. */
export interface PromptTemplates {
  readonly id: readonly string[];
  readonly noun: readonly string[];
  readonly adj: readonly string[];
}

/** The paper's templates: ID labels and nouns `the nice {}`, adjectives `This is a {} photo`. */
export const DEFAULT_PROMPT_TEMPLATES: PromptTemplates = {
  id: ['the nice {}'],
  noun: ['the nice {}'],
  adj: ['This is a {} photo'],
};

export interface CandidateCorpus {
  readonly entries: readonly CorpusEntry[];
  readonly templates: PromptTemplates;
  /** Every entry's prompts, entry-major: entry i owns prompts[promptStart[i] .. promptStart[i + 1]). */
  readonly prompts: readonly string[];
  /** Length entries + 1. */
  readonly promptStart: Int32Array;
  /** sha256 (hex) of the entries and templates; equal corpora have equal hashes. */
  readonly contentHash: string;
  /** How the corpus was made (source and resolved options), for provenance. */
  readonly provenance: Readonly<Record<string, unknown>>;
}

export function validatePromptTemplates(templates: PromptTemplates): void {
  for (const role of ['id', 'noun', 'adj'] as const) {
    const list = templates[role];
    if (!Array.isArray(list) || list.length === 0) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `prompt templates for '${role}' must be a non-empty list of strings containing '{}'`,
        { role },
      );
    }
    for (const template of list) {
      if (typeof template !== 'string' || template.split('{}').length !== 2) {
        throw new MiningError(
          MiningErrorCode.InvalidParameter,
          `prompt template ${JSON.stringify(template)} for '${role}' must contain exactly one '{}' where the word goes`,
          { role, template },
        );
      }
    }
  }
}

export function renderPrompt(template: string, word: string): string {
  return template.replace('{}', () => word);
}

/** The prompts of ID labels (label-major: label i owns prompts [i·T, (i+1)·T) for T id templates). */
export function idLabelPrompts(
  labels: readonly string[],
  templates: PromptTemplates = DEFAULT_PROMPT_TEMPLATES,
): string[] {
  validatePromptTemplates(templates);
  return labels.flatMap((label) => templates.id.map((template) => renderPrompt(template, label)));
}

/**
 * Builds the corpus object from entries already deduplicated and ordered. The hash covers a
 * canonical JSON of the entries' (word, pos, lexname, synsetOffset, promptRole) and the templates,
 * not the provenance, so the same pool reached by different options hashes the same.
 */
export function assembleCorpus(
  entries: readonly CorpusEntry[],
  templates: PromptTemplates,
  provenance: Record<string, unknown>,
): CandidateCorpus {
  if (entries.length === 0) {
    throw new MiningError(
      MiningErrorCode.EmptyCorpus,
      'the candidate corpus is empty: the chosen lexicographer files or custom list gave no words',
      provenance,
    );
  }
  validatePromptTemplates(templates);
  const prompts: string[] = [];
  const promptStart = new Int32Array(entries.length + 1);
  entries.forEach((entry, i) => {
    promptStart[i] = prompts.length;
    for (const template of templates[entry.promptRole]) prompts.push(renderPrompt(template, entry.word));
  });
  promptStart[entries.length] = prompts.length;
  const canonical = JSON.stringify({
    format: 'negmine-corpus-v1',
    entries: entries.map((e) => [e.word, e.pos, e.lexname ?? null, e.synsetOffset ?? null, e.promptRole]),
    templates: { id: templates.id, noun: templates.noun, adj: templates.adj },
  });
  return { entries, templates, prompts, promptStart, contentHash: sha256HexOfText(canonical), provenance };
}

/** Entry count per lexicographer file (custom words count under '(custom)'), sorted by name. */
export function countEntriesByLexname(corpus: CandidateCorpus): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of corpus.entries) {
    const name = entry.lexname ?? '(custom)';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
