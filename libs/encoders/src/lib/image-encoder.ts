// Vision tower: decodes and preprocesses image files (Pillow-exact) and runs ONNX in batches, with
// the next batch prepared while the current one runs; undecodable files are reported, not fatal. Public.
import { readFile } from 'node:fs/promises';
import { normalizeRowsInPlace } from './embedding-math';
import { EncodersError, EncodersErrorCode, positiveIntegerOption } from './errors';
import { DEFAULT_MAX_INPUT_PIXELS, decodeImageToRgb, type DecodeImageOptions } from './image-decode';
import { preprocessImage, resizedSize } from './image-preprocess';
import type { PreprocessSpec } from './preprocessor-config';
import type { RgbImage } from './rgb-image';
import type { FeedTensor, TowerSession } from './session-factory';

export interface ImageEncodeOptions {
  /** Images per ONNX run; default 16. */
  readonly batchSize?: number;
  /** Files decoded at the same time (sharp uses libuv's thread pool); default 4. */
  readonly decodeConcurrency?: number;
  /** L2-normalise each row; default false. */
  readonly normalize?: boolean;
  readonly decode?: DecodeImageOptions;
  /** Called after each batch with files done (including failures) and total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ImageFailure {
  readonly path: string;
  readonly reason: string;
  readonly code: EncodersErrorCode;
}

export interface ImageEncodeResult {
  /** Row-major float32 [files.length, embeddingDim]. */
  readonly embeddings: Float32Array;
  readonly embeddingDim: number;
  /** The files that produced rows, in input order (failures removed). */
  readonly files: readonly string[];
  readonly failures: readonly ImageFailure[];
}

export interface VisionTowerBinding {
  readonly session: TowerSession;
  readonly embeddingDim: number;
  readonly preprocess: PreprocessSpec;
  /** [height, width] of pixel_values this model takes. */
  readonly pixelSize: readonly [number, number];
  /** Feeds a combined model also needs (a dummy text); empty for a vision-only graph. */
  readonly extraFeeds: Readonly<Record<string, FeedTensor>>;
}

export const DEFAULT_IMAGE_BATCH_SIZE = 16;
export const DEFAULT_DECODE_CONCURRENCY = 4;

interface PreparedBatch {
  readonly paths: string[];
  readonly pixelValues: Float32Array[];
  readonly failures: ImageFailure[];
  readonly attempted: number;
}

