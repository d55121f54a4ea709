// Loads a detector.onnx and scores batches of raw image embeddings with it: the input checks
// (width, finite values, non-empty batch) the service and the CLI share, and chunking so memory
// stays at chunkRows × (K + S·Q) logits. Public.
import { readOnnxModel, FormatsError } from '@negmine/formats';
import { MiningError, MiningErrorCode } from '../errors';
import { DetectorSessionKernel } from '../kernels/detector-session.kernel';
import { checkEmbeddings } from '../scoring/embedding-input';
import type { EmbeddingMatrix } from '../scoring/ood-score-method';
import { DETECTOR_INPUT, DETECTOR_OUTPUTS } from './detector-graph';

export const DEFAULT_DETECTOR_CHUNK_ROWS = 256;

export interface DetectorRunnerOptions {
  /** onnxruntime intra-op threads; default 0 (one per physical core). */
  readonly threads?: number;
  /** Embeddings per onnxruntime call; default 256. */
  readonly chunkRows?: number;
  /** Busy-waiting intra-op threads (KernelOptions.allowSpinning); default true. */
  readonly allowSpinning?: boolean;
}

export interface DetectionResult {
  /** Per image, higher = more in-distribution (the method's score). */
  readonly scores: Float32Array;
  /** 1 where score < threshold. */
  readonly isOod: Uint8Array;
  /** Argmax over the ID labels. */
  readonly predictedClass: Int32Array;
  /** Softmax probability of that label among the ID labels, at the method's temperature. */
  readonly predictedProbability: Float32Array;
}

/** The embedding width a detector graph declares for image_embeds; INVALID_DETECTOR when it is not a detector. */
export function detectorEmbeddingDim(onnxBytes: Uint8Array): number {
  let model;
  try {
    model = readOnnxModel(onnxBytes);
  } catch (error) {
    if (error instanceof FormatsError)
      throw new MiningError(MiningErrorCode.InvalidDetector, `not a detector.onnx: ${error.message}`);
    throw error;
  }
  const input = model.graph.inputs.find((i) => i.name === DETECTOR_INPUT);
  const width = input?.dims?.[1];
  const outputs = model.graph.outputs.map((o) => o.name);
  if (input === undefined || typeof width !== 'number' || !DETECTOR_OUTPUTS.every((o) => outputs.includes(o))) {
    throw new MiningError(
      MiningErrorCode.InvalidDetector,
      `not a negmine detector: expected input ${DETECTOR_INPUT} [batch, d] and outputs ${DETECTOR_OUTPUTS.join(', ')}; got inputs ${model.graph.inputs.map((i) => i.name).join(', ')} and outputs ${outputs.join(', ')}`,
    );
  }
  return width;
}

export class DetectorRunner {
  private constructor(
    private readonly kernel: DetectorSessionKernel,
    /** Width d of the embeddings the detector accepts. */
    readonly embeddingDim: number,
    private readonly chunkRows: number,
  ) {}

  static async load(onnxBytes: Uint8Array, options: DetectorRunnerOptions = {}): Promise<DetectorRunner> {
    const chunkRows = options.chunkRows ?? DEFAULT_DETECTOR_CHUNK_ROWS;
    if (!Number.isInteger(chunkRows) || chunkRows < 1) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `chunkRows must be a positive integer; got ${chunkRows}`,
        { parameter: 'chunkRows' },
      );
    }
    const dim = detectorEmbeddingDim(onnxBytes);
    return new DetectorRunner(
      await DetectorSessionKernel.create(onnxBytes, dim, {
        threads: options.threads ?? 0,
        allowSpinning: options.allowSpinning ?? true,
      }),
      dim,
      chunkRows,
    );
  }

  /**
   * Scores M raw embeddings (M × d; float64 rows are rounded to float32, the detector's input type).
   * Throws SHAPE_MISMATCH for an empty batch or another width, NON_FINITE_VALUE for NaN/±Infinity,
   * INVALID_INPUT for an all-zero row.
   */
  async detect(images: EmbeddingMatrix): Promise<DetectionResult> {
    if (images.rows === 0 || images.data.length === 0) {
      throw new MiningError(
        MiningErrorCode.ShapeMismatch,
        `the batch is empty; give at least one embedding of width ${this.embeddingDim}`,
        { rows: images.rows },
      );
    }
    if (images.cols !== this.embeddingDim) {
      throw new MiningError(
        MiningErrorCode.ShapeMismatch,
        `this detector takes embeddings of width d = ${this.embeddingDim}; got width ${images.cols}`,
        {
          dim: images.cols,
          expected: this.embeddingDim,
        },
      );
    }
    checkEmbeddings('image embeddings', images, this.embeddingDim);
    const { rows, cols } = images;
    const scores = new Float32Array(rows);
    const isOod = new Uint8Array(rows);
    const predictedClass = new Int32Array(rows);
    const predictedProbability = new Float32Array(rows);
    for (let start = 0; start < rows; start += this.chunkRows) {
      const count = Math.min(this.chunkRows, rows - start);
      const slice = images.data.subarray(start * cols, (start + count) * cols);
      const out = await this.kernel.run(slice instanceof Float32Array ? slice : Float32Array.from(slice), count);
      scores.set(out.score, start);
      isOod.set(out.isOod, start);
      predictedProbability.set(out.predictedProbability, start);
      for (let i = 0; i < count; i++) predictedClass[start + i] = Number(out.predictedClass[i]!);
    }
    return { scores, isOod, predictedClass, predictedProbability };
  }

  async dispose(): Promise<void> {
    await this.kernel.dispose();
  }
}
