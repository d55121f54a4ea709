// Vision tower: decodes and preprocesses image files (Pillow-exact) on a pool of worker threads and
// runs ONNX in batches through a bounded pipeline: while batch i runs, batches i+1..i+k are being
// prepared (k = prefetchBatches), so memory stays at a few batches. Undecodable files, and files that
// crash their worker thread, are reported per file, not fatal; rows keep input order. Public.
import { normalizeRowsInPlace } from './embedding-math';
import { EncodersError, EncodersErrorCode, positiveIntegerOption } from './errors';
import { DEFAULT_MAX_INPUT_PIXELS, type DecodeImageOptions } from './image-decode';
import { preprocessFileFor, preprocessRgbFor } from './preprocess-file';
import { PreprocessPool, defaultPreprocessThreads } from './preprocess-pool';
import type { PreprocessSpec } from './preprocessor-config';
import type { RgbImage } from './rgb-image';
import type { FeedTensor, TowerSession } from './session-factory';

export interface ImageEncodeOptions {
  /** Images per ONNX run; default the encoder's (16 on CPU, 256 on CUDA). */
  readonly batchSize?: number;
  /** With preprocessThreads 0 only: files decoded at the same time on the main thread's libuv pool; default 4. */
  readonly decodeConcurrency?: number;
  /** Batches prepared ahead of the one running (the pipeline's bound); default 2. */
  readonly prefetchBatches?: number;
  /** L2-normalise each row; default false. */
  readonly normalize?: boolean;
  readonly decode?: DecodeImageOptions;
  /** Called after each batch with files done (including failures) and total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** How an encoder preprocesses and batches, fixed when the model is loaded. */
export interface ImageEncoderSettings {
  /** Worker threads decoding + preprocessing; default one per core; 0 = on the main thread. */
  readonly preprocessThreads?: number;
  /** Default images per ONNX run; default 16. */
  readonly batchSize?: number;
  /** Internal (tests): another worker entry file. */
  readonly workerFile?: string;
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
/** Default batch on a GPU: large enough to keep it fed. */
export const DEFAULT_GPU_IMAGE_BATCH_SIZE = 256;
export const DEFAULT_DECODE_CONCURRENCY = 4;
export const DEFAULT_PREFETCH_BATCHES = 2;

/** Errors that end a whole call rather than leave one file out. */
const FATAL_CODES: ReadonlySet<EncodersErrorCode> = new Set([
  EncodersErrorCode.PreprocessWorkerFailed,
  EncodersErrorCode.Disposed,
]);

interface PreparedBatch {
  readonly paths: string[];
  readonly pixelValues: Float32Array[];
  readonly failures: ImageFailure[];
  readonly attempted: number;
}

/** Runs `task` over `items` with at most `limit` in flight; results in item order. */
async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
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
  private pool: PreprocessPool | undefined;
  private readonly preprocessThreads: number;
  private readonly defaultBatchSize: number;
  private disposed = false;

  constructor(
    private readonly tower: VisionTowerBinding,
    private readonly settings: ImageEncoderSettings = {},
  ) {
    const threads = settings.preprocessThreads ?? defaultPreprocessThreads();
    if (!Number.isInteger(threads) || threads < 0) {
      throw new EncodersError(
        EncodersErrorCode.InvalidOption,
        `preprocessThreads must be an integer >= 0 (0 = main thread); got ${threads}`,
      );
    }
    this.preprocessThreads = threads;
    this.defaultBatchSize = positiveIntegerOption(settings.batchSize ?? DEFAULT_IMAGE_BATCH_SIZE, 'batchSize');
  }

  get embeddingDim(): number {
    return this.tower.embeddingDim;
  }

  get preprocessSpec(): PreprocessSpec {
    return this.tower.preprocess;
  }

  /** [height, width] of the pixel_values the model takes. */
  get pixelSize(): readonly [number, number] {
    return this.tower.pixelSize;
  }

  /** Worker threads used by encodeFiles (0: the main thread). */
  get preprocessThreadCount(): number {
    return this.preprocessThreads;
  }

  /** Decode + preprocess one file on the calling thread into CHW float32 pixel_values (throws a typed error). */
  preprocessFile(file: string, decode?: DecodeImageOptions): Promise<Float32Array> {
    return preprocessFileFor({ spec: this.tower.preprocess, pixelSize: this.tower.pixelSize }, file, decode);
  }

  /** Preprocess an already decoded image; `maxPixels` bounds the resized image (see DecodeImageOptions). */
  preprocessRgb(image: RgbImage, source = 'image', maxPixels = DEFAULT_MAX_INPUT_PIXELS): Float32Array {
    return preprocessRgbFor({ spec: this.tower.preprocess, pixelSize: this.tower.pixelSize }, image, source, maxPixels);
  }

