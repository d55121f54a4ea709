// Locates and reads the files of a Hugging Face-layout CLIP ONNX folder (separate text/vision towers
// or one combined model.onnx, fp32/quantized/fp16 variants, tokenizer.json | vocab.json+merges.txt |
// bpe_simple_vocab_16e6.txt.gz, preprocessor_config.json). Missing or unreadable files are typed errors naming the file. Public.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EncodersError, EncodersErrorCode } from './errors';

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
    if (code === 'ENOENT') throw new EncodersError(EncodersErrorCode.MissingFile, `model folder ${dir} has no ${name}`, { dir, file: name });
    throw new EncodersError(EncodersErrorCode.CorruptFile, `cannot read ${name} in ${dir}: ${(error as Error).message}`, { dir, file: name });
  }
}

/** Parses a JSON file of the folder with an error naming it. */
export function parseFolderJson(file: FolderFile, dir: string): unknown {
  try {
    return JSON.parse(Buffer.from(file.bytes).toString('utf8'));
  } catch (error) {
    throw new EncodersError(EncodersErrorCode.CorruptFile, `${file.name} in ${dir} is not valid JSON: ${(error as Error).message}`, { dir, file: file.name });
  }
}

async function readTokenizerSource(dir: string): Promise<{ kind: TokenizerSourceKind; files: FolderFile[] }> {
  const has = (name: string): boolean => existsSync(path.join(dir, name));
  if (has('tokenizer.json')) return { kind: 'tokenizer.json', files: [await readRequired(dir, 'tokenizer.json')] };
  if (has('vocab.json') && has('merges.txt')) {
    return { kind: 'vocab.json+merges.txt', files: [await readRequired(dir, 'vocab.json'), await readRequired(dir, 'merges.txt')] };
  }
  if (has('bpe_simple_vocab_16e6.txt.gz')) {
    return { kind: 'bpe_simple_vocab_16e6.txt.gz', files: [await readRequired(dir, 'bpe_simple_vocab_16e6.txt.gz')] };
  }
  throw new EncodersError(
    EncodersErrorCode.MissingFile,
    `model folder ${dir} has no tokenizer; accepted: tokenizer.json, vocab.json + merges.txt, or bpe_simple_vocab_16e6.txt.gz`,
    { dir, file: 'tokenizer.json' },
  );
}

/** Reads every file the selected towers need. */
export async function readModelFolder(dir: string, options: { variant?: ModelVariant; towers?: TowerSelection } = {}): Promise<ModelFolderFiles> {
  const variant = options.variant ?? 'fp32';
  const towers = options.towers ?? 'both';
  if (!MODEL_VARIANTS.includes(variant)) {
    throw new EncodersError(EncodersErrorCode.InvalidOption, `variant must be one of ${MODEL_VARIANTS.join(', ')}; got '${String(variant)}'`);
  }
  if (!['both', 'text', 'vision'].includes(towers)) {
    throw new EncodersError(EncodersErrorCode.InvalidOption, `towers must be 'both', 'text' or 'vision'; got '${String(towers)}'`);
  }
  if (!existsSync(dir)) throw new EncodersError(EncodersErrorCode.MissingFile, `model folder ${dir} does not exist`, { dir });
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
  const files: ModelFolderFiles = {
    dir,
    layout: separate ? 'separate' : 'combined',
    variant,
    textModel: separate && wantText ? await readRequired(dir, textName) : undefined,
    visionModel: separate && wantVision ? await readRequired(dir, visionName) : undefined,
    combinedModel: combined ? await readRequired(dir, combinedName) : undefined,
    tokenizer: wantText ? await readTokenizerSource(dir) : undefined,
    // A combined graph needs a (dummy) image of the right size even for text-only use.
    preprocessorConfig: wantVision || combined ? await readRequired(dir, 'preprocessor_config.json') : undefined,
    config: existsSync(path.join(dir, 'config.json')) ? await readRequired(dir, 'config.json') : undefined,
  };
  return files;
}
