// `negmine select`: negative-label selection (knn-density | neglabel) from a corpus JSON and its
// raw text embeddings (.npy); writes the selected indices, in the method's order, as int64 .npy.
// Optional: the per-candidate statistic, and false-negative diagnostics against ID label names.
import { writeFileSync } from 'node:fs';
import { asFloat32Matrix, type NpyArray } from '@negmine/formats';
import {
  diagnoseFalseNegatives,
  isPartOfSpeech,
  isSelectionMethodId,
  knnDensityPreset,
  loadWordNetDatabase,
  SELECTION_METHOD_IDS,
  selectionStrategy,
  selectWithout,
  type CorpusEntry,
  type CustomCorpusItem,
  type EmbeddingMatrix,
  type FalseNegativeDiagnosis,
  type PartOfSpeech,
  type SelectionInput,
} from '@negmine/mining';
import {
  CliUsageError,
  numberOption,
  requiredString,
  stringOption,
  type CliCommand,
  type ParsedOptions,
} from '../command';
import { checkOutputFile, readJsonFile, readNpyFile, writeJson, writeNpyFile } from '../io';

/** A corpus file: a JSON array of {word, pos: 'noun'|'adj', lexname?}, parts of speech in any order. */
export function readCorpusFile(path: string): CustomCorpusItem[] {
  const parsed = readJsonFile(path);
  if (!Array.isArray(parsed))
    throw new CliUsageError(`${path} must hold a JSON array of {"word", "pos", "lexname"?} objects`);
  if (parsed.length === 0) throw new CliUsageError(`${path} holds an empty corpus; at least one candidate is needed`);
  return parsed.map((item: unknown, i) => {
    const record = item as Record<string, unknown> | null;
    if (record === null || typeof record !== 'object' || typeof record['word'] !== 'string' || record['word'] === '') {
      throw new CliUsageError(
        `${path}: item ${i} must be an object with a non-empty string "word"; got ${JSON.stringify(item)}`,
      );
    }
    if (!isPartOfSpeech(record['pos'])) {
      throw new CliUsageError(
        `${path}: item ${i} ("${record['word']}") has pos ${JSON.stringify(record['pos'])}; accepted: "noun", "adj"`,
      );
    }
    if (record['lexname'] !== undefined && typeof record['lexname'] !== 'string') {
      throw new CliUsageError(`${path}: item ${i} ("${record['word']}") has a non-string "lexname"`);
    }
    return {
      word: record['word'],
      pos: record['pos'],
      ...(typeof record['lexname'] === 'string' ? { lexname: record['lexname'] } : {}),
    };
  });
}

function readMatrix(path: string, flag: string): EmbeddingMatrix {
  const array: NpyArray = readNpyFile(path);
  try {
    return asFloat32Matrix(array, `--${flag} ${path}`);
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

function readLabels(path: string): string[] {
  const parsed = readJsonFile(path);
  if (!Array.isArray(parsed) || parsed.some((label) => typeof label !== 'string')) {
    throw new CliUsageError(`--id-labels ${path} must hold a JSON array of ID class names (strings)`);
  }
  return parsed as string[];
}

function choice<T extends string>(options: ParsedOptions, name: string, accepted: readonly T[]): T | undefined {
  const value = stringOption(options, name);
  if (value !== undefined && !(accepted as readonly string[]).includes(value)) {
    throw new CliUsageError(`--${name} must be one of ${accepted.join(', ')}; got '${value}'`);
  }
  return value as T | undefined;
}

/** Method parameters from the preset (knn-density only), then explicit flags on top. */
function methodParameters(method: string, options: ParsedOptions): Record<string, unknown> {
  const preset = stringOption(options, 'preset');
  const params: Record<string, unknown> = {};
  if (preset !== undefined) {
    if (method !== 'knn-density')
      throw new CliUsageError(`--preset applies to --method knn-density only; ${method} has fixed defaults`);
    const { k, keepNoun, keepAdj } = knnDensityPreset(preset);
    Object.assign(params, { k, keepNoun, keepAdj });
  }
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) params[key] = value;
  };
  set('keepNoun', numberOption(options, 'keep-noun'));
  set('keepAdj', numberOption(options, 'keep-adj'));
  set('precision', choice(options, 'precision', ['float32', 'float64'] as const));
  const methodOnly = (flag: string, owner: string): void => {
    if (options[flag] !== undefined && method !== owner)
      throw new CliUsageError(`--${flag} applies to --method ${owner} only`);
  };
  methodOnly('k', 'knn-density');
  methodOnly('distance', 'knn-density');
  methodOnly('quantile', 'neglabel');
  methodOnly('near-duplicate-cosine', 'neglabel');
  set('k', numberOption(options, 'k'));
  set('distance', choice(options, 'distance', ['official', 'cosine'] as const));
  set('quantile', numberOption(options, 'quantile'));
  set('nearDuplicateCosine', numberOption(options, 'near-duplicate-cosine'));
  return params;
}

