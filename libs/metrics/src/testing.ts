// Test helpers of @negmine/metrics (not runtime API): a slow, literal reference of every metric,
// written the way the reference code states it (explicit threshold lists, pair counting), so
// specs can check the one-sort implementation against an independent formulation.

export interface NaiveMetrics {
  readonly fprAtTprId: number;
  readonly thresholdAtTprId: number;
  readonly fprAtTprOod: number;
  readonly auroc: number;
  readonly auprIn: number;
  readonly auprOut: number;
}

function countAtLeast(scores: readonly number[], threshold: number): number {
  let count = 0;
  for (const s of scores) if (s >= threshold) count++;
  return count;
}

function countAtMost(scores: readonly number[], threshold: number): number {
  let count = 0;
  for (const s of scores) if (s <= threshold) count++;
  return count;
}

/** Distinct values, descending; -0 and +0 are one value. */
function distinctDescending(values: readonly number[]): number[] {
  return [...new Set(values.map((v) => v + 0))].sort((a, b) => b - a);
}

/** Average precision of positives against negatives, thresholds at distinct values (high to low). */
function averagePrecision(positives: readonly number[], negatives: readonly number[]): number {
  let ap = 0;
  let previousRecall = 0;
  for (const t of distinctDescending([...positives, ...negatives])) {
    const tp = countAtLeast(positives, t);
    const fp = countAtLeast(negatives, t);
    const recall = tp / positives.length;
    ap += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
  }
  return ap;
}

/** O(n^2) reference of the metrics; for small hand-made or generated inputs only. */
export function naiveOodMetrics(idInput: ArrayLike<number>, oodInput: ArrayLike<number>, recall = 0.95): NaiveMetrics {
  const id = Array.from(idInput);
  const ood = Array.from(oodInput);
  const pooled = [...id, ...ood];

  let wins = 0;
  for (const a of id) for (const b of ood) wins += a > b ? 1 : a === b ? 0.5 : 0;
  const auroc = wins / (id.length * ood.length);

  // ID positive: candidate thresholds from the top down to the first one with full ID recall;
  // the closest recall wins, a tie goes to the lower threshold.
  let chosen: { distance: number; threshold: number; fpr: number } | undefined;
  for (const t of distinctDescending(pooled)) {
    const idRecall = countAtLeast(id, t) / id.length;
    const candidate = { distance: Math.abs(idRecall - recall), threshold: t, fpr: countAtLeast(ood, t) / ood.length };
    if (
      chosen === undefined ||
      candidate.distance < chosen.distance ||
      (candidate.distance === chosen.distance && t < chosen.threshold)
    ) {
      chosen = candidate;
    }
    if (idRecall === 1) break;
  }

  // OOD positive, scikit-learn roc_curve(is_ood, -score) with drop_intermediate=True, then the first
  // point with tpr >= recall (OpenOOD v1.5).
  const ascending = distinctDescending(pooled).reverse();
  const tps = ascending.map((t) => countAtMost(ood, t));
  const fps = ascending.map((t) => countAtMost(id, t));
  const kept = ascending
    .map((_, i) => i)
    .filter((i) => {
      if (i === 0 || i === ascending.length - 1) return true;
      const secondDiffFps = fps[i + 1]! - 2 * fps[i]! + fps[i - 1]!;
      const secondDiffTps = tps[i + 1]! - 2 * tps[i]! + tps[i - 1]!;
      return secondDiffFps !== 0 || secondDiffTps !== 0;
    });
  const rocTpr = [0, ...kept.map((i) => tps[i]! / ood.length)];
  const rocFpr = [0, ...kept.map((i) => fps[i]! / id.length)];
  const firstReaching = rocTpr.findIndex((tpr) => tpr >= recall);

  return {
    fprAtTprId: chosen!.fpr,
    thresholdAtTprId: chosen!.threshold,
    fprAtTprOod: rocFpr[firstReaching]!,
    auroc,
    auprIn: averagePrecision(id, ood),
    auprOut: averagePrecision(
      ood.map((s) => -s),
      id.map((s) => -s),
    ),
  };
}
