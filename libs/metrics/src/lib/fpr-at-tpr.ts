// FPR at a recall level in the two conventions of the field (public), never as a bare "fpr95":
// fprAtTprId (ID positive; MCM, NegLabel and the paper's code) and fprAtTprOod (OOD positive;
// OpenOOD v1.5). Both are read off the same ID-positive distinct-threshold sweep.
import { rocSweep, type RocSweep } from './roc';
import { DEFAULT_RECALL, validateRecall, type ScoreSets } from './validate';

export interface FprAtTprIdPoint {
  /** Fraction of OOD samples accepted as ID (score >= threshold). */
  readonly fpr: number;
  /** The chosen threshold: samples with score >= threshold are accepted as ID. */
  readonly threshold: number;
  /** The ID recall actually reached at that threshold. */
  readonly idRecall: number;
}

/**
 * ID positive (NegLabel `mmcls/utils/ood_evaluate.py`, the paper's `utils/detection_util.py`,
 * `fpr_and_fdr_at_recall`): among the distinct thresholds from the highest score down to the first
 * one reaching full ID recall, take the one whose ID recall is closest to `recall`. The reference
 * scans that list from full recall downwards and keeps the first minimum (numpy argmin), so any tie
 * of distance goes to the lower threshold: the higher recall, or among equal recalls the one that
 * accepts more OOD.
 */
export function fprAtTprIdFromSweep(sweep: RocSweep, recall: number = DEFAULT_RECALL): FprAtTprIdPoint {
  validateRecall(recall);
  const { idAccepted, oodAccepted, thresholds, nId, nOod } = sweep;
  let fullRecall = 0;
  while (idAccepted[fullRecall]! < nId) fullRecall++;
  let best = fullRecall;
  let bestDistance = Math.abs(idAccepted[best]! / nId - recall);
  for (let k = fullRecall - 1; k >= 0; k--) {
    const distance = Math.abs(idAccepted[k]! / nId - recall);
    if (distance < bestDistance) {
      best = k;
      bestDistance = distance;
    }
  }
  return { fpr: oodAccepted[best]! / nOod, threshold: thresholds[best]!, idRecall: idAccepted[best]! / nId };
}

/**
 * OOD positive (OpenOOD v1.5 `openood/evaluators/metrics.py`, `auc_and_fpr_recall`): scikit-learn
 * `roc_curve(ood_indicator, -score)`, then the FPR (fraction of ID flagged OOD) at the first ROC
 * point whose OOD TPR >= `recall`. roc_curve keeps its default drop_intermediate=True, which removes
 * interior points collinear with both neighbours (equal count steps before and after); when the
 * first qualifying point is such a point, OpenOOD reports the next point kept, and so do we. This
 * only matters for runs of tied groups with identical ID/OOD composition.
 */
export function fprAtTprOodFromSweep(sweep: RocSweep, recall: number = DEFAULT_RECALL): number {
  validateRecall(recall);
  const { idAccepted, oodAccepted, nId, nOod } = sweep;
  const last = idAccepted.length - 1;
  // OOD-positive point j (j = 0 at the lowest score) is the sweep index k = last - j; the samples
  // flagged OOD there are those below sweep entry k - 1.
  const oodFlagged = (j: number): number => (j === last ? nOod : nOod - oodAccepted[last - j - 1]!);
  const idFlagged = (j: number): number => (j === last ? nId : nId - idAccepted[last - j - 1]!);
  let j = 0;
  while (oodFlagged(j) / nOod < recall) j++;
  while (j > 0 && j < last && isCollinear(j, oodFlagged, idFlagged)) j++;
  return idFlagged(j) / nId;
}

/** True when point j steps by exactly the same (ID, OOD) counts from j-1 as to j+1. */
function isCollinear(j: number, ood: (j: number) => number, id: (j: number) => number): boolean {
  return ood(j) - ood(j - 1) === ood(j + 1) - ood(j) && id(j) - id(j - 1) === id(j + 1) - id(j);
}

/** ID-positive FPR at the threshold whose ID recall is closest to `recall` (default 0.95). */
export function fprAtTprId(sets: ScoreSets, recall: number = DEFAULT_RECALL): number {
  validateRecall(recall);
  return fprAtTprIdFromSweep(rocSweep(sets), recall).fpr;
}

/** OpenOOD v1.5 FPR: fraction of ID rejected at the first point where OOD recall >= `recall`. */
export function fprAtTprOod(sets: ScoreSets, recall: number = DEFAULT_RECALL): number {
  validateRecall(recall);
  return fprAtTprOodFromSweep(rocSweep(sets), recall);
}
