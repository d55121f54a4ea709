// The contract every OOD scoring method implements, and the one list of method ids. Public.
//
// SIGN CONVENTION (the only place it is stated): every score is "higher = more in-distribution".
// Metrics take { idScores, oodScores } as produced here; no call site ever negates a score.
import type { ParameterOverrides, ParameterSchema, ParameterValue } from './parameter-schema';

/** Method ids: registry key, CLI argument, GraphQL enum and Prisma enum. */
export const SCORING_METHOD_IDS = ['mcm', 'neglabel', 'debiased', 'adaneg', 'tanl'] as const;
export type ScoringMethodId = (typeof SCORING_METHOD_IDS)[number];

export function isScoringMethodId(value: string): value is ScoringMethodId {
  return (SCORING_METHOD_IDS as readonly string[]).includes(value);
}

/** A dense row-major matrix of embeddings (raw: methods L2-normalise rows themselves). */
export interface EmbeddingMatrix {
  readonly data: Float32Array | Float64Array;
  readonly rows: number;
  readonly cols: number;
}

export type ScoringPrecision = 'float32' | 'float64';

/** How to run, as opposed to what to compute (hyperparameters live in the method's schema). */
export interface ScoringOptions {
  /**
   * 'float32' (default): float32 matrix products and epilogue in onnxruntime, float64 from the
   * per-group sums on; agrees with float64 math within 1e-4 relative. 'float64': the same graph
   * in double precision; agrees with a float64 reference within 1e-9 relative.
   */
  readonly precision?: ScoringPrecision;
  /**
   * An explicit group permutation (grouped methods): after the last N mod G negatives are dropped,
   * grouped row i is negative permutation[i]. Length N − (N mod G). Replaces the seeded draw, so
   * it requires `permutations` = 1.
   */
  readonly permutation?: ArrayLike<number> | BigInt64Array;
  /** Images per kernel call; bounds memory at chunkRows × (K + N) logits. Default 256. */
  readonly chunkRows?: number;
  /** onnxruntime intra-op threads; default 0 (one per physical core). */
  readonly threads?: number;
}

export type ScoringWarningCode = 'TAU_ALLOWS_NONPOSITIVE_PARTITION';

/** A problem that does not stop scoring; returned (libraries never log). */
export interface ScoringWarning {
  readonly code: ScoringWarningCode;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** How the negatives were grouped, recorded with the result so a run can be reproduced. */
export interface GroupingRecord {
  readonly groups: number;
  /** Q = N div G negatives per group. */
  readonly groupSize: number;
  /** N mod G negatives dropped from the end of the list before permuting. */
  readonly dropped: number;
  /** Seeds of the drawn permutations, one per permutation; empty when a permutation was given. */
  readonly seeds: readonly number[];
  readonly permutationGiven: boolean;
}

export interface ScoreResult {
  readonly method: ScoringMethodId;
  /** One score per image, higher = more in-distribution; the mean over permutations when P > 1. */
  readonly scores: Float64Array;
  /** Per-image population standard deviation over the P permutations (present when P > 1). */
  readonly std?: Float64Array;
  /** Number of images for which a numerical guard changed the arithmetic (debiased clamp). */
  readonly guardHits: number;
  readonly warnings: readonly ScoringWarning[];
  /** Every hyperparameter after defaults were applied. */
  readonly params: Readonly<Record<string, ParameterValue>>;
  readonly precision: ScoringPrecision;
  readonly grouping?: GroupingRecord;
  /** Method-specific counters (e.g. AdaNeg admissions, TANL per-batch thresholds), for run records. */
  readonly diagnostics?: ScoringDiagnostics;
}

/** A JSON value: diagnostics are stored with runs as they are. */
export type DiagnosticValue = number | string | boolean | null | readonly DiagnosticValue[];
export type ScoringDiagnostics = Readonly<Record<string, DiagnosticValue>>;

/** An order of indices, as given (int64 .npy → BigInt64Array) or drawn. */
export type IndexOrder = ArrayLike<number> | BigInt64Array;

/**
 * Inputs beyond the label embeddings that some methods need (`OodScoreMethod.extraInputs` says
 * which); all raw, L2-normalised inside.
 */
export interface MethodInputs {
  /** The whole candidate corpus of a mining run (TANL mines its negatives from it per batch). */
  readonly corpusText?: EmbeddingMatrix;
  /** Embeddings of the 15 noise images (TANL seeds its negative queue with them). */
  readonly noiseImages?: EmbeddingMatrix;
  /** Order in which the ID label activations fill TANL's positive queue at reset (a permutation of 0..K−1). */
  readonly positiveInitOrder?: IndexOrder;
  /** Order in which the noise activations fill TANL's negative queue at reset (a permutation of 0..P−1). */
  readonly noiseInitOrder?: IndexOrder;
}

export type MethodInputName = keyof MethodInputs;

export interface OodScoreMethod {
  readonly id: ScoringMethodId;
  /** One line: what the score is and where it comes from. */
  readonly summary: string;
  /** Whether `negText` is required; 'unused' methods ignore it. */
  readonly negatives: 'required' | 'unused';
  /**
   * True when a score depends on the images scored before it in the same call (test-time
   * adaptation): the order of `images` is then an input, and callers must pass one whole stream.
   */
  readonly adaptsToStream: boolean;
  /** Extra inputs the method requires (a missing one is a MISSING_INPUT error naming it). */
  readonly extraInputs: readonly MethodInputName[];
  /** Hyperparameters with defaults, accepted ranges and a sweep grid. */
  readonly parameters: ParameterSchema;
  /** Applies defaults and validates; throws MiningError(INVALID_PARAMETER) on a bad value. */
  resolveParams(overrides?: ParameterOverrides): Readonly<Record<string, ParameterValue>>;
  /**
   * Scores M images against K ID label embeddings and (for negative-label methods) N negative label
   * embeddings, all raw (L2-normalised inside). Images are processed in chunks, never M × N at once.
   */
  score(
    images: EmbeddingMatrix,
    idText: EmbeddingMatrix,
    negText: EmbeddingMatrix | undefined,
    params?: ParameterOverrides,
    options?: ScoringOptions,
    inputs?: MethodInputs,
  ): Promise<ScoreResult>;
}
