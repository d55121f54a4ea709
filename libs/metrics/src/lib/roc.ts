// The distinct-threshold ROC sweep every metric is derived from (public), and the ROC curve
// downsampled for plotting. Thresholds sit only at distinct score values, so tied scores always
// enter together (scikit-learn `_binary_clf_curve`).
import { sortPooledScores, type SortedPool } from './pooled-sort';
import { validateCountOption, validateScoreSets, type ScoreSets } from './validate';

/**
 * Cumulative counts at each distinct score, from the highest score down. At index k a sample is
 * accepted as ID when its score >= thresholds[k]; idAccepted[k] / oodAccepted[k] count the ID / OOD
 * samples accepted. The last entry accepts everything (idAccepted = nId, oodAccepted = nOod).
 */
export interface RocSweep {
  readonly thresholds: Float64Array;
  readonly idAccepted: Uint32Array;
  readonly oodAccepted: Uint32Array;
  readonly nId: number;
  readonly nOod: number;
}

/** ID-positive ROC curve: fpr = OOD accepted fraction, tpr = ID recall, at score >= thresholds[i]. */
export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
  /** Decreasing; the first point (0, 0) has threshold +Infinity, as in scikit-learn's roc_curve. */
  readonly thresholds: number[];
}

export const DEFAULT_ROC_POINTS = 200;

/** Groups a sorted pool into the distinct-threshold sweep in one pass from the top. */
export function sweepSortedPool(pool: SortedPool): RocSweep {
  const { values, isOod } = pool;
  const n = values.length;
  // Sized exactly: tied scores (float32 scores often are) need far fewer entries than samples.
  let distinctCount = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i++) if (values[i] !== values[i - 1]) distinctCount++;
  const thresholds = new Float64Array(distinctCount);
  // Counts fit 32 bits: 2^32 pooled scores would already need a 32 GiB pool buffer.
  const idAccepted = new Uint32Array(distinctCount);
  const oodAccepted = new Uint32Array(distinctCount);
  let distinct = 0;
  let ood = 0;
  let i = n - 1;
  while (i >= 0) {
    const value = values[i]!;
    let j = i;
    while (j >= 0 && values[j] === value) {
      ood += isOod[j]!;
      j--;
    }
    thresholds[distinct] = value;
    oodAccepted[distinct] = ood;
    idAccepted[distinct] = n - 1 - j - ood;
    distinct++;
    i = j;
  }
  return { thresholds, idAccepted, oodAccepted, nId: pool.nId, nOod: pool.nOod };
}

/** Validates the sets, sorts them once and returns the sweep. */
export function rocSweep(sets: ScoreSets): RocSweep {
  validateScoreSets(sets);
  return sweepSortedPool(sortPooledScores(sets.idScores, sets.oodScores));
}

/**
 * The ROC curve (origin included) reduced to at most `maxPoints` points evenly spaced by index
 * along the sweep; the first (0, 0) and the last (1, 1) point are always kept.
 */
export function rocCurveFromSweep(sweep: RocSweep, maxPoints: number = DEFAULT_ROC_POINTS): RocCurve {
  validateCountOption('rocPoints', maxPoints, 2);
  const total = sweep.thresholds.length + 1; // + the origin
  const count = Math.min(total, maxPoints);
  const fpr = new Array<number>(count);
  const tpr = new Array<number>(count);
  const thresholds = new Array<number>(count);
  for (let p = 0; p < count; p++) {
    const point = count === total ? p : Math.round((p * (total - 1)) / (count - 1));
    if (point === 0) {
      fpr[p] = 0;
      tpr[p] = 0;
      thresholds[p] = Number.POSITIVE_INFINITY;
    } else {
      fpr[p] = sweep.oodAccepted[point - 1]! / sweep.nOod;
      tpr[p] = sweep.idAccepted[point - 1]! / sweep.nId;
      thresholds[p] = sweep.thresholds[point - 1]!;
    }
  }
  return { fpr, tpr, thresholds };
}

/** ROC curve of ID (positive) against OOD, downsampled to at most `maxPoints` points. */
export function rocCurve(sets: ScoreSets, maxPoints: number = DEFAULT_ROC_POINTS): RocCurve {
  validateCountOption('rocPoints', maxPoints, 2);
  return rocCurveFromSweep(rocSweep(sets), maxPoints);
}
