// A model's content hash: sha256 over the ONNX bytes, the tokenizer files and options, and the
// preprocessing config, so embeddings can be cached by (model, input). Public.
import { createHash } from 'node:crypto';

export interface ModelHashParts {
  /** Named byte blobs (ONNX files, tokenizer files, preprocessor config). */
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array }>;
  /** Options that change what the model computes for the same input (e.g. tokenizer clean-up). */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
}

/** Hex sha256; each part is length-prefixed so no two different part lists hash alike. */
export function modelContentHash(parts: ModelHashParts): string {
  const hash = createHash('sha256');
  hash.update('negmine-clip-model-v1\0');
  const sorted = [...parts.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const file of sorted) {
    hash.update(`${file.name}\0${file.bytes.byteLength}\0`);
    hash.update(file.bytes);
  }
  const settings = Object.keys(parts.settings)
    .sort()
    .map((k) => [k, parts.settings[k]]);
  hash.update(JSON.stringify(settings));
  return hash.digest('hex');
}
