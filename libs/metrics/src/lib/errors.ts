// Typed errors of @negmine/metrics (public). Every failure carries a code from MetricsErrorCode and
// structured details naming the offending set, index or option; messages say what is accepted.

export enum MetricsErrorCode {
  /** A score set is not a Float32Array, a Float64Array or an array of numbers. */
  UnsupportedScoreType = 'UNSUPPORTED_SCORE_TYPE',
  /** ID and OOD scores are different kinds (e.g. Float32Array and Float64Array). */
  MixedScoreTypes = 'MIXED_SCORE_TYPES',
  /** The ID or the OOD set holds no score. */
  EmptyScores = 'EMPTY_SCORES',
  /** A score is NaN, ±Infinity or not a number at all. */
  NonFiniteScore = 'NON_FINITE_SCORE',
  /** The recall level is outside (0, 1]. */
  InvalidRecall = 'INVALID_RECALL',
  /** An option (rocPoints, bins) is outside its accepted range. */
  InvalidOption = 'INVALID_OPTION',
}

export class MetricsError extends Error {
  override readonly name = 'MetricsError';

  constructor(
    readonly code: MetricsErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
