// evaluate (public): every OOD-detection metric of negmine from ONE sort of the pooled scores.
// Scores are "higher = more in-distribution"; no caller negates anything.
import { aurocFromSweep } from './auroc';
import { auprInFromSweep, auprOutFromSweep } from './aupr';
import { fprAtTprIdFromSweep, fprAtTprOodFromSweep } from './fpr-at-tpr';
import { DEFAULT_BINS, histogramsFromSweep, type ScoreHistograms } from './histogram';
import { sortPooledScores } from './pooled-sort';
import { DEFAULT_ROC_POINTS, rocCurveFromSweep, sweepSortedPool, type RocCurve } from './roc';
import { DEFAULT_RECALL, validateCountOption, validateRecall, validateScoreSets, type ScoreSets } from './validate';

export interface EvaluateOptions {
  /** Recall level of both FPR metrics, in (0, 1]. Default 0.95. */
  readonly recall?: number;
  /** Maximum number of ROC points returned (ends always included), integer >= 2. Default 200. */
  readonly rocPoints?: number;
  /** Number of shared histogram bins, integer >= 1. Default 50. */
  readonly bins?: number;
}

export interface OodMetrics {
  /** ID positive: fraction of OOD accepted at the threshold whose ID recall is closest to `recall`. */
  readonly fprAtTprId: number;
  /** OOD positive (OpenOOD v1.5): fraction of ID rejected at the first point with OOD recall >= `recall`. */
  readonly fprAtTprOod: number;
  readonly auroc: number;
  readonly auprIn: number;
  readonly auprOut: number;
  /** Score threshold of fprAtTprId: scores >= it are accepted as ID. */
  readonly thresholdAtTprId: number;
  /** ID recall reached at thresholdAtTprId. */
  readonly idRecallAtThreshold: number;
  readonly recall: number;
  readonly roc: RocCurve;
  readonly histograms: ScoreHistograms;
  readonly nId: number;
  readonly nOod: number;
}

/** All metrics of ID against OOD scores; O(n log n) in the sort, O(n) for everything after it. */
export function evaluate(sets: ScoreSets, options: EvaluateOptions = {}): OodMetrics {
  const recall = validateRecall(options.recall ?? DEFAULT_RECALL);
  const rocPoints = validateCountOption('rocPoints', options.rocPoints ?? DEFAULT_ROC_POINTS, 2);
  const bins = validateCountOption('bins', options.bins ?? DEFAULT_BINS, 1);
  validateScoreSets(sets);
  const sweep = sweepSortedPool(sortPooledScores(sets.idScores, sets.oodScores));
  const atTprId = fprAtTprIdFromSweep(sweep, recall);
  return {
    fprAtTprId: atTprId.fpr,
    fprAtTprOod: fprAtTprOodFromSweep(sweep, recall),
    auroc: aurocFromSweep(sweep),
    auprIn: auprInFromSweep(sweep),
    auprOut: auprOutFromSweep(sweep),
    thresholdAtTprId: atTprId.threshold,
    idRecallAtThreshold: atTprId.idRecall,
    recall,
    roc: rocCurveFromSweep(sweep, rocPoints),
    histograms: histogramsFromSweep(sweep, bins),
    nId: sweep.nId,
    nOod: sweep.nOod,
  };
}
