// AUROC (public): area under the ID-positive ROC curve, equal to scikit-learn's roc_auc_score,
// where a tied ID/OOD pair counts one half.
import { rocSweep, type RocSweep } from './roc';
import type { ScoreSets } from './validate';

/**
 * Trapezoids over the distinct-threshold sweep. The numerator sum(dOod * (id_k + id_{k-1})) is a
 * whole number, so it is accumulated exactly (below 2^53, i.e. nId * nOod < 4.5e15) and divided
 * once; the only rounding is that final division.
 */
export function aurocFromSweep(sweep: RocSweep): number {
  const { idAccepted, oodAccepted } = sweep;
  let twiceArea = 0;
  let previousId = 0;
  let previousOod = 0;
  for (let k = 0; k < idAccepted.length; k++) {
    const id = idAccepted[k]!;
    const ood = oodAccepted[k]!;
    twiceArea += (ood - previousOod) * (id + previousId);
    previousId = id;
    previousOod = ood;
  }
  return twiceArea / (2 * sweep.nId * sweep.nOod);
}

/** Probability that a random ID score exceeds a random OOD score, ties counting one half. */
export function auroc(sets: ScoreSets): number {
  return aurocFromSweep(rocSweep(sets));
}
