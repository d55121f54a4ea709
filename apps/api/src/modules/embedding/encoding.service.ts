// Encoding into the embedding caches with the CLIP towers of a model folder: prompts (label
// prompts inline, corpus prompts by `encode-text` shards) and image files (by `encode-images`
// shards). Only what a cache lacks is encoded; writes skip existing keys, so retries change nothing.
import path from 'node:path';
import type { ImageFailure } from '@negmine/encoders';
import { generateNoiseImages } from '@negmine/mining';
import type { Logger } from '../../logger';
import type { EmbeddingStore } from '../../shared/embedding-store';
import { promptInputHash } from '../../shared/hashing';
import type { ClipModels } from '../model/clip-models';

/** Consecutive [start, end) ranges of `size` over [0, count) that contain at least one index in `needed`. */
export function shardRanges(count: number, size: number, needed: ReadonlySet<number>): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < count; start += size) {
    const end = Math.min(count, start + size);
    for (let i = start; i < end; i++) {
      if (needed.has(i)) {
        ranges.push([start, end]);
        break;
      }
    }
  }
  return ranges;
}

/** An image to encode: its position and path in the set's folder, and its content hash (the cache key). */
export interface ImageToEncode {
  readonly position: number;
  readonly path: string | null;
  readonly inputHash: string;
}

/** What encoding a shard's images found: the files that failed (code and bounded reason) and those that have an embedding now. */
export interface ImageEncodeOutcome {
  readonly failed: readonly { readonly position: number; readonly code: string; readonly message: string }[];
  /** Positions with an embedding in the cache: encoded now, or found there. */
  readonly encoded: readonly number[];
}

/**
 * Images encoded and stored per step of an image shard, and prompts per step of a text shard. A
 * shard stops between steps when its job is told to (a shutdown hands it back, a cancellation ends
 * it), keeping what earlier steps stored: its re-sent job encodes only the rest. A step is a few
 * onnxruntime batches, seconds at most on a CPU, so a stop lands well within the shutdown grace
 * (NEGMINE_SHUTDOWN_GRACE_SECONDS; shards are stopped at 60 % of it) however long the shard is.
 */
export const IMAGE_ENCODE_STEP = 64;
export const PROMPT_ENCODE_STEP = 1_024;

/** Longest stored reason of a failed file. */
export const MAX_FAILURE_MESSAGE_LENGTH = 500;

/**
 * The decoder's reason as stored and shown: the file named by its path in the set (not the server's
 * absolute path), control characters removed, at most MAX_FAILURE_MESSAGE_LENGTH characters.
 * Decoder messages describe the failure; they never carry the file's bytes.
 */
export function boundedFailureMessage(reason: string, absolutePath: string, relativePath: string): string {
  const named = reason.split(absolutePath).join(relativePath);
  const clean = Array.from(named, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
  return clean.length <= MAX_FAILURE_MESSAGE_LENGTH ? clean : `${clean.slice(0, MAX_FAILURE_MESSAGE_LENGTH - 1)}…`;
}

export class EncodingService {
  constructor(
    private readonly clipModels: ClipModels,
    private readonly embeddings: EmbeddingStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Encodes whichever of `prompts` the text cache lacks, storing each step of PROMPT_ENCODE_STEP;
   * an aborted `signal` stops it between steps (throwing its reason) with the earlier steps kept.
   */
  async encodePrompts(
    folder: string,
    modelHash: string,
    prompts: readonly string[],
    signal?: AbortSignal,
  ): Promise<void> {
    const byHash = new Map(prompts.map((prompt) => [promptInputHash(prompt), prompt]));
    const missing = await this.embeddings.missing('text', modelHash, [...byHash.keys()]);
    if (missing.length === 0) return;
    const model = await this.clipModels.get(folder);
    const dim = model.embeddingDim;
    for (let start = 0; start < missing.length; start += PROMPT_ENCODE_STEP) {
      signal?.throwIfAborted();
      const step = missing.slice(start, start + PROMPT_ENCODE_STEP);
      const vectors = await model.encodeTexts(step.map((hash) => byHash.get(hash)!));
      await this.embeddings.store(
        'text',
        modelHash,
        step.map((inputHash, row) => ({ inputHash, vector: vectors.subarray(row * dim, (row + 1) * dim) })),
      );
    }
  }

  /**
   * The embeddings of the library's seeded noise images (TANL's negative-queue seed), at the image
   * tower's input size; 15 images, encoded each time (not cached: they are cheap and seed-defined).
   */
  async encodeNoiseImages(
    folder: string,
    seed: number,
  ): Promise<{ images: { data: Float32Array; rows: number; cols: number }; size: number }> {
    const model = await this.clipModels.get(folder);
    const crop = model.centerCrop;
    if (crop === undefined || crop.width !== crop.height) {
      throw new Error(
        `the image tower of ${folder} has no square input size, so noise images cannot be generated for it`,
      );
    }
    const noise = generateNoiseImages({ seed, size: crop.width });
    const data = await model.encodePixelValues(noise.map((image) => image.pixelValues));
    return { images: { data, rows: noise.length, cols: model.embeddingDim }, size: crop.width };
  }

  /**
   * Encodes whichever of `images` (files under `imageFolder`) the image cache lacks and returns
   * which files failed to decode (they are left out of the cache) and which have an embedding now.
   * Each step of IMAGE_ENCODE_STEP files is stored before the next starts; an aborted `signal`
   * stops it between steps (throwing its reason) with the earlier steps kept in the cache.
   */
  async encodeImages(
    folder: string,
    modelHash: string,
    imageFolder: string,
    images: readonly ImageToEncode[],
    runId: string,
    signal?: AbortSignal,
  ): Promise<ImageEncodeOutcome> {
    const missing = new Set(
      await this.embeddings.missing(
        'image',
        modelHash,
        images.map((item) => item.inputHash),
      ),
    );
    const cached = images.filter((item) => !missing.has(item.inputHash)).map((item) => item.position);
    const todo = images.filter((item) => missing.has(item.inputHash));
    if (todo.length === 0) return { failed: [], encoded: cached };
    const model = await this.clipModels.get(folder);
    const files = todo.map((item) => path.join(imageFolder, item.path ?? ''));
    const itemOf = new Map(todo.map((item, i) => [files[i]!, item]));
    const encodedFiles: string[] = [];
    const failures: ImageFailure[] = [];
    for (let start = 0; start < files.length; start += IMAGE_ENCODE_STEP) {
      signal?.throwIfAborted();
      const step = await model.encodeImageFiles(files.slice(start, start + IMAGE_ENCODE_STEP));
      const dim = step.embeddingDim;
      await this.embeddings.store(
        'image',
        modelHash,
        step.files.map((file, row) => ({
          inputHash: itemOf.get(file)!.inputHash,
          vector: step.embeddings.subarray(row * dim, (row + 1) * dim),
        })),
      );
      encodedFiles.push(...step.files);
      failures.push(...step.failures);
    }
    const failed = failures.map((failure) => {
      const item = itemOf.get(failure.path)!;
      return {
        position: item.position,
        code: failure.code,
        message: boundedFailureMessage(failure.reason, failure.path, item.path ?? ''),
      };
    });
    if (failed.length > 0) {
      this.logger.warn(
        { runId, failures: failed.slice(0, 5), count: failed.length },
        "images could not be decoded; they are left out (recorded as the set's decode failures)",
      );
    }
    return { failed, encoded: [...cached, ...encodedFiles.map((file) => itemOf.get(file)!.position)] };
  }
}
