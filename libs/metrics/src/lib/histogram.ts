// ID and OOD score histograms on one shared set of equal-width bins (public), for plotting the two
// distributions against each other. Bins follow numpy.histogram: [e_i, e_i+1), the last one closed.
import { rocSweep, type RocSweep } from './roc';
import { validateCountOption, type ScoreSets } from './validate';

export interface ScoreHistograms {
  /** bins + 1 increasing edges from the lowest to the highest pooled score. */
  readonly edges: number[];
  readonly idCounts: number[];
  readonly oodCounts: number[];
}

export const DEFAULT_BINS = 50;

/**
 * Walks the distinct scores upwards (the sweep is already sorted), so each group is placed by a
 * moving bin pointer instead of a division, and counts always agree with the reported edges.
 */
export function histogramsFromSweep(sweep: RocSweep, bins: number = DEFAULT_BINS): ScoreHistograms {
  validateCountOption('bins', bins, 1);
  const { thresholds, idAccepted, oodAccepted } = sweep;
  const last = thresholds.length - 1;
  let low = thresholds[last]!;
  let high = thresholds[0]!;
  if (low === high) {
    // numpy widens an empty range by 0.5 on each side so a single value gets a centred bin.
    low -= 0.5;
    high += 0.5;
  }
  const edges = new Array<number>(bins + 1);
  // A convex combination never overflows, even for scores near ±Number.MAX_VALUE.
  for (let e = 0; e <= bins; e++) edges[e] = e === bins ? high : low * (1 - e / bins) + high * (e / bins);
  const idCounts = new Array<number>(bins).fill(0);
  const oodCounts = new Array<number>(bins).fill(0);
  let bin = 0;
  for (let k = last; k >= 0; k--) {
    const value = thresholds[k]!;
    while (bin < bins - 1 && value >= edges[bin + 1]!) bin++;
    idCounts[bin]! += idAccepted[k]! - (k > 0 ? idAccepted[k - 1]! : 0);
    oodCounts[bin]! += oodAccepted[k]! - (k > 0 ? oodAccepted[k - 1]! : 0);
  }
  return { edges, idCounts, oodCounts };
}

/** Histograms of the ID and the OOD scores on `bins` shared equal-width bins. */
export function scoreHistograms(sets: ScoreSets, bins: number = DEFAULT_BINS): ScoreHistograms {
  validateCountOption('bins', bins, 1);
  return histogramsFromSweep(rocSweep(sets), bins);
}
