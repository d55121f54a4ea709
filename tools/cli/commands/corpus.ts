// `negmine corpus`: writes the candidate pool (default: the paper's WordNet 3.1 pool) as
// `[{"word","pos","lexname"}]` JSON, optionally its prompts as a JSON array of strings for
// `negmine embed-text`; prints a summary (count, content hash, counts per lexicographer file).
import { writeFileSync } from 'node:fs';
import {
  buildCustomCorpus,
  buildWordNetCorpus,
  countEntriesByLexname,
  DEFAULT_PROMPT_TEMPLATES,
  loadWordNetDatabase,
  validateWordNetCorpusOptions,
  type CandidateCorpus,
  type ConjugationOptions,
  type PromptTemplates,
} from '@negmine/mining';
import {
  CliUsageError,
  numberOption,
  requiredString,
  stringOption,
  type CliCommand,
  type ParsedOptions,
} from '../command';
import { checkOutputFile, writeJson } from '../io';
import { readCorpusFile } from './select';

function listOption(options: ParsedOptions, name: string): string[] | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  return (Array.isArray(raw) ? raw : [String(raw)])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

function templatesOption(options: ParsedOptions): PromptTemplates {
  return {
    id: listOption(options, 'id-template') ?? DEFAULT_PROMPT_TEMPLATES.id,
    noun: listOption(options, 'noun-template') ?? DEFAULT_PROMPT_TEMPLATES.noun,
    adj: listOption(options, 'adj-template') ?? DEFAULT_PROMPT_TEMPLATES.adj,
  };
}

function conjugationOption(options: ParsedOptions): ConjugationOptions | undefined {
  const seed = numberOption(options, 'conjugate-seed');
  const superclasses = listOption(options, 'superclass');
  if (seed === undefined) {
    if (superclasses !== undefined)
      throw new CliUsageError('--superclass needs --conjugate-seed (CSP conjugation is off without a seed)');
    return undefined;
  }
  return superclasses === undefined ? { seed } : { seed, superclasses };
}

export const corpusCommand: CliCommand = {
  name: 'corpus',
  summary: "write the negative-label candidate pool (WordNet 3.1, the paper's default) as JSON",
  options: [
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'where to write [{"word","pos","lexname"}] JSON',
    },
    {
      name: 'prompts-out',
      type: 'string',
      value: 'FILE',
      description: "also write every entry's prompts (entry-major JSON array of strings), for embed-text",
    },
    {
      name: 'corpus',
      type: 'string',
      value: 'FILE',
      description: 'start from a custom [{"word","pos","lexname"?}] list instead of WordNet',
    },
    {
      name: 'lemmas',
      type: 'string',
      value: 'first|all',
      default: 'first',
      description: "WordNet: each synset's first lemma (the paper's lists) or every lemma",
    },
    {
      name: 'include',
      type: 'string',
      value: 'LEXNAME',
      multiple: true,
      description: 'WordNet lexicographer files to draw from (default: all noun and adj files)',
    },
    {
      name: 'exclude',
      type: 'string',
      value: 'LEXNAME',
      multiple: true,
      description:
        "files to leave out (default without --include: the paper's person, quantity, group, animal, food, adj.pert)",
    },
    {
      name: 'noun-template',
      type: 'string',
      value: 'TEXT',
      multiple: true,
      description: "noun prompt template with one '{}' (default: 'the nice {}')",
    },
    {
      name: 'adj-template',
      type: 'string',
      value: 'TEXT',
      multiple: true,
      description: "adjective prompt template (default: 'This is a {} photo')",
    },
    {
      name: 'id-template',
      type: 'string',
      value: 'TEXT',
      multiple: true,
      description: "ID label prompt template, recorded in the corpus hash (default: 'the nice {}')",
    },
    {
      name: 'conjugate-seed',
      type: 'string',
      value: 'N',
      description: "CSP: turn each adjective into '<adjective> <superclass>', superclass drawn with this seed",
    },
    {
      name: 'superclass',
      type: 'string',
      value: 'WORD',
      multiple: true,
      description: "CSP superclass words (default: CSP's 14)",
    },
  ],
  async run(options, io) {
    const out = requiredString(options, 'out');
    const promptsOut = stringOption(options, 'prompts-out');
    checkOutputFile(out, 'out');
    if (promptsOut !== undefined) checkOutputFile(promptsOut, 'prompts-out');
    const templates = templatesOption(options);
    const conjugation = conjugationOption(options);
    const customPath = stringOption(options, 'corpus');
    let corpus: CandidateCorpus;
    if (customPath !== undefined) {
      if (options['include'] !== undefined || options['exclude'] !== undefined)
        throw new CliUsageError('--include/--exclude select WordNet files; they do not apply with --corpus');
      corpus = buildCustomCorpus(readCorpusFile(customPath), {
        templates,
        ...(conjugation !== undefined ? { conjugation } : {}),
      });
    } else {
      const lemmas = stringOption(options, 'lemmas');
      if (lemmas !== 'first' && lemmas !== 'all')
        throw new CliUsageError(`--lemmas must be 'first' or 'all'; got '${String(lemmas)}'`);
      const include = listOption(options, 'include');
      const exclude = listOption(options, 'exclude');
      const wordNetOptions = {
        lemmas,
        templates,
        ...(include !== undefined ? { includeLexnames: include } : {}),
        ...(exclude !== undefined ? { excludeLexnames: exclude } : {}),
        ...(conjugation !== undefined ? { conjugation } : {}),
      } as const;
      // Bad lexicographer files or templates fail before WordNet is read and parsed (about a second).
      validateWordNetCorpusOptions(wordNetOptions);
      corpus = buildWordNetCorpus(loadWordNetDatabase(), wordNetOptions);
    }
    writeFileSync(
      out,
      `${JSON.stringify(corpus.entries.map((e) => ({ word: e.word, pos: e.pos, ...(e.lexname !== undefined ? { lexname: e.lexname } : {}) })))}\n`,
    );
    if (promptsOut !== undefined) writeFileSync(promptsOut, `${JSON.stringify(corpus.prompts)}\n`);
    const promptsPerEntry = new Set(corpus.entries.map((_, i) => corpus.promptStart[i + 1]! - corpus.promptStart[i]!));
    writeJson(io.stdout, {
      count: corpus.entries.length,
      nouns: corpus.entries.filter((e) => e.pos === 'noun').length,
      adjectives: corpus.entries.filter((e) => e.pos === 'adj').length,
      contentHash: corpus.contentHash,
      prompts: corpus.prompts.length,
      promptsPerEntry: promptsPerEntry.size === 1 ? [...promptsPerEntry][0] : [...promptsPerEntry].sort(),
      countsByLexname: countEntriesByLexname(corpus),
      provenance: corpus.provenance,
      out,
      ...(promptsOut !== undefined ? { promptsOut } : {}),
    });
  },
};
