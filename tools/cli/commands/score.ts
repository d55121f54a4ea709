// `negmine score`: per-image OOD scores (higher = more in-distribution) of image embeddings against
// ID and negative label embeddings (.npy in, float64 .npy out, a JSON summary on stdout). Also
// exports the method-option parsing that `negmine evaluate` shares.
import type { NpyArray } from '@negmine/formats';
import {
  debiasedPreset,
  MiningError,
  scoringMethod,
  SCORING_METHOD_IDS,
  SCORING_PRESET_IDS,
  resolveTestTimeInputs,
  type EmbeddingMatrix,
  type MethodInputs,
  type OodScoreMethod,
  type ParameterValue,
  type ScoringOptions,
} from '@negmine/mining';
import {
  CliUsageError,
  numberOption,
  requiredString,
  stringOption,
  type CliCommand,
  type OptionSpec,
  type ParsedOptions,
} from '../command';
import { checkOutputFile, readNpyFile, writeJson, writeNpyFile } from '../io';

/** Options shared by `score` and `evaluate`: which method, its hyperparameters and how to run it. */
export const METHOD_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'method',
    type: 'string',
    value: 'ID',
    required: true,
    description: `scoring method: ${SCORING_METHOD_IDS.join(' | ')}`,
  },
  {
    name: 'id-emb',
    type: 'string',
    value: 'FILE',
    required: true,
    description: 'ID label text embeddings, K × d float32/float64 .npy (raw)',
  },
  {
    name: 'neg-emb',
    type: 'string',
    value: 'FILE',
    description: 'selected negative label embeddings, N × d .npy (raw), in selection order; not used by mcm',
  },
  {
    name: 'preset',
    type: 'string',
    value: 'NAME',
    description: `debiased hyperparameter preset: ${SCORING_PRESET_IDS.join(' | ')}; explicit flags override it`,
  },
  {
    name: 'temperature',
    type: 'string',
    value: 'T',
    description: 'softmax temperature T > 0 (method default: mcm 1, others 0.01)',
  },
  {
    name: 'groups',
    type: 'string',
    value: 'G',
    description: 'negative groups G, an integer in [1, N] (default 100; adaneg 5)',
  },
  { name: 'tau', type: 'string', value: 'TAU', description: 'debiased: class prior tau in (0, 1] (default 0.5)' },
  {
    name: 'guard',
    type: 'string',
    value: 'clamp|estimate|none',
    description:
      "debiased: 'clamp' (default) guards Z_j ≤ 0; 'estimate' clamps g_j at exp(−1/T); 'none' is the official arithmetic",
  },
  {
    name: 'permutation',
    type: 'string',
    value: 'FILE',
    description: 'int64 .npy of length N − (N mod G): grouped row i is negative p[i] (replaces --seed)',
  },
  {
    name: 'seed',
    type: 'string',
    value: 'S',
    description: 'seed of the random grouping, an integer in [0, 2^32) (default 0)',
  },
  {
    name: 'permutations',
    type: 'string',
    value: 'P',
    description: 'score under P seeded groupings (seeds S..S+P−1): mean, plus std (default 1)',
  },
  {
    name: 'param',
    type: 'string',
    value: 'NAME=VALUE',
    multiple: true,
    description: 'any other method parameter, e.g. memoryLength=10 for adaneg',
  },
  {
    name: 'precision',
    type: 'string',
    value: 'float32|float64',
    default: 'float32',
    description: 'float32 products (fast, 1e-4) or float64 math (1e-9)',
  },
  {
    name: 'chunk-rows',
    type: 'string',
    value: 'ROWS',
    description: 'images per kernel call (memory bound; default 256)',
  },
  {
    name: 'threads',
    type: 'string',
    value: 'N',
    description: 'onnxruntime intra-op threads (default 0 = one per core)',
  },
];

/** The extra inputs of TANL (`--method tanl`), shared by score, evaluate and sweep. */
export const TANL_INPUT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'corpus-emb',
    type: 'string',
    value: 'FILE',
    description: 'tanl: the whole candidate corpus embeddings, N × d .npy (raw)',
  },
  {
    name: 'noise-emb',
    type: 'string',
    value: 'FILE',
    description: 'tanl: the 15 noise-image embeddings, 15 × d .npy (raw)',
  },
  {
    name: 'pos-init-order',
    type: 'string',
    value: 'FILE',
    description:
      'tanl: int64 .npy permutation of 0..K−1 filling the positive queue at reset (default: drawn from the stream seed)',
  },
  {
    name: 'noise-init-order',
    type: 'string',
    value: 'FILE',
    description:
      'tanl: int64 .npy permutation of the noise images filling the negative queue at reset (default: drawn from the stream seed)',
  },
];

