// Input checks shared by every metric (public types, internal checks): score sets must be non-empty,
// finite and of one kind; the recall level and the sizing options must be in range.
import { MetricsError, MetricsErrorCode } from './errors';

/** Scores of one set; higher = more in-distribution. */
export type ScoreArray = Float32Array | Float64Array | readonly number[];

/** The two sets every metric compares: ID (positive in the ID convention) and OOD. */
export interface ScoreSets {
  readonly idScores: ScoreArray;
  readonly oodScores: ScoreArray;
}

export type ScoreSetName = 'id' | 'ood';

export type ScoreKind = 'Float32Array' | 'Float64Array' | 'number[]';

export const DEFAULT_RECALL = 0.95;

const ACCEPTED_KINDS = 'a Float32Array, a Float64Array or an array of numbers';

function kindOf(scores: unknown): ScoreKind | undefined {
  if (scores instanceof Float32Array) return 'Float32Array';
  if (scores instanceof Float64Array) return 'Float64Array';
  if (Array.isArray(scores)) return 'number[]';
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

function checkSet(set: ScoreSetName, scores: unknown): ScoreKind {
  const kind = kindOf(scores);
  if (kind === undefined) {
    throw new MetricsError(
      MetricsErrorCode.UnsupportedScoreType,
      `${set} scores must be ${ACCEPTED_KINDS}; got ${describe(scores)}`,
      {
        set,
        received: describe(scores),
      },
    );
  }
  const values = scores as ArrayLike<unknown>;
  if (values.length === 0) {
    throw new MetricsError(
      MetricsErrorCode.EmptyScores,
      `${set} scores are empty; every metric needs at least one ID and one OOD score`,
      {
        set,
      },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    // Number.isFinite is false for NaN, ±Infinity and for anything that is not a number.
    if (!Number.isFinite(value)) {
      throw new MetricsError(
        MetricsErrorCode.NonFiniteScore,
        `${set} score at index ${i} is ${typeof value === 'number' ? String(value) : `not a number (${describe(value)})`}; scores must be finite numbers`,
        { set, index: i, value: String(value) },
      );
    }
  }
  return kind;
}

/** Checks both sets and returns their common kind; throws a MetricsError naming the set and index otherwise. */
export function validateScoreSets(sets: ScoreSets): ScoreKind {
  if (typeof sets !== 'object' || sets === null) {
    throw new MetricsError(
      MetricsErrorCode.UnsupportedScoreType,
      `expected { idScores, oodScores }; got ${describe(sets)}`,
      {
        received: describe(sets),
      },
    );
  }
  const idKind = checkSet('id', sets.idScores);
  const oodKind = checkSet('ood', sets.oodScores);
  if (idKind !== oodKind) {
    throw new MetricsError(
      MetricsErrorCode.MixedScoreTypes,
      `id scores are a ${idKind} but ood scores are a ${oodKind}; pass both sets as the same kind so thresholds compare like with like`,
      { idKind, oodKind },
    );
  }
  return idKind;
}

/** The recall level of the FPR metrics must be in (0, 1]. */
export function validateRecall(recall: number): number {
  if (typeof recall !== 'number' || !(recall > 0 && recall <= 1)) {
    throw new MetricsError(
      MetricsErrorCode.InvalidRecall,
      `recall must be a number in (0, 1], e.g. 0.95; got ${String(recall)}`,
      {
        recall: String(recall),
      },
    );
  }
  return recall;
}

/** A whole-number option with a lower bound (rocPoints, bins). */
export function validateCountOption(option: string, value: number, minimum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new MetricsError(
      MetricsErrorCode.InvalidOption,
      `${option} must be an integer >= ${minimum}; got ${String(value)}`,
      {
        option,
        value: String(value),
        minimum,
      },
    );
  }
  return value;
}
