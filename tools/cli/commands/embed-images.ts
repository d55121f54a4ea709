// `negmine embed-images`: embeds image files (folders are walked) with a CLIP model folder's vision
// tower; rows in sorted path order, plus <out>.files.json with the row order and the failures.
// Decoding and preprocessing run on worker threads (one per core) while batches run on onnxruntime.
import { readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_GPU_IMAGE_BATCH_SIZE,
  DEFAULT_IMAGE_BATCH_SIZE,
  DEFAULT_PREFETCH_BATCHES,
  EXECUTION_PROVIDERS,
  defaultPreprocessThreads,
  loadClipModel,
} from '@negmine/encoders';
import {
  CliUsageError,
  numberOption,
  positiveIntegerOption,
  requiredString,
  stringOption,
  type CliCommand,
  type OptionSpec,
  type ParsedOptions,
} from '../command';
import { checkOutputFile, writeJson, writeNpyFile } from '../io';
import { progressBar } from './embed-progress';
import { MODEL_LOAD_OPTIONS, modelLoadOptions } from './embed-text';

export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
];

function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/**
 * Image datasets are often trees of symlinks, so links are followed (a Dirent alone would call them
 * neither file nor folder and drop them silently); `visited` holds real folder paths, so a link
 * cycle is walked once. A dangling link with an image name is kept: it is reported as a failure.
 */
function walk(dir: string, into: string[], visited: Set<string>): void {
  const real = realpathSync(dir);
  if (visited.has(real)) return;
  visited.add(real);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    let target: { isDirectory(): boolean; isFile(): boolean } = entry;
    if (entry.isSymbolicLink()) {
      try {
        target = statSync(full);
      } catch {
        if (isImageName(entry.name)) into.push(full);
        continue;
      }
    }
    if (target.isDirectory()) walk(full, into, visited);
    else if (target.isFile() && isImageName(entry.name)) into.push(full);
  }
}

/** Files named directly (any extension) plus image files under folders; sorted, without duplicates. */
export function collectImagePaths(inputs: readonly string[]): string[] {
  const found: string[] = [];
  const visited = new Set<string>();
  for (const input of inputs) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(input).isDirectory();
    } catch {
      throw new CliUsageError(`--in ${input}: no such file or folder`);
    }
    if (isDirectory) walk(input, found, visited);
    else found.push(input);
  }
  return [...new Set(found)].sort();
}

/** `emb.npy` -> `emb.files.json`; other names get `.files.json` appended. */
export function filesJsonPath(out: string): string {
  return `${out.endsWith('.npy') ? out.slice(0, -4) : out}.files.json`;
}

/** Environment variable that selects the execution provider when --execution-provider is not given. */
export const EXECUTION_PROVIDER_ENV = 'NEGMINE_EXECUTION_PROVIDER';

/** The shared model options, with the provider defaulting to NEGMINE_EXECUTION_PROVIDER, then cpu. */
const IMAGE_MODEL_LOAD_OPTIONS: readonly OptionSpec[] = MODEL_LOAD_OPTIONS.map((option) =>
  option.name === 'execution-provider'
    ? {
        name: option.name,
        type: option.type,
        value: EXECUTION_PROVIDERS.join('|'),
        description: `onnxruntime execution provider (default: $${EXECUTION_PROVIDER_ENV}, else cpu); cuda only where the installed onnxruntime-node has it`,
      }
    : option,
);

/** --execution-provider, else the environment variable, else cpu; checked by modelLoadOptions. */
export function withExecutionProvider(options: ParsedOptions, env: NodeJS.ProcessEnv): ParsedOptions {
  if (options['execution-provider'] !== undefined) return options;
  const fromEnv = env[EXECUTION_PROVIDER_ENV];
  if (fromEnv === undefined || fromEnv === '') return { ...options, 'execution-provider': 'cpu' };
  if (!(EXECUTION_PROVIDERS as readonly string[]).includes(fromEnv)) {
    throw new CliUsageError(
      `${EXECUTION_PROVIDER_ENV} must be one of ${EXECUTION_PROVIDERS.join(', ')}; got '${fromEnv}'`,
    );
  }
  return { ...options, 'execution-provider': fromEnv };
}

/** Every input failed: an empty embeddings file would pass for a result, so nothing is written. */
class NoDecodableImagesError extends Error {
  override readonly name = 'NoDecodableImagesError';
  readonly code = 'NO_DECODABLE_IMAGES';

  constructor(failures: readonly { readonly path: string; readonly code: string }[]) {
    const listed = failures
      .slice(0, 3)
      .map((failure) => `${path.basename(failure.path).slice(0, 80)} (${failure.code})`)
      .join(', ');
    super(
      `none of the ${failures.length} image files could be decoded and preprocessed: ${listed}${failures.length > 3 ? ', …' : ''}; accepted: files that decode as JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF`,
    );
  }
}

