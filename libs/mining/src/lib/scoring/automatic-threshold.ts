// TANL's automatic admission threshold (official `find_best_threshold`): over the grid t = i/100,
// i = 0..99, the t minimising the within-class variance w0·var0 + w1·var1 of the scores split at
// t (class 1: score ≥ t; an empty class gives +∞), Otsu's criterion; among equal minima the middle
// one (index ⌊m/2⌋ of the m candidates in grid order). Internal.

export const THRESHOLD_GRID_SIZE = 100;

function withinClassVariance(scores: Float64Array, length: number, threshold: number): number {
  let n1 = 0;
  let sum1 = 0;
  let sum0 = 0;
  for (let i = 0; i < length; i++) {
    const v = scores[i]!;
    if (v >= threshold) {
      n1 += 1;
      sum1 += v;
    } else sum0 += v;
  }
  const n0 = length - n1;
  if (n1 === 0 || n0 === 0) return Infinity;
  const mean1 = sum1 / n1;
  const mean0 = sum0 / n0;
  let sq1 = 0;
  let sq0 = 0;
  for (let i = 0; i < length; i++) {
    const v = scores[i]!;
    if (v >= threshold) sq1 += (v - mean1) * (v - mean1);
    else sq0 += (v - mean0) * (v - mean0);
  }
  return (n0 / length) * (sq0 / n0) + (n1 / length) * (sq1 / n1);
}

/** The threshold for the first `length` values of `scores`. */
export function automaticThreshold(scores: Float64Array, length: number): number {
  const criteria = new Float64Array(THRESHOLD_GRID_SIZE);
  let min = Infinity;
  for (let i = 0; i < THRESHOLD_GRID_SIZE; i++) {
    criteria[i] = withinClassVariance(scores, length, i / 100);
    min = Math.min(min, criteria[i]!);
  }
  const candidates: number[] = [];
  for (let i = 0; i < THRESHOLD_GRID_SIZE; i++) if (criteria[i] === min) candidates.push(i);
  return candidates[Math.floor(candidates.length / 2)]! / 100;
}
