// Locates and reads the files of a Hugging Face-layout CLIP ONNX folder (separate text/vision towers
// or one combined model.onnx, fp32/quantized/fp16 variants, tokenizer.json | vocab.json+merges.txt |
// bpe_simple_vocab_16e6.txt.gz, preprocessor_config.json). Missing or unreadable files are typed errors naming the file. Public.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EncodersError, EncodersErrorCode } from './errors';
import type { ModelHashFile } from './model-hash';

export type ModelVariant = 'fp32' | 'quantized' | 'fp16';
export const MODEL_VARIANTS: readonly ModelVariant[] = ['fp32', 'quantized', 'fp16'];

/** Which towers to load: mining needs only text, image embedding only vision. */
export type TowerSelection = 'both' | 'text' | 'vision';

export type TokenizerSourceKind = 'tokenizer.json' | 'vocab.json+merges.txt' | 'bpe_simple_vocab_16e6.txt.gz';

export interface FolderFile {
  /** Path relative to the model folder, e.g. `onnx/text_model.onnx`. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface ModelFolderFiles {
  readonly dir: string;
  readonly layout: 'separate' | 'combined';
  readonly variant: ModelVariant;
  readonly textModel?: FolderFile | undefined;
  readonly visionModel?: FolderFile | undefined;
  readonly combinedModel?: FolderFile | undefined;
  readonly tokenizer?: { readonly kind: TokenizerSourceKind; readonly files: readonly FolderFile[] } | undefined;
  readonly preprocessorConfig?: FolderFile | undefined;
  /** config.json when present (informational; token ids come from the tokenizer files). */
  readonly config?: FolderFile | undefined;
  /**
   * Every file that defines the model, read or not: the variant's ONNX file(s), the tokenizer source
   * and preprocessor_config.json. The content hash covers all of them, so a folder hashes the same
   * whichever towers are loaded; files the selected towers do not need are hashed from their path.
   */
  readonly identityFiles: readonly ModelHashFile[];
}

function variantFile(base: string, variant: ModelVariant): string {
  return variant === 'fp32' ? `onnx/${base}.onnx` : `onnx/${base}_${variant}.onnx`;
}