function preprocessThreadsOption(options: ParsedOptions): number | undefined {
  const threads = numberOption(options, 'preprocess-threads');
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0)) {
    throw new CliUsageError(
      `--preprocess-threads must be an integer >= 0 (0 = decode on the main thread); got ${threads}`,
    );
  }
  return threads;
}

function prefetchOption(options: ParsedOptions): number | undefined {
  const prefetch = numberOption(options, 'prefetch-batches');
  if (prefetch !== undefined && (!Number.isInteger(prefetch) || prefetch < 0))
    throw new CliUsageError(`--prefetch-batches must be an integer >= 0; got ${prefetch}`);
  return prefetch;
}

export const embedImagesCommand: CliCommand = {
  name: 'embed-images',
  summary: 'embed image files/folders with a CLIP model folder (vision tower) into a float32 .npy + .files.json',
  positionalsTo: 'in',
  options: [
    {
      name: 'model',
      type: 'string',
      value: 'DIR',
      required: true,
      description: 'Hugging Face-layout CLIP ONNX folder',
    },
    {
      name: 'in',
      type: 'string',
      value: 'FOLDER|FILE',
      required: true,
      multiple: true,
      description: `image files or folders (walked for ${IMAGE_EXTENSIONS.join(' ')}); every argument without a flag is one too`,
    },
    {
      name: 'out',
      type: 'string',
      value: 'FILE.npy',
      required: true,
      description: 'float32 [n, dim] output, rows in sorted path order',
    },
    {
      name: 'batch-size',
      type: 'string',
      value: 'N',
      description: `images per ONNX run (default: ${DEFAULT_IMAGE_BATCH_SIZE} on cpu, ${DEFAULT_GPU_IMAGE_BATCH_SIZE} on cuda)`,
    },
    {
      name: 'preprocess-threads',
      type: 'string',
      value: 'N',
      description: `worker threads decoding and preprocessing images (default: one per core, here ${defaultPreprocessThreads()}; 0: the main thread)`,
    },
    {
      name: 'prefetch-batches',
      type: 'string',
      value: 'N',
      default: String(DEFAULT_PREFETCH_BATCHES),
      description: 'batches preprocessed ahead of the one running (bounds memory)',
    },
    {
      name: 'decode-concurrency',
      type: 'string',
      value: 'N',
      default: '4',
      description: 'images decoded at the same time with --preprocess-threads 0',
    },
    ...IMAGE_MODEL_LOAD_OPTIONS,
    { name: 'normalize', type: 'boolean', description: 'L2-normalise rows (default: raw image_embeds)' },
  ],
  async run(parsed, io) {
    const options = withExecutionProvider(parsed, process.env);
    const inputs = options['in'];
    const files = collectImagePaths(Array.isArray(inputs) ? inputs : [requiredString(options, 'in')]);
    if (files.length === 0)
      throw new CliUsageError(
        `no image files found in ${JSON.stringify(inputs)} (accepted extensions: ${IMAGE_EXTENSIONS.join(' ')})`,
      );
    const out = requiredString(options, 'out');
    checkOutputFile(out, 'out');
    checkOutputFile(filesJsonPath(out), 'out');
    const batchSize = positiveIntegerOption(options, 'batch-size');
    const decodeConcurrency = positiveIntegerOption(options, 'decode-concurrency');
    const preprocessThreads = preprocessThreadsOption(options);
    const prefetchBatches = prefetchOption(options);
    const model = await loadClipModel(requiredString(options, 'model'), {
      towers: 'vision',
      ...modelLoadOptions(options),
      ...(preprocessThreads === undefined ? {} : { preprocessThreads }),
      ...(batchSize === undefined ? {} : { imageBatchSize: batchSize }),
    });
    try {
      const bar = progressBar(io, 'images');
      const started = performance.now();
      const result = await model.image!.encodeFiles(files, {
        normalize: options['normalize'] === true,
        onProgress: (done, total) => bar.update(done, total),
        ...(decodeConcurrency === undefined ? {} : { decodeConcurrency }),
        ...(prefetchBatches === undefined ? {} : { prefetchBatches }),
      });
      const seconds = (performance.now() - started) / 1000;
      bar.finish();
      if (result.files.length === 0) throw new NoDecodableImagesError(result.failures);
      writeNpyFile(out, result.embeddings, [result.files.length, result.embeddingDim], 'float32');
      const listing = filesJsonPath(out);
      writeFileSync(
        listing,
        `${JSON.stringify({ modelHash: model.contentHash, dim: result.embeddingDim, files: result.files, failures: result.failures }, null, 2)}\n`,
      );
      writeJson(io.stdout, {
        out,
        files: listing,
        rows: result.files.length,
        failed: result.failures.length,
        dim: result.embeddingDim,
        modelHash: model.contentHash,
        executionProvider: stringOption(options, 'execution-provider'),
        preprocessThreads: model.image!.preprocessThreadCount,
        imagesPerSecond: seconds > 0 ? files.length / seconds : null,
      });
    } finally {
      await model.dispose();
    }
  },
};
