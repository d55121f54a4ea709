// Typed errors of @negmine/encoders. Each failure has a code from EncodersErrorCode and structured
// details; messages say what was wrong and what is accepted. Public.

export enum EncodersErrorCode {
  /** A required model-folder file is absent. */
  MissingFile = 'MISSING_FILE',
  /** A file exists but cannot be parsed (JSON, gzip, ONNX protobuf, vocabulary). */
  CorruptFile = 'CORRUPT_FILE',
  /** An ONNX graph's inputs/outputs do not match the CLIP tower signature. */
  SignatureMismatch = 'SIGNATURE_MISMATCH',
  /** Text and vision towers disagree on the embedding width. */
  DimensionMismatch = 'DIMENSION_MISMATCH',
  /** preprocessor_config.json has a value this pipeline cannot honour. */
  InvalidPreprocessorConfig = 'INVALID_PREPROCESSOR_CONFIG',
  /** The tokenizer source is missing, ambiguous or inconsistent. */
  InvalidTokenizer = 'INVALID_TOKENIZER',
  /** An option passed by the caller is out of range or of the wrong kind. */
  InvalidOption = 'INVALID_OPTION',
  /** The requested execution provider is not in the installed onnxruntime-node. */
  UnsupportedExecutionProvider = 'UNSUPPORTED_EXECUTION_PROVIDER',
  /** An image file could not be read or decoded, or is too large to preprocess (a per-file failure). */
  ImageDecodeFailed = 'IMAGE_DECODE_FAILED',
  /** onnxruntime failed while running a tower. */
  InferenceFailed = 'INFERENCE_FAILED',
  /** A preprocessing worker thread could not start (the pool is unusable, not one file). */
  PreprocessWorkerFailed = 'PREPROCESS_WORKER_FAILED',
  /** The encoder was used after dispose(). */
  Disposed = 'DISPOSED',
}

export class EncodersError extends Error {
  override readonly name = 'EncodersError';

  constructor(
    readonly code: EncodersErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A caller's count option (batch size, concurrency, sizes): an InvalidOption error unless an integer >= 1. Internal. */
export function positiveIntegerOption(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new EncodersError(EncodersErrorCode.InvalidOption, `${name} must be a positive integer; got ${value}`);
  return value;
}

/** Internal assumption check (graphql-js style); a failure is a bug, not bad input. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant failed: ${message}`);
}
