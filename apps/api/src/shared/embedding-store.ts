// The text and image embedding caches in Postgres: raw float32 vectors keyed by (model hash,
// input hash). Writes are inserts that skip existing keys, so a retried shard changes nothing.
import type { Db } from '../db/prisma.service';

const READ_CHUNK = 2000;
const WRITE_CHUNK = 1000;

export type EmbeddingKind = 'text' | 'image';

export interface StoredVector {
  readonly inputHash: string;
  readonly vector: Float32Array;
}

function toBytes(vector: Float32Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(vector.slice().buffer);
}

function fromBytes(bytes: Uint8Array): Float32Array {
  // Copy: the driver's buffer may not be 4-byte aligned.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

export class EmbeddingStore {
  constructor(private readonly db: Db) {}

  private table(kind: EmbeddingKind) {
    return kind === 'text' ? this.db.textEmbedding : this.db.imageEmbedding;
  }

  /** The vectors present for `inputHashes` (absent keys are missing from the map). */
  async load(
    kind: EmbeddingKind,
    modelHash: string,
    inputHashes: readonly string[],
  ): Promise<Map<string, Float32Array>> {
    const unique = [...new Set(inputHashes)];
    const out = new Map<string, Float32Array>();
    for (let start = 0; start < unique.length; start += READ_CHUNK) {
      const chunk = unique.slice(start, start + READ_CHUNK);
      const rows = await (this.table(kind) as typeof this.db.textEmbedding).findMany({
        where: { modelHash, inputHash: { in: chunk } },
        select: { inputHash: true, vector: true },
      });
      for (const row of rows) out.set(row.inputHash, fromBytes(row.vector));
    }
    return out;
  }

  /** Which of `inputHashes` have no vector yet. */
  async missing(kind: EmbeddingKind, modelHash: string, inputHashes: readonly string[]): Promise<string[]> {
    const unique = [...new Set(inputHashes)];
    const present = new Set<string>();
    for (let start = 0; start < unique.length; start += READ_CHUNK) {
      const chunk = unique.slice(start, start + READ_CHUNK);
      const rows = await (this.table(kind) as typeof this.db.textEmbedding).findMany({
        where: { modelHash, inputHash: { in: chunk } },
        select: { inputHash: true },
      });
      for (const row of rows) present.add(row.inputHash);
    }
    return unique.filter((hash) => !present.has(hash));
  }

  async store(kind: EmbeddingKind, modelHash: string, vectors: readonly StoredVector[]): Promise<void> {
    for (let start = 0; start < vectors.length; start += WRITE_CHUNK) {
      const data = vectors
        .slice(start, start + WRITE_CHUNK)
        .map((v) => ({ modelHash, inputHash: v.inputHash, vector: toBytes(v.vector) }));
      await (this.table(kind) as typeof this.db.textEmbedding).createMany({ data, skipDuplicates: true });
    }
  }
}

/** Stacks rows into one row-major matrix; each row is the mean of the vectors of its keys. */
export function meanRows(
  keysPerRow: readonly (readonly string[])[],
  vectors: ReadonlyMap<string, Float32Array>,
  dim: number,
): Float32Array {
  const out = new Float32Array(keysPerRow.length * dim);
  keysPerRow.forEach((keys, row) => {
    for (const key of keys) {
      const vector = vectors.get(key);
      if (vector === undefined) throw new Error(`embedding ${key} is missing from the cache`);
      if (vector.length !== dim) throw new Error(`embedding ${key} has ${vector.length} values, expected ${dim}`);
      for (let j = 0; j < dim; j++) out[row * dim + j]! += vector[j]! / keys.length;
    }
  });
  return out;
}
