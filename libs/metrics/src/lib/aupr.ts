// AUPR-In and AUPR-Out (public): scikit-learn's average_precision_score (step-wise, no
// interpolation, thresholds at distinct values) with ID positive, and with OOD positive on negated
// scores (the NegLabel / paper convention), both read off the one ID-positive sweep.
import { rocSweep, type RocSweep } from './roc';
import type { ScoreSets } from './validate';

/** Neumaier-compensated running sum, so millions of small terms do not drift. */
class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(term: number): void {
    const next = this.sum + term;
    this.compensation += Math.abs(this.sum) >= Math.abs(term) ? this.sum - next + term : term - next + this.sum;
    this.sum = next;
  }

  value(): number {
    return this.sum + this.compensation;
  }
}

/** AP with ID positive: sum over distinct thresholds (high to low) of dRecall * precision. */
export function auprInFromSweep(sweep: RocSweep): number {
  const { idAccepted, oodAccepted } = sweep;
  const total = new CompensatedSum();
  let previousId = 0;
  for (let k = 0; k < idAccepted.length; k++) {
    const id = idAccepted[k]!;
    if (id !== previousId) total.add((id - previousId) * (id / (id + oodAccepted[k]!)));
    previousId = id;
  }
  return total.value() / sweep.nId;
}

/**
 * AP with OOD positive on negated scores: thresholds run from the lowest score up, and a sample is
 * flagged OOD when score <= threshold. At the distinct score with sweep index k the flagged counts
 * are everything below the sweep entry k-1: OOD nOod - oodAccepted[k-1], ID nId - idAccepted[k-1].
 */
export function auprOutFromSweep(sweep: RocSweep): number {
  const { idAccepted, oodAccepted, nId, nOod } = sweep;
  const total = new CompensatedSum();
  for (let k = idAccepted.length - 1; k >= 0; k--) {
    const oodAbove = k > 0 ? oodAccepted[k - 1]! : 0;
    const idAbove = k > 0 ? idAccepted[k - 1]! : 0;
    const oodGained = oodAccepted[k]! - oodAbove;
    if (oodGained === 0) continue;
    const oodFlagged = nOod - oodAbove;
    total.add(oodGained * (oodFlagged / (oodFlagged + nId - idAbove)));
  }
  return total.value() / nOod;
}

/** Average precision with ID as the positive class (scikit-learn average_precision_score). */
export function auprIn(sets: ScoreSets): number {
  return auprInFromSweep(rocSweep(sets));
}

/** Average precision with OOD as the positive class on negated scores. */
export function auprOut(sets: ScoreSets): number {
  return auprOutFromSweep(rocSweep(sets));
}
