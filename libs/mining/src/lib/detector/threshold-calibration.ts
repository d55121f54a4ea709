// The detector threshold at a target ID true-positive rate, by the rule of fprAtTprId
// (@negmine/metrics): among the distinct score thresholds, the one whose ID recall is closest to the
// target (ties: the lower threshold). So "ID recall 95%" means the same in metrics and detectors. Public.
import { fprAtTprIdFromSweep, MetricsError, rocSweep } from '@negmine/metrics';
import { MiningError, MiningErrorCode } from '../errors';

export const DEFAULT_TARGET_TPR = 0.95;

export interface ThresholdCalibration {
  /** is_ood = score < threshold; one of the calibration scores. */
  readonly threshold: number;
  readonly targetTpr: number;
  /** Fraction of the calibration scores >= threshold: the closest to targetTpr the scores allow. */
  readonly achievedTpr: number;
  readonly calibrationSize: number;
}

export function checkTargetTpr(targetTpr: number): void {
  if (typeof targetTpr !== 'number' || !(targetTpr > 0 && targetTpr < 1)) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `the target ID TPR must be a number in (0, 1), e.g. 0.95; got ${String(targetTpr)}`,
      {
        parameter: 'tpr',
        value: targetTpr,
      },
    );
  }
}

/** Calibrates on ID scores (higher = more ID); throws INVALID_PARAMETER / INVALID_INPUT on bad input. */
export function calibrateThreshold(
  idScores: Float32Array | Float64Array,
  targetTpr: number = DEFAULT_TARGET_TPR,
): ThresholdCalibration {
  checkTargetTpr(targetTpr);
  if (idScores.length === 0) {
    throw new MiningError(
      MiningErrorCode.InvalidInput,
      'the calibration set is empty; calibrating a threshold needs at least one ID score',
    );
  }
  // +Infinity is a legitimate float32 score (a debiased clamp at T ≈ 0.01 overflows float32: "as ID
  // as it gets"); the metrics refuse non-finite scores, so it enters the sweep as the largest double.
  const finite = Float64Array.from(idScores, (s) => (s === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : s));
  let lowest = Infinity;
  for (const score of finite) lowest = Math.min(lowest, score);
  let point;
  try {
    // fprAtTprId's sweep needs an OOD set; one OOD score tied with the lowest ID score adds no
    // threshold and changes no ID count, so the ID side of the sweep is that of the ID scores alone.
    point = fprAtTprIdFromSweep(rocSweep({ idScores: finite, oodScores: Float64Array.of(lowest) }), targetTpr);
  } catch (error) {
    if (error instanceof MetricsError)
      throw new MiningError(MiningErrorCode.InvalidInput, `calibration scores: ${error.message}`, { code: error.code });
    throw error;
  }
  if (point.threshold === Number.MAX_VALUE) {
    throw new MiningError(
      MiningErrorCode.InvalidInput,
      `the threshold at ID TPR ${targetTpr} falls among scores that overflow float32 (+Infinity, debiased clamp hits at a low temperature); choose a lower TPR, a higher temperature or give the threshold`,
      { targetTpr },
    );
  }
  return { threshold: point.threshold, targetTpr, achievedTpr: point.idRecall, calibrationSize: idScores.length };
}

export interface OperatingPoint {
  /** Fraction of ID scores accepted (score >= threshold). */
  readonly idTpr: number;
  /** Fraction of OOD scores accepted as ID (score >= threshold): the FPR in the ID-positive convention. */
  readonly oodFpr: number;
}

/** What a detector's threshold does to a labelled pair of score sets (e.g. an evaluation's ID and one OOD set). */
export function operatingPointAt(
  threshold: number,
  idScores: ArrayLike<number>,
  oodScores: ArrayLike<number>,
): OperatingPoint {
  if (idScores.length === 0 || oodScores.length === 0) {
    throw new MiningError(MiningErrorCode.InvalidInput, 'an operating point needs at least one ID and one OOD score');
  }
  const accepted = (scores: ArrayLike<number>): number => {
    let count = 0;
    for (let i = 0; i < scores.length; i++) if (scores[i]! >= threshold) count++;
    return count / scores.length;
  };
  return { idTpr: accepted(idScores), oodFpr: accepted(oodScores) };
}
