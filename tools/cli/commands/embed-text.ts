// `negmine embed-text`: embeds strings (one per line, or a JSON array) with a CLIP model folder's text
// tower into a float32 .npy whose rows follow the input order. A thin shell over @negmine/encoders.
import { readFileSync } from 'node:fs';
import {
  EXECUTION_PROVIDERS,
  loadClipModel,
  MODEL_VARIANTS,
  type ExecutionProvider,
  type LoadClipModelOptions,
  type ModelVariant,
  type TokenizerCleanup,
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

/** Strings of a .json file (an array of strings) or of a text file (one per line, kept exactly). */
export function readTextInputs(file: string): string[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  // A UTF-8 byte-order mark (editors on Windows write one) marks the encoding, not the first string:
  // kept, it would make JSON.parse fail and change the first line's tokens.
  if (content.startsWith('\uFEFF')) content = content.slice(1);
  if (file.toLowerCase().endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      throw new CliUsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new CliUsageError(`${file} must hold a JSON array of strings`);
    parsed.forEach((value, i) => {
      if (typeof value !== 'string')
        throw new CliUsageError(`${file}: item ${i} is ${JSON.stringify(value)}; every item must be a string`);
    });
    return parsed as string[];
  }
  // A final newline ends the last line; it does not start an empty one. CRLF files are accepted.
  const lines = content.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function applyTemplate(texts: readonly string[], template: string | undefined): string[] {
  if (template === undefined) return [...texts];
  const slot = template.indexOf('{}');
  if (slot < 0 || template.indexOf('{}', slot + 1) >= 0) {
    throw new CliUsageError(
      `--template must contain exactly one '{}' where each string goes, e.g. "a photo of a {}."; got '${template}'`,
    );
  }
  return texts.map((t) => template.slice(0, slot) + t + template.slice(slot + 2));
}

/** How the embed commands load the model: the same flags for the text and the image tower. */
export const MODEL_LOAD_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'threads',
    type: 'string',
    value: 'N',
    description: 'onnxruntime intra-op threads (default: onnxruntime decides)',
  },
  {
    name: 'variant',
    type: 'string',
    value: MODEL_VARIANTS.join('|'),
    default: 'fp32',
    description: 'which ONNX files to load',
  },
  {
    name: 'execution-provider',
    type: 'string',
    value: EXECUTION_PROVIDERS.join('|'),
    default: 'cpu',
    description: 'onnxruntime execution provider; cuda only where the installed onnxruntime-node has it',
  },
];

/** The loadClipModel options of MODEL_LOAD_OPTIONS, checked. */
export function modelLoadOptions(
  options: ParsedOptions,
): Pick<LoadClipModelOptions, 'variant' | 'executionProvider' | 'intraOpThreads'> {
  const variant = stringOption(options, 'variant') ?? 'fp32';
  if (!(MODEL_VARIANTS as readonly string[]).includes(variant))
    throw new CliUsageError(`--variant must be one of ${MODEL_VARIANTS.join(', ')}; got '${variant}'`);
  const provider = stringOption(options, 'execution-provider') ?? 'cpu';
  if (!(EXECUTION_PROVIDERS as readonly string[]).includes(provider)) {
    throw new CliUsageError(`--execution-provider must be one of ${EXECUTION_PROVIDERS.join(', ')}; got '${provider}'`);
  }
  const threads = numberOption(options, 'threads');
  return {
    variant: variant as ModelVariant,
    executionProvider: provider as ExecutionProvider,
    ...(threads === undefined ? {} : { intraOpThreads: threads }),
  };
}

export const embedTextCommand: CliCommand = {
  name: 'embed-text',
  summary: 'embed strings with a CLIP model folder (text tower) into a float32 .npy, rows in input order',
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
      value: 'FILE',
      required: true,
      description: 'one string per line, or a .json file holding an array of strings',
    },
    { name: 'out', type: 'string', value: 'FILE.npy', required: true, description: 'float32 [n, dim] output' },
    {
      name: 'template',
      type: 'string',
      value: 'TEXT',
      description: 'prompt with one \'{}\' replaced by each string, e.g. "the nice {}"',
    },
    { name: 'batch-size', type: 'string', value: 'N', default: '64', description: 'texts per ONNX run' },
    ...MODEL_LOAD_OPTIONS,
    {
      name: 'cleanup',
      type: 'string',
      value: 'hf|openai',
      default: 'hf',
      description: "tokenizer clean-up; 'openai' also html-unescapes like OpenAI's CLIP",
    },
    {
      name: 'normalize',
      type: 'boolean',
      description: 'L2-normalise rows (default: raw text_embeds, as mining needs)',
    },
  ],
  async run(options, io) {
    const texts = applyTemplate(readTextInputs(requiredString(options, 'in')), stringOption(options, 'template'));
    const out = requiredString(options, 'out');
    checkOutputFile(out, 'out');
    const batchSize = positiveIntegerOption(options, 'batch-size');
    const cleanup = stringOption(options, 'cleanup') ?? 'hf';
    if (cleanup !== 'hf' && cleanup !== 'openai')
      throw new CliUsageError(`--cleanup must be 'hf' or 'openai'; got '${cleanup}'`);
    const model = await loadClipModel(requiredString(options, 'model'), {
      towers: 'text',
      cleanup: cleanup as TokenizerCleanup,
      ...modelLoadOptions(options),
    });
    try {
      const bar = progressBar(io, 'texts');
      const started = performance.now();
      const embeddings = await model.text!.encode(texts, {
        normalize: options['normalize'] === true,
        onProgress: (done, total) => bar.update(done, total),
        ...(batchSize === undefined ? {} : { batchSize }),
      });
      const seconds = (performance.now() - started) / 1000;
      bar.finish();
      writeNpyFile(out, embeddings, [texts.length, model.embeddingDim], 'float32');
      writeJson(io.stdout, {
        out,
        rows: texts.length,
        dim: model.embeddingDim,
        normalized: options['normalize'] === true || !model.textEmbeddingsAreRaw,
        modelHash: model.contentHash,
        textsPerSecond: seconds > 0 ? texts.length / seconds : null,
      });
    } finally {
      await model.dispose();
    }
  },
};
