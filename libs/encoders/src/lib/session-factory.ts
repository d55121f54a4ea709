// The only place in @negmine/encoders that touches onnxruntime-node: builds one inference session per
// tower (execution provider table, intra-op threads, full graph optimisation) and exposes a small
// tensor-in/tensor-out interface, so the rest of the lib never sees ORT types. Internal.
import * as ort from 'onnxruntime-node';
import { ortSeverityFor, type EncoderLogger } from './encoder-logger';
import { EncodersError, EncodersErrorCode } from './errors';

export type ExecutionProvider = 'cpu' | 'cuda';
export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda'];

export interface SessionOptions {
  /** onnxruntime intra-op threads; default 0 = one per physical core. */
  readonly intraOpThreads?: number;
  /** 'cpu' (default) or 'cuda' (only when the installed onnxruntime-node has the CUDA provider). */
  readonly executionProvider?: ExecutionProvider;
  readonly logger?: EncoderLogger;
}

export type TensorElementType =
  'float32' | 'float16' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool' | 'string' | 'other';

/** A graph input or output as declared in the ONNX file; symbolic dimensions are strings. */
export interface TensorSignature {
  readonly name: string;
  readonly type: TensorElementType;
  readonly shape: ReadonlyArray<number | string>;
}

export type FeedTensor =
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] };

export interface OutputTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface TowerSession {
  /** File name used in messages. */
  readonly source: string;
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
  /** Runs the graph and returns the requested float32 outputs. */
  run(
    feeds: Readonly<Record<string, FeedTensor>>,
    outputNames: readonly string[],
  ): Promise<Record<string, OutputTensor>>;
  dispose(): Promise<void>;
}

const KNOWN_TYPES = new Set<string>(['float32', 'float16', 'int64', 'int32', 'uint8', 'int8', 'bool', 'string']);

function signatureOf(meta: ort.InferenceSession.ValueMetadata): TensorSignature {
  if (!meta.isTensor) return { name: meta.name, type: 'other', shape: [] };
  return {
    name: meta.name,
    type: KNOWN_TYPES.has(meta.type) ? (meta.type as TensorElementType) : 'other',
    shape: [...meta.shape],
  };
}

function toOrtTensor(feed: FeedTensor): ort.Tensor {
  return feed.type === 'int64'
    ? new ort.Tensor('int64', feed.data, feed.dims)
    : new ort.Tensor('float32', feed.data, feed.dims);
}

/**
 * onnxruntime session options for a provider. On CUDA, outputs are placed in pinned host memory,
 * which makes onnxruntime-node run through I/O binding (inputs bound once per run, outputs copied
 * by DMA) instead of plain Run with pageable copies.
 */
export function ortSessionOptions(
  provider: ExecutionProvider,
  threads: number,
  logger?: EncoderLogger,
): ort.InferenceSession.SessionOptions {
  const common = {
    graphOptimizationLevel: 'all' as const,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    enableCpuMemArena: true,
    logSeverityLevel: ortSeverityFor(logger),
  };
  if (provider === 'cuda')
    return {
      ...common,
      executionProviders: [{ name: 'cuda', deviceId: 0 }, 'cpu'],
      preferredOutputLocation: 'cpu-pinned',
    };
  return { ...common, executionProviders: ['cpu'] };
}

/** Creates a session over ONNX bytes; `source` names the file in every error. */
export async function createTowerSession(
  modelBytes: Uint8Array,
  source: string,
  options: SessionOptions = {},
): Promise<TowerSession> {
  const provider = options.executionProvider ?? 'cpu';
  if (!EXECUTION_PROVIDERS.includes(provider)) {
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `executionProvider must be one of ${EXECUTION_PROVIDERS.join(', ')}; got '${String(provider)}'`,
    );
  }
  const threads = options.intraOpThreads ?? 0;
  if (!Number.isInteger(threads) || threads < 0) {
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `intraOpThreads must be an integer >= 0 (0 = onnxruntime default); got ${threads}`,
    );
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelBytes, ortSessionOptions(provider, threads, options.logger));
  } catch (error) {
    const message = (error as Error).message;
    if (provider !== 'cpu') {
      const available = ort
        .listSupportedBackends()
        .filter((b) => b.bundled)
        .map((b) => b.name);
      throw new EncodersError(
        EncodersErrorCode.UnsupportedExecutionProvider,
        `execution provider '${provider}' could not be used for ${source}: ${message}. This onnxruntime-node install provides: ${available.join(', ')}`,
        { source, provider, available },
      );
    }
    throw new EncodersError(EncodersErrorCode.CorruptFile, `${source} is not a loadable ONNX model: ${message}`, {
      file: source,
    });
  }
  options.logger?.debug({ source, provider, threads }, 'onnxruntime session created');
  const inputs = session.inputMetadata.map(signatureOf);
  const outputs = session.outputMetadata.map(signatureOf);
  let disposed = false;
  return {
    source,
    inputs,
    outputs,
    async run(feeds, outputNames) {
      if (disposed) throw new EncodersError(EncodersErrorCode.Disposed, `the session for ${source} was disposed`);
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, feed]) => [name, toOrtTensor(feed)]));
      let results: ort.InferenceSession.OnnxValueMapType;
      try {
        results = await session.run(ortFeeds, [...outputNames]);
      } catch (error) {
        const shapes = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims]));
        throw new EncodersError(
          EncodersErrorCode.InferenceFailed,
          `${source}: inference failed for inputs ${JSON.stringify(shapes)}: ${(error as Error).message}`,
          {
            source,
            shapes,
          },
        );
      }
      const out: Record<string, OutputTensor> = {};
      for (const name of outputNames) {
        const tensor = results[name];
        if (tensor === undefined || tensor.type !== 'float32') {
          throw new EncodersError(
            EncodersErrorCode.InferenceFailed,
            `${source}: output '${name}' missing or not float32`,
            { source, name },
          );
        }
        out[name] = { data: tensor.data as Float32Array, dims: [...tensor.dims] };
      }
      return out;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await session.release();
    },
  };
}
