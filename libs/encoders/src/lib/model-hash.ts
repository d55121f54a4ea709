// A model's content hash: sha256 over the ONNX bytes, the tokenizer files and options, and the
// preprocessing config, so embeddings can be cached by (model, input). Public: modelContentHash.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { EncodersError, EncodersErrorCode } from './errors';

/** Options that change what the model computes for the same input (e.g. tokenizer clean-up). */
export type ModelHashSettings = Readonly<Record<string, string | number | boolean>>;

export interface ModelHashParts {
  /** Named byte blobs (ONNX files, tokenizer files, preprocessor config). */
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array }>;
  readonly settings: ModelHashSettings;
}

/**
 * One hashed file: its bytes when the caller has read them, else its path, streamed in chunks (a
 * tower the load does not need can be hundreds of MB). Both forms give the same hash. Internal.
 */
export type ModelHashFile =
  { readonly name: string; readonly bytes: Uint8Array } | { readonly name: string; readonly path: string };

function startHash(): Hash {
  return createHash('sha256').update('negmine-clip-model-v1\0');
}

function byName<T extends { readonly name: string }>(files: readonly T[]): T[] {
  return [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Each file is length-prefixed so no two different file lists hash alike. */
function fileHeader(name: string, byteLength: number): string {
  return `${name}\0${byteLength}\0`;
}

function finishHash(hash: Hash, settings: ModelHashSettings): string {
  const entries = Object.keys(settings)
    .sort()
    .map((k) => [k, settings[k]]);
  return hash.update(JSON.stringify(entries)).digest('hex');
}

/** Hex sha256 of files held in memory. */
export function modelContentHash(parts: ModelHashParts): string {
  const hash = startHash();
  for (const file of byName(parts.files)) hash.update(fileHeader(file.name, file.bytes.byteLength)).update(file.bytes);
  return finishHash(hash, parts.settings);
}

/** The same hash as modelContentHash, with files that were not read streamed from disk. Internal. */
export async function modelFilesContentHash(
  files: readonly ModelHashFile[],
  settings: ModelHashSettings,
): Promise<string> {
  const hash = startHash();
  for (const file of byName(files)) {
    if ('bytes' in file) {
      hash.update(fileHeader(file.name, file.bytes.byteLength)).update(file.bytes);
      continue;
    }
    let hashed = 0;
    try {
      const { size } = await stat(file.path);
      hash.update(fileHeader(file.name, size));
      for await (const chunk of createReadStream(file.path)) {
        hash.update(chunk as Buffer);
        hashed += (chunk as Buffer).length;
      }
      if (hashed !== size) throw new Error(`it changed while being hashed (${size} bytes before, ${hashed} read)`);
    } catch (error) {
      throw new EncodersError(EncodersErrorCode.CorruptFile, `cannot hash ${file.path}: ${(error as Error).message}`, {
        file: file.path,
      });
    }
  }
  return finishHash(hash, settings);
}
