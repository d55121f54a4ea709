// Runs an exported detector.onnx in onnxruntime, batch by batch: what `negmine detect`, the
// service's `detect` and the benchmarks execute (never the library's scoring code). Internal; public
// through detector/detector-runner.ts.
import * as ort from 'onnxruntime-node';
import { invariant } from '../errors';
import { OrtKernelSession, type KernelOptions } from './ort-session';

export interface DetectorBatchOutput {
  readonly score: Float32Array;
  /** 1 where score < threshold (flagged out-of-distribution). */
  readonly isOod: Uint8Array;
  readonly predictedClass: BigInt64Array;
  readonly predictedProbability: Float32Array;
}

export class DetectorSessionKernel {
  private constructor(
    private readonly session: OrtKernelSession,
    private readonly dim: number,
  ) {}

  static async create(onnxBytes: Uint8Array, dim: number, options: KernelOptions = {}): Promise<DetectorSessionKernel> {
    return new DetectorSessionKernel(await OrtKernelSession.create(onnxBytes, options), dim);
  }

  /** One batch of `rows` raw float32 embeddings (rows × d, row-major; a view is fine). */
  async run(images: Float32Array, rows: number): Promise<DetectorBatchOutput> {
    invariant(images.length === rows * this.dim, 'batch is rows × d');
    const out = await this.session.run({ image_embeds: new ort.Tensor('float32', images, [rows, this.dim]) });
    const score = out['score'];
    const isOod = out['is_ood'];
    const predictedClass = out['predicted_class'];
    const predictedProbability = out['predicted_probability'];
    invariant(
      score !== undefined && isOod !== undefined && predictedClass !== undefined && predictedProbability !== undefined,
      'detector outputs present',
    );
    const flags = isOod.data as Uint8Array | boolean[];
    return {
      score: score.data as Float32Array,
      isOod: flags instanceof Uint8Array ? flags : Uint8Array.from(flags, (f) => (f ? 1 : 0)),
      predictedClass: predictedClass.data as BigInt64Array,
      predictedProbability: predictedProbability.data as Float32Array,
    };
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