/** TANL's inputs from their flags (absent flags stay undefined: the library names what is missing). */
export function readMethodInputs(options: ParsedOptions): MethodInputs {
  const corpus = stringOption(options, 'corpus-emb');
  const noise = stringOption(options, 'noise-emb');
  const positiveOrder = stringOption(options, 'pos-init-order');
  const noiseOrder = stringOption(options, 'noise-init-order');
  return {
    corpusText: corpus === undefined ? undefined : readEmbeddingFile(corpus, 'corpus-emb'),
    noiseImages: noise === undefined ? undefined : readEmbeddingFile(noise, 'noise-emb'),
    positiveInitOrder: positiveOrder === undefined ? undefined : readIndexFile(positiveOrder, 'pos-init-order'),
    noiseInitOrder: noiseOrder === undefined ? undefined : readIndexFile(noiseOrder, 'noise-init-order'),
  };
}

/** An embedding matrix from a 2-D float32/float64 .npy file. */
export function readEmbeddingFile(file: string, flag: string): EmbeddingMatrix {
  const array: NpyArray = readNpyFile(file);
  if (array.dtype !== 'float32' && array.dtype !== 'float64') {
    throw new CliUsageError(`--${flag} ${file}: embeddings must be float32 or float64; got ${array.dtype}`);
  }
  if (array.shape.length !== 2 || array.shape[0] === 0 || array.shape[1] === 0) {
    throw new CliUsageError(
      `--${flag} ${file}: embeddings must be a non-empty 2-D array (rows × d); got shape [${array.shape.join(', ')}]`,
    );
  }
  return { data: array.data as Float32Array | Float64Array, rows: array.shape[0]!, cols: array.shape[1]! };
}

/** A 1-D int64 (or int32) .npy of indices (a permutation or an order); `flag` names it in errors. */
export function readIndexFile(file: string, flag: string): BigInt64Array | Int32Array {
  const array = readNpyFile(file);
  if ((array.dtype !== 'int64' && array.dtype !== 'int32') || array.shape.length !== 1) {
    throw new CliUsageError(
      `--${flag} ${file}: must be a 1-D int64 (or int32) .npy; got ${array.dtype} of shape [${array.shape.join(', ')}]`,
    );
  }
  return array.data as BigInt64Array | Int32Array;
}

function integerOption(options: ParsedOptions, name: string): number | undefined {
  const value = numberOption(options, name);
  if (value !== undefined && !Number.isInteger(value))
    throw new CliUsageError(`--${name} must be an integer; got ${value}`);
  return value;
}

export interface MethodSelection {
  readonly method: OodScoreMethod;
  readonly params: Record<string, ParameterValue>;
  readonly run: ScoringOptions;
  readonly idText: EmbeddingMatrix;
  readonly negText: EmbeddingMatrix | undefined;
}

