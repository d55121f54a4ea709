// Embedding cache contract (keyed by model content hash + input content key) with an in-memory LRU
// implementation, and a text encode that only runs the model on misses. Public; apps/api supplies a DB-backed cache.
import { createHash } from 'node:crypto';
import { normalizeRowsInPlace } from './embedding-math';
import { EncodersError, EncodersErrorCode, positiveIntegerOption } from './errors';
import type { ClipTextEncoder, TextEncodeOptions } from './text-encoder';

export interface EmbeddingCache {
  /** One entry per key, undefined on a miss; embeddings are raw (as the model returns them). */
  getMany(modelHash: string, inputKeys: readonly string[]): Promise<ReadonlyArray<Float32Array | undefined>>;
  /** Upserts: writing the same (model, key) twice is harmless. */
  putMany(
    modelHash: string,
    entries: ReadonlyArray<{ readonly key: string; readonly embedding: Float32Array }>,
  ): Promise<void>;
}

/** sha256 hex of a text input (exactly as given, before tokenisation). */
export function textInputKey(text: string): string {
  return createHash('sha256').update('text\0').update(text, 'utf8').digest('hex');
}

/** sha256 hex of an image file's bytes. */
export function fileContentKey(bytes: Uint8Array): string {
  return createHash('sha256').update('file\0').update(bytes).digest('hex');
}

export class InMemoryEmbeddingCache implements EmbeddingCache {
  private readonly entries = new Map<string, Float32Array>();

  /** @param maxEntries least recently used entries are evicted beyond this; default 100,000. */
  constructor(private readonly maxEntries = 100_000) {
    positiveIntegerOption(maxEntries, 'maxEntries');
  }

  get size(): number {
    return this.entries.size;
  }

  getMany(modelHash: string, inputKeys: readonly string[]): Promise<ReadonlyArray<Float32Array | undefined>> {
    return Promise.resolve(
      inputKeys.map((key) => {
        const id = `${modelHash}:${key}`;
        const hit = this.entries.get(id);
        if (hit !== undefined) {
          // Map keeps insertion order: re-inserting marks the entry most recently used.
          this.entries.delete(id);
          this.entries.set(id, hit);
        }
        return hit?.slice();
      }),
    );
  }

  putMany(
    modelHash: string,
    entries: ReadonlyArray<{ readonly key: string; readonly embedding: Float32Array }>,
  ): Promise<void> {
    for (const { key, embedding } of entries) {
      const id = `${modelHash}:${key}`;
      this.entries.delete(id);
      this.entries.set(id, embedding.slice());
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return Promise.resolve();
  }
}

/** Encodes texts, reading raw embeddings from `cache` and running the model only for misses. */
export async function encodeTextsCached(
  encoder: ClipTextEncoder,
  modelHash: string,
  cache: EmbeddingCache,
  texts: readonly string[],
  options: TextEncodeOptions = {},
): Promise<Float32Array> {
  const dim = encoder.embeddingDim;
  const keys = texts.map(textInputKey);
  const cached = await cache.getMany(modelHash, keys);
  const missing = texts.map((_, i) => i).filter((i) => cached[i] === undefined);
  const out = new Float32Array(texts.length * dim);
  cached.forEach((row, i) => {
    if (row !== undefined) {
      if (row.length !== dim) {
        throw new EncodersError(
          EncodersErrorCode.InvalidOption,
          `cache entry for text ${i} has ${row.length} values, the model's width is ${dim}`,
        );
      }
      out.set(row, i * dim);
    }
  });
  if (missing.length > 0) {
    const { normalize: _normalize, ...encodeOptions } = options;
    const fresh = await encoder.encode(
      missing.map((i) => texts[i]!),
      encodeOptions,
    );
    missing.forEach((row, k) => out.set(fresh.subarray(k * dim, (k + 1) * dim), row * dim));
    await cache.putMany(
      modelHash,
      missing.map((row, k) => ({ key: keys[row]!, embedding: fresh.slice(k * dim, (k + 1) * dim) })),
    );
  }
  return options.normalize === true ? normalizeRowsInPlace(out, dim) : out;
}
