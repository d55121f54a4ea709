// Content hashes that key the embedding caches and identify corpora and image sets.
import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Cache key of an encoded prompt (ONNX models encode the text itself). */
export function promptInputHash(prompt: string): string {
  return sha256Hex(`prompt:${prompt}`);
}

/** Cache key of an imported label-name vector (imported spaces were encoded elsewhere, by name). */
export function importedLabelInputHash(label: string): string {
  return sha256Hex(`label:${label}`);
}

/** Cache key of row `row` of an imported corpus. */
export function importedCorpusRowInputHash(corpusHash: string, row: number): string {
  return sha256Hex(`corpus-row:${corpusHash}:${row}`);
}

/** Cache key of an imported image vector: the hash of its float32 bytes. */
export function vectorInputHash(vector: Float32Array): string {
  return sha256Hex(`vector:${sha256Hex(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength))}`);
}
