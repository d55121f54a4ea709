// The one place in @negmine/mining that creates onnxruntime-node sessions: dense-math graphs built
// in memory (OnnxGraphBuilder) run as CPU kernels. Internal to the kernels folder.
import * as ort from 'onnxruntime-node';
import { MiningError, MiningErrorCode } from '../errors';

export interface KernelOptions {
  /** Intra-op threads for onnxruntime; default: 0 (onnxruntime picks one per physical core). */
  readonly threads?: number;
  /**
   * Whether idle intra-op threads busy-wait for the next parallel section (onnxruntime's default,
   * true). false makes them sleep: for many small runs on cores shared with an event loop, where
   * the spinning burns the CPU that serves requests (the service's detector threads).
   */
  readonly allowSpinning?: boolean;
}

export type KernelFeed = Record<string, ort.Tensor>;

/** An onnxruntime session over an in-memory graph; call `dispose()` when done. */
export class OrtKernelSession {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(modelBytes: Uint8Array, options: KernelOptions = {}): Promise<OrtKernelSession> {
    const threads = options.threads ?? 0;
    if (!Number.isInteger(threads) || threads < 0) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `threads must be a non-negative integer (0 = one per physical core); got ${threads}`,
        { threads },
      );
    }
    try {
      const session = await ort.InferenceSession.create(modelBytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        enableCpuMemArena: true,
        ...(options.allowSpinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
      });
      return new OrtKernelSession(session);
    } catch (error) {
      throw new MiningError(
        MiningErrorCode.KernelFailure,
        `onnxruntime could not load a kernel graph: ${(error as Error).message}`,
      );
    }
  }

  async run(feeds: KernelFeed): Promise<Record<string, ort.Tensor>> {
    try {
      return await this.session.run(feeds);
    } catch (error) {
      const shapes = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims]));
      throw new MiningError(MiningErrorCode.KernelFailure, `kernel run failed: ${(error as Error).message}`, {
        shapes,
      });
    }
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

export function float32Tensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

export function int64Tensor(data: BigInt64Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', data, dims);
}