export const selectCommand: CliCommand = {
  name: 'select',
  summary: 'select negative labels (knn-density | neglabel) from corpus embeddings; writes indices as int64 .npy',
  options: [
    {
      name: 'method',
      type: 'string',
      value: SELECTION_METHOD_IDS.join('|'),
      required: true,
      description: 'selection strategy',
    },
    {
      name: 'corpus',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'corpus JSON [{"word","pos","lexname"?}] (e.g. from negmine corpus)',
    },
    {
      name: 'corpus-emb',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'raw candidate text embeddings, float32/float64 .npy (N × d), rows in corpus order',
    },
    {
      name: 'id-emb',
      type: 'string',
      value: 'FILE',
      description: 'raw ID label text embeddings (K × d); needed by neglabel and the cosine diagnostics',
    },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      required: true,
      description: "selected candidate indices, int64 .npy, in the method's order",
    },
    {
      name: 'preset',
      type: 'string',
      value: 'BACKBONE',
      description: 'knn-density: k and keep fractions of a backbone (vit-b16, vit-b32, rn50, vit-l14-336)',
    },
    { name: 'k', type: 'string', value: 'N', description: 'knn-density: neighbours per candidate (default 100)' },
    {
      name: 'keep-noun',
      type: 'string',
      value: 'FRACTION',
      description: 'fraction of nouns kept, in (0, 1] (knn-density 0.23, neglabel 0.15)',
    },
    {
      name: 'keep-adj',
      type: 'string',
      value: 'FRACTION',
      description: 'fraction of adjectives kept, in (0, 1] (knn-density 0.13, neglabel 0.15)',
    },
    {
      name: 'distance',
      type: 'string',
      value: 'official|cosine',
      description: "knn-density: the official code's distance (default) or the corrected cosine one",
    },
    {
      name: 'quantile',
      type: 'string',
      value: 'Q',
      description: 'neglabel: quantile of the ID cosines (default 0.95)',
    },
    {
      name: 'near-duplicate-cosine',
      type: 'string',
      value: 'COS',
      description: "neglabel: CSP's rule, ψ = 1 above this largest ID cosine (CSP: 0.95)",
    },
    {
      name: 'precision',
      type: 'string',
      value: 'float32|float64',
      description: 'float64 reproduces the reference math exactly; float32 is faster (default)',
    },
    {
      name: 'statistic-out',
      type: 'string',
      value: 'FILE',
      description: 'also write the per-candidate statistic (float64 .npy, length N)',
    },
    {
      name: 'id-labels',
      type: 'string',
      value: 'FILE',
      description: 'ID class names (JSON array of strings), for false-negative diagnostics',
    },
    {
      name: 'diagnostics-out',
      type: 'string',
      value: 'FILE',
      description: 'write false-negative diagnostics of the selected negatives (JSON); needs --id-labels',
    },
    {
      name: 'exclude-flagged',
      type: 'boolean',
      description: 'remove candidates flagged as false negatives before selection; needs --id-labels',
    },
    {
      name: 'cosine-threshold',
      type: 'string',
      value: 'COS',
      description: 'diagnostics: flag a cosine to the nearest ID label above this (default 0.95)',
    },
    {
      name: 'threads',
      type: 'string',
      value: 'N',
      description: 'onnxruntime intra-op threads (default: one per core)',
    },
  ],
  async run(options, io) {
    const method = requiredString(options, 'method');
    if (!isSelectionMethodId(method))
      throw new CliUsageError(`--method must be one of ${SELECTION_METHOD_IDS.join(', ')}; got '${method}'`);
    const corpusPath = requiredString(options, 'corpus');
    const out = requiredString(options, 'out');
    const statisticOut = stringOption(options, 'statistic-out');
    const diagnosticsOut = stringOption(options, 'diagnostics-out');
    // Every output is checked before the selection runs, not found unwritable after it.
    checkOutputFile(out, 'out');
    if (statisticOut !== undefined) checkOutputFile(statisticOut, 'statistic-out');
    if (diagnosticsOut !== undefined) checkOutputFile(diagnosticsOut, 'diagnostics-out');
    const params = methodParameters(method, options);
    const items = readCorpusFile(corpusPath);
    const candidateEmbeddings = readMatrix(requiredString(options, 'corpus-emb'), 'corpus-emb');
    if (candidateEmbeddings.rows !== items.length) {
      throw new CliUsageError(
        `--corpus-emb has ${candidateEmbeddings.rows} rows but --corpus ${corpusPath} has ${items.length} candidates; give one embedding row per candidate`,
      );
    }
    const idEmbPath = stringOption(options, 'id-emb');
    const idEmbeddings = idEmbPath !== undefined ? readMatrix(idEmbPath, 'id-emb') : undefined;
    if (method === 'neglabel' && idEmbeddings === undefined)
      throw new CliUsageError('--method neglabel needs --id-emb (the ID label embeddings)');
    const threads = numberOption(options, 'threads');
    const kernel = threads !== undefined ? { threads } : {};
    const labelsPath = stringOption(options, 'id-labels');
    const excludeFlagged = options['exclude-flagged'] === true;
    if ((diagnosticsOut !== undefined || excludeFlagged) && labelsPath === undefined) {
      throw new CliUsageError('--diagnostics-out and --exclude-flagged need --id-labels (the ID class names)');
    }
    const cosineThreshold = numberOption(options, 'cosine-threshold');

    const entries: CorpusEntry[] = items.map((item) => ({
      word: item.word,
      pos: item.pos as PartOfSpeech,
      ...(item.lexname !== undefined ? { lexname: item.lexname } : {}),
      promptRole: item.pos === 'noun' ? 'noun' : 'adj',
    }));
    const input: SelectionInput = {
      candidateEmbeddings,
      partsOfSpeech: entries.map((e) => e.pos),
      ...(idEmbeddings !== undefined ? { idEmbeddings } : {}),
    };
    const diagnose =
      labelsPath === undefined
        ? undefined
        : makeDiagnoser(entries, readLabels(labelsPath), candidateEmbeddings, idEmbeddings, cosineThreshold, kernel);

    let excluded: number[] = [];
    if (excludeFlagged) excluded = (await diagnose!(undefined)).filter((d) => d.flagged).map((d) => d.candidate);
    const strategy = selectionStrategy(method);
    const result = await selectWithout(strategy, input, excluded, params, kernel);
    writeNpyFile(
      out,
      BigInt64Array.from(result.selectedIndices, (i) => BigInt(i)),
      [result.selectedIndices.length],
      'int64',
    );
    if (statisticOut !== undefined) writeNpyFile(statisticOut, result.statistic, [result.statistic.length], 'float64');
    let flaggedCount: number | undefined;
    if (diagnosticsOut !== undefined) {
      const diagnoses = await diagnose!(result.selectedIndices);
      flaggedCount = diagnoses.filter((d) => d.flagged).length;
      writeFileSync(diagnosticsOut, `${JSON.stringify(diagnoses.map((d, rank) => ({ rank, ...d })))}\n`);
    }
    writeJson(io.stdout, {
      method,
      candidates: items.length,
      selected: result.selectedIndices.length,
      keptCounts: result.keptCounts,
      statisticName: result.statisticName,
      parameters: result.parameters,
      excludedAsFalseNegatives: excluded.length,
      ...(flaggedCount !== undefined ? { flaggedSelected: flaggedCount } : {}),
      out,
    });
  },
};

function makeDiagnoser(
  entries: readonly CorpusEntry[],
  idLabels: readonly string[],
  candidateEmbeddings: EmbeddingMatrix,
  idEmbeddings: EmbeddingMatrix | undefined,
  cosineThreshold: number | undefined,
  kernel: { threads?: number },
): (candidates: ArrayLike<number> | undefined) => Promise<FalseNegativeDiagnosis[]> {
  if (idEmbeddings !== undefined && idEmbeddings.rows !== idLabels.length) {
    throw new CliUsageError(
      `--id-emb has ${idEmbeddings.rows} rows but --id-labels has ${idLabels.length} names; give one row per ID label`,
    );
  }
  const wordnet = loadWordNetDatabase();
  return (candidates) =>
    diagnoseFalseNegatives(
      {
        entries,
        idLabels,
        wordnet,
        ...(idEmbeddings !== undefined ? { candidateEmbeddings, idEmbeddings } : {}),
        ...(candidates !== undefined ? { candidates } : {}),
      },
      cosineThreshold !== undefined ? { cosineThreshold } : {},
      kernel,
    );
}