async function readRequired(dir: string, name: string): Promise<FolderFile> {
  try {
    const buffer = await readFile(path.join(dir, name));
    return { name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new EncodersError(EncodersErrorCode.MissingFile, `model folder ${dir} has no ${name}`, { dir, file: name });
    throw new EncodersError(
      EncodersErrorCode.CorruptFile,
      `cannot read ${name} in ${dir}: ${(error as Error).message}`,
      { dir, file: name },
    );
  }
}

/** Parses a JSON file of the folder with an error naming it. */
export function parseFolderJson(file: FolderFile, dir: string): unknown {
  try {
    return JSON.parse(Buffer.from(file.bytes).toString('utf8'));
  } catch (error) {
    throw new EncodersError(
      EncodersErrorCode.CorruptFile,
      `${file.name} in ${dir} is not valid JSON: ${(error as Error).message}`,
      { dir, file: file.name },
    );
  }
}

/** The tokenizer files present, by precedence: tokenizer.json, vocab.json + merges.txt, OpenAI's .txt.gz. */
function findTokenizerSource(dir: string): { kind: TokenizerSourceKind; names: string[] } | undefined {
  const has = (name: string): boolean => existsSync(path.join(dir, name));
  if (has('tokenizer.json')) return { kind: 'tokenizer.json', names: ['tokenizer.json'] };
  if (has('vocab.json') && has('merges.txt'))
    return { kind: 'vocab.json+merges.txt', names: ['vocab.json', 'merges.txt'] };
  if (has('bpe_simple_vocab_16e6.txt.gz'))
    return { kind: 'bpe_simple_vocab_16e6.txt.gz', names: ['bpe_simple_vocab_16e6.txt.gz'] };
  return undefined;
}

async function readTokenizerSource(dir: string): Promise<{ kind: TokenizerSourceKind; files: FolderFile[] }> {
  const source = findTokenizerSource(dir);
  if (source === undefined) {
    throw new EncodersError(
      EncodersErrorCode.MissingFile,
      `model folder ${dir} has no tokenizer; accepted: tokenizer.json, vocab.json + merges.txt, or bpe_simple_vocab_16e6.txt.gz`,
      { dir, file: 'tokenizer.json' },
    );
  }
  const files: FolderFile[] = [];
  for (const name of source.names) files.push(await readRequired(dir, name));
  return { kind: source.kind, files };
}

/** Reads every file the selected towers need, and locates the model's other files for its content hash. */
export async function readModelFolder(
  dir: string,
  options: { variant?: ModelVariant; towers?: TowerSelection } = {},
): Promise<ModelFolderFiles> {
  const variant = options.variant ?? 'fp32';
  const towers = options.towers ?? 'both';
  if (!MODEL_VARIANTS.includes(variant)) {
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `variant must be one of ${MODEL_VARIANTS.join(', ')}; got '${String(variant)}'`,
    );
  }
  if (!['both', 'text', 'vision'].includes(towers)) {
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `towers must be 'both', 'text' or 'vision'; got '${String(towers)}'`,
    );
  }
  if (!existsSync(dir))
    throw new EncodersError(EncodersErrorCode.MissingFile, `model folder ${dir} does not exist`, { dir });
  const wantText = towers !== 'vision';
  const wantVision = towers !== 'text';
  const textName = variantFile('text_model', variant);
  const visionName = variantFile('vision_model', variant);
  const combinedName = variantFile('model', variant);
  const separate = existsSync(path.join(dir, textName)) || existsSync(path.join(dir, visionName));
  const combined = !separate && existsSync(path.join(dir, combinedName));
  if (!separate && !combined) {
    throw new EncodersError(
      EncodersErrorCode.MissingFile,
      `model folder ${dir} has no ONNX model for variant '${variant}'; expected ${textName} + ${visionName}, or ${combinedName}`,
      { dir, file: textName, variant },
    );
  }
  const textModel = separate && wantText ? await readRequired(dir, textName) : undefined;
  const visionModel = separate && wantVision ? await readRequired(dir, visionName) : undefined;
  const combinedModel = combined ? await readRequired(dir, combinedName) : undefined;
  const tokenizer = wantText ? await readTokenizerSource(dir) : undefined;
  // A combined graph needs a (dummy) image of the right size even for text-only use.
  const preprocessorConfig = wantVision || combined ? await readRequired(dir, 'preprocessor_config.json') : undefined;
  // Hash keys are part of every stored hash: renaming one changes the hash of every model.
  const identity = (key: string, name: string, file: FolderFile | undefined): ModelHashFile[] => {
    if (file !== undefined) return [{ name: key, bytes: file.bytes }];
    return existsSync(path.join(dir, name)) ? [{ name: key, path: path.join(dir, name) }] : [];
  };
  const tokenizerNames = tokenizer?.files.map((f) => f.name) ?? findTokenizerSource(dir)?.names ?? [];
  const identityFiles = [
    ...(separate
      ? [...identity('text-onnx', textName, textModel), ...identity('vision-onnx', visionName, visionModel)]
      : identity('combined-onnx', combinedName, combinedModel)),
    ...tokenizerNames.flatMap((name) =>
      identity(
        `tokenizer:${name}`,
        name,
        tokenizer?.files.find((f) => f.name === name),
      ),
    ),
    ...identity('preprocessor_config', 'preprocessor_config.json', preprocessorConfig),
  ];
  return {
    dir,
    layout: separate ? 'separate' : 'combined',
    variant,
    textModel,
    visionModel,
    combinedModel,
    tokenizer,
    preprocessorConfig,
    config: existsSync(path.join(dir, 'config.json')) ? await readRequired(dir, 'config.json') : undefined,
    identityFiles,
  };
}