/** Reads the method, its parameters (preset, then flags), run options and label embeddings. */
export function readMethodSelection(options: ParsedOptions): MethodSelection {
  const methodId = requiredString(options, 'method');
  const method = wrapMining(() => scoringMethod(methodId));
  const params: Record<string, ParameterValue> = {};
  const presetName = stringOption(options, 'preset');
  if (presetName !== undefined) {
    const preset = wrapMining(() => debiasedPreset(presetName));
    if (preset.method !== method.id)
      throw new CliUsageError(
        `--preset ${presetName} is a ${preset.method} preset; it cannot configure --method ${method.id}`,
      );
    Object.assign(params, preset.params);
  }
  for (const name of ['temperature', 'tau'] as const) {
    const value = numberOption(options, name);
    if (value !== undefined) params[name] = value;
  }
  for (const name of ['groups', 'seed', 'permutations'] as const) {
    const value = integerOption(options, name);
    if (value !== undefined) params[name] = value;
  }
  const guard = stringOption(options, 'guard');
  if (guard !== undefined) params['guard'] = guard;
  for (const entry of (options['param'] as string[] | undefined) ?? []) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(entry);
    if (match === null) throw new CliUsageError(`--param takes NAME=VALUE; got '${entry}'`);
    const raw = match[2]!;
    const asNumber = Number(raw);
    params[match[1]!] = raw.trim() !== '' && Number.isFinite(asNumber) ? asNumber : raw;
  }
  // Reject unknown or out-of-range parameters before any file is read.
  wrapMining(() => method.resolveParams(params));
  const permutationFile = stringOption(options, 'permutation');
  if (permutationFile !== undefined && (params['seed'] !== undefined || method.negatives === 'unused')) {
    throw new CliUsageError(
      method.negatives === 'unused'
        ? `--permutation has no meaning for ${method.id}, which uses no negatives`
        : '--permutation and --seed are exclusive: give one',
    );
  }
  const precision = stringOption(options, 'precision') ?? 'float32';
  if (precision !== 'float32' && precision !== 'float64')
    throw new CliUsageError(`--precision must be float32 or float64; got '${precision}'`);
  const run: ScoringOptions = {
    precision,
    permutation: permutationFile === undefined ? undefined : readIndexFile(permutationFile, 'permutation'),
    chunkRows: integerOption(options, 'chunk-rows'),
    threads: integerOption(options, 'threads'),
  };
  const idText = readEmbeddingFile(requiredString(options, 'id-emb'), 'id-emb');
  const negFile = stringOption(options, 'neg-emb');
  if (negFile === undefined && method.negatives === 'required')
    throw new CliUsageError(`--method ${method.id} needs --neg-emb (the selected negative label embeddings)`);
  const negText =
    negFile === undefined || method.negatives === 'unused' ? undefined : readEmbeddingFile(negFile, 'neg-emb');
  return { method, params, run, idText, negText };
}

/** Library errors keep their code ([CODE] message, exit 2); anything else propagates. */
export function wrapMining<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof MiningError) throw new CliUsageError(`[${error.code}] ${error.message}`);
    throw error;
  }
}

export async function wrapMiningAsync<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MiningError) throw new CliUsageError(`[${error.code}] ${error.message}`);
    throw error;
  }
}

/** `<out>` without a trailing `.npy`, plus `.std.npy`: scores.npy → scores.std.npy. */
export function stdPathFor(out: string): string {
  return `${out.replace(/\.npy$/i, '')}.std.npy`;
}

export const scoreCommand: CliCommand = {
  name: 'score',
  summary: `per-image OOD scores (higher = more ID) of image embeddings with ${SCORING_METHOD_IDS.join(' | ')}`,
  options: [
    {
      name: 'images',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'image embeddings, M × d float32/float64 .npy (raw); adaneg reads them as a stream in this order',
    },
    ...METHOD_OPTIONS,
    ...TANL_INPUT_OPTIONS,
    {
      name: 'stream-seed',
      type: 'string',
      value: 'S',
      description: 'tanl: seed of the queue-initialisation orders not given (default 0)',
    },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'float64 scores .npy (M); with --permutations > 1 also <out>.std.npy (scores.npy → scores.std.npy)',
    },
  ],
  async run(options, io) {
    const out = requiredString(options, 'out');
    // Checked before scoring, not found unwritable after it (<out>.std.npy goes to the same folder).
    checkOutputFile(out, 'out');
    const images = readEmbeddingFile(requiredString(options, 'images'), 'images');
    const selection = readMethodSelection(options);
    const seed = numberOption(options, 'stream-seed') ?? 0;
    const result = await wrapMiningAsync(async () => {
      const inputs =
        selection.method.extraInputs.length > 0
          ? resolveTestTimeInputs(selection.method, selection.idText, readMethodInputs(options), seed).inputs
          : undefined;
      return selection.method.score(
        images,
        selection.idText,
        selection.negText,
        selection.params,
        selection.run,
        inputs,
      );
    });
    writeNpyFile(out, result.scores, [result.scores.length], 'float64');
    let stdOut: string | undefined;
    if (result.std !== undefined) {
      stdOut = stdPathFor(out);
      writeNpyFile(stdOut, result.std, [result.std.length], 'float64');
    }
    for (const warning of result.warnings) io.stderr.write(`warning [${warning.code}]: ${warning.message}\n`);
    writeJson(io.stdout, {
      method: result.method,
      images: result.scores.length,
      params: result.params,
      precision: result.precision,
      grouping: result.grouping,
      guardHits: result.guardHits,
      warnings: result.warnings,
      diagnostics: result.diagnostics,
      out,
      stdOut,
    });
  },
};