  /**
   * Decode + preprocess files on the worker threads (or the main thread with preprocessThreads 0);
   * results in `files` order, each pixel_values or that file's failure.
   */
  preprocessFiles(
    files: readonly string[],
    decode?: DecodeImageOptions,
    decodeConcurrency = DEFAULT_DECODE_CONCURRENCY,
  ): Promise<Array<Float32Array | ImageFailure>> {
    if (this.disposed)
      return Promise.reject(new EncodersError(EncodersErrorCode.Disposed, 'the image encoder was disposed'));
    const settle = (file: string, work: Promise<Float32Array>): Promise<Float32Array | ImageFailure> =>
      work.catch((error: unknown) => {
        if (error instanceof EncodersError && !FATAL_CODES.has(error.code))
          return { path: file, reason: error.message, code: error.code };
        throw error;
      });
    if (this.preprocessThreads === 0) {
      const limit = positiveIntegerOption(decodeConcurrency, 'decodeConcurrency');
      return mapWithConcurrency(files, limit, (file) => settle(file, this.preprocessFile(file, decode)));
    }
    this.pool ??= new PreprocessPool(
      { target: { spec: this.tower.preprocess, pixelSize: this.tower.pixelSize } },
      {
        threads: this.preprocessThreads,
        ...(this.settings.workerFile === undefined ? {} : { workerFile: this.settings.workerFile }),
      },
    );
    const pool = this.pool;
    // The pool queues them; every promise is awaited below, so no rejection goes unhandled.
    return Promise.all(files.map((file) => settle(file, pool.preprocess(file, decode))));
  }

  /** Embeds image files; rows follow `files` minus failures. */
  async encodeFiles(files: readonly string[], options: ImageEncodeOptions = {}): Promise<ImageEncodeResult> {
    const batchSize = positiveIntegerOption(options.batchSize ?? this.defaultBatchSize, 'batchSize');
    const concurrency = positiveIntegerOption(
      options.decodeConcurrency ?? DEFAULT_DECODE_CONCURRENCY,
      'decodeConcurrency',
    );
    const prefetch = options.prefetchBatches ?? DEFAULT_PREFETCH_BATCHES;
    if (!Number.isInteger(prefetch) || prefetch < 0)
      throw new EncodersError(
        EncodersErrorCode.InvalidOption,
        `prefetchBatches must be an integer >= 0; got ${prefetch}`,
      );
    const batches: string[][] = [];
    for (let i = 0; i < files.length; i += batchSize) batches.push(files.slice(i, i + batchSize));
    const prepare = async (paths: readonly string[]): Promise<PreparedBatch> => {
      const results = await this.preprocessFiles(paths, options.decode, concurrency);
      const batch: PreparedBatch = { paths: [], pixelValues: [], failures: [], attempted: paths.length };
      results.forEach((r, i) => {
        if (r instanceof Float32Array) {
          batch.paths.push(paths[i]!);
          batch.pixelValues.push(r);
        } else batch.failures.push(r);
      });
      return batch;
    };

    const dim = this.tower.embeddingDim;
    const rows: Float32Array[] = [];
    const done: string[] = [];
    const failures: ImageFailure[] = [];
    let processed = 0;
    const pending = new Map<number, Promise<PreparedBatch>>();
    const start = (b: number): void => {
      if (b >= batches.length) return;
      const prepared = prepare(batches[b]!);
      // If an earlier batch's inference throws, later prepared ones are never awaited: keep them handled.
      prepared.catch(() => undefined);
      pending.set(b, prepared);
    };
    for (let b = 0; b <= prefetch; b++) start(b);
    for (let b = 0; b < batches.length; b++) {
      const current = await pending.get(b)!;
      pending.delete(b);
      // Batches b+1..b+k prepare while this one runs; the next starts once it is done, so at most
      // k + 1 batches of pixel_values exist at any time.
      if (current.pixelValues.length > 0) {
        rows.push(await this.encodePixelValues(current.pixelValues));
        // Copied into the batch tensor: the threads may reuse these buffers for later files.
        this.pool?.recycle(current.pixelValues);
      }
      start(b + prefetch + 1);
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
    return {
      embeddings: options.normalize === true ? normalizeRowsInPlace(embeddings, dim) : embeddings,
      embeddingDim: dim,
      files: done,
      failures,
    };
  }

  /** Stops the preprocessing threads; the session itself belongs to the model (ClipModel.dispose). */
  async dispose(): Promise<void> {
    this.disposed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  /** Runs the tower on preprocessed CHW images; returns row-major [images.length, embeddingDim]. */
  async encodePixelValues(images: readonly Float32Array[]): Promise<Float32Array> {
    const [h, w] = this.tower.pixelSize;
    const plane = 3 * h * w;
    const batch = new Float32Array(images.length * plane);
    images.forEach((img, i) => {
      if (img.length !== plane) {
        throw new EncodersError(
          EncodersErrorCode.InvalidOption,
          `pixel_values of image ${i} has ${img.length} values, expected 3x${h}x${w} = ${plane}`,
        );
      }
      batch.set(img, i * plane);
    });
    const feeds: Record<string, FeedTensor> = {
      ...this.tower.extraFeeds,
      pixel_values: { type: 'float32', data: batch, dims: [images.length, 3, h, w] },
    };
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
