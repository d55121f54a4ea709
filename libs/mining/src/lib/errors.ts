// Typed errors of @negmine/mining. Each failure has a code from MiningErrorCode and structured
// details; messages say what was wrong and what is accepted.

export enum MiningErrorCode {
  InvalidInput = 'INVALID_INPUT',
  ShapeMismatch = 'SHAPE_MISMATCH',
  NonFiniteValue = 'NON_FINITE_VALUE',
  InvalidParameter = 'INVALID_PARAMETER',
  EmptyCorpus = 'EMPTY_CORPUS',
  NonPositiveDistance = 'NON_POSITIVE_DISTANCE',
  UnknownMethod = 'UNKNOWN_METHOD',
  UnknownPreset = 'UNKNOWN_PRESET',
  /** A stream-adaptive method (its scores depend on the test stream) cannot be frozen into a detector. */
  StreamAdaptiveMethod = 'STREAM_ADAPTIVE_METHOD',
  /** Detector bytes or manifest that are not a negmine detector of a supported format. */
  InvalidDetector = 'INVALID_DETECTOR',
  KernelFailure = 'KERNEL_FAILURE',
  /** A method needs an input that was not given (e.g. TANL's corpus or noise-image embeddings). */
  MissingInput = 'MISSING_INPUT',
  /** A sweep grid has more points than the cap. */
  GridTooLarge = 'GRID_TOO_LARGE',
}

export class MiningError extends Error {
  override readonly name = 'MiningError';

  constructor(
    readonly code: MiningErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** Internal assumption check (graphql-js style); a failure is a bug, not bad input. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant failed: ${message}`);
}

export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`unreachable case: ${JSON.stringify(value)}`);
  }
}