/** Runs `task` over `items` with at most `limit` in flight; results in item order. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class ClipImageEncoder {
  constructor(private readonly tower: VisionTowerBinding) {}

  get embeddingDim(): number {
    return this.tower.embeddingDim;
  }

  get preprocessSpec(): PreprocessSpec {
    return this.tower.preprocess;
  }

  /** Decode + preprocess one file into CHW float32 pixel_values (throws a typed error). */
  async preprocessFile(file: string, decode?: DecodeImageOptions): Promise<Float32Array> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new EncodersError(EncodersErrorCode.ImageDecodeFailed, `cannot read image ${file}: ${(error as Error).message}`, { source: file });
    }
    return this.preprocessRgb(await decodeImageToRgb(bytes, file, decode), file, decode?.maxInputPixels);
  }

  /** Preprocess an already decoded image; `maxPixels` bounds the resized image (see DecodeImageOptions). */
  preprocessRgb(image: RgbImage, source = 'image', maxPixels = DEFAULT_MAX_INPUT_PIXELS): Float32Array {
    // The shortest-edge resize of a very thin image is huge (200000x2 -> 22400000x224): refuse it as
    // this file's failure, before its allocation throws a RangeError that would end the whole batch.
    const resized = resizedSize(image.width, image.height, this.tower.preprocess);
    if (resized.width * resized.height > maxPixels) {
      throw new EncodersError(
        EncodersErrorCode.ImageDecodeFailed,
        `${source}: resizing ${image.width}x${image.height} for the model gives ${resized.width}x${resized.height}, more than ${maxPixels} pixels; the aspect ratio is too extreme`,
        { source, width: image.width, height: image.height },
      );
    }
    const { pixelValues, height, width } = preprocessImage(image, this.tower.preprocess);
    const [h, w] = this.tower.pixelSize;
    if (height !== h || width !== w) {
      throw new EncodersError(
        EncodersErrorCode.InvalidPreprocessorConfig,
        `${source}: preprocessing gives ${width}x${height} but the model takes ${w}x${h}; set crop_size (or a fixed size) in preprocessor_config.json`,
        { source },
      );
    }
    return pixelValues;
  }

  /** Embeds image files; rows follow `files` minus failures. */
  async encodeFiles(files: readonly string[], options: ImageEncodeOptions = {}): Promise<ImageEncodeResult> {
    const batchSize = positiveIntegerOption(options.batchSize ?? DEFAULT_IMAGE_BATCH_SIZE, 'batchSize');
    const concurrency = positiveIntegerOption(options.decodeConcurrency ?? DEFAULT_DECODE_CONCURRENCY, 'decodeConcurrency');
    const batches: string[][] = [];
    for (let i = 0; i < files.length; i += batchSize) batches.push(files.slice(i, i + batchSize));
    const prepare = (paths: readonly string[]): Promise<PreparedBatch> =>
      mapWithConcurrency(paths, concurrency, async (file) => {
        try {
          return { file, pixels: await this.preprocessFile(file, options.decode) };
        } catch (error) {
          if (error instanceof EncodersError) return { file, failure: { path: file, reason: error.message, code: error.code } };
          throw error;
        }
      }).then((results) => {
        const batch: PreparedBatch = { paths: [], pixelValues: [], failures: [], attempted: paths.length };
        for (const r of results) {
          if ('pixels' in r && r.pixels !== undefined) {
            batch.paths.push(r.file);
            batch.pixelValues.push(r.pixels);
          } else if ('failure' in r && r.failure !== undefined) batch.failures.push(r.failure);
        }
        return batch;
      });

    const dim = this.tower.embeddingDim;
    const rows: Float32Array[] = [];
    const done: string[] = [];
    const failures: ImageFailure[] = [];
    let processed = 0;
    let pending = batches.length > 0 ? prepare(batches[0]!) : undefined;
    for (let b = 0; b < batches.length; b++) {
      const current = await pending!;
      // Start decoding the next batch now, so it overlaps with this batch's inference.
      pending = b + 1 < batches.length ? prepare(batches[b + 1]!) : undefined;
      // If this batch's inference throws, the prepared one is never awaited: keep that rejection handled.
      pending?.catch(() => undefined);
      if (current.pixelValues.length > 0) rows.push(await this.encodePixelValues(current.pixelValues));
      done.push(...current.paths);
      failures.push(...current.failures);
      processed += current.attempted;
      options.onProgress?.(processed, files.length);
    }
    const embeddings = new Float32Array(done.length * dim);
    let offset = 0;
    for (const r of rows) {
      embeddings.set(r, offset);
      offset += r.length;
    }
    return { embeddings: options.normalize === true ? normalizeRowsInPlace(embeddings, dim) : embeddings, embeddingDim: dim, files: done, failures };
  }

  /** Runs the tower on preprocessed CHW images; returns row-major [images.length, embeddingDim]. */
  async encodePixelValues(images: readonly Float32Array[]): Promise<Float32Array> {
    const [h, w] = this.tower.pixelSize;
    const plane = 3 * h * w;
    const batch = new Float32Array(images.length * plane);
    images.forEach((img, i) => {
      if (img.length !== plane) {
        throw new EncodersError(EncodersErrorCode.InvalidOption, `pixel_values of image ${i} has ${img.length} values, expected 3x${h}x${w} = ${plane}`);
      }
      batch.set(img, i * plane);
    });
    const feeds: Record<string, FeedTensor> = { ...this.tower.extraFeeds, pixel_values: { type: 'float32', data: batch, dims: [images.length, 3, h, w] } };
    const result = await this.tower.session.run(feeds, ['image_embeds']);
    const embeds = result['image_embeds']!;
    const dim = this.tower.embeddingDim;
    if (embeds.dims.length !== 2 || embeds.dims[0] !== images.length || embeds.dims[1] !== dim) {
      throw new EncodersError(
        EncodersErrorCode.InferenceFailed,
        `${this.tower.session.source}: image_embeds has shape [${embeds.dims.join(', ')}], expected [${images.length}, ${dim}]`,
      );
    }
    return embeds.data;
  }
}
