// The q-quantile with linear interpolation, as torch.quantile / numpy.quantile(method='linear')
// compute it, including their two-sided lerp (which keeps the result exact at both ends). Internal.

/** Position of the q-quantile among `count` ascending values: the lower rank and the interpolation weight. */
export function quantileRank(count: number, q: number): { lower: number; upper: number; weight: number } {
  const rank = q * (count - 1);
  const lower = Math.floor(rank);
  return { lower, upper: Math.min(count - 1, Math.ceil(rank)), weight: rank - lower };
}

/** torch.lerp / numpy._lerp: a + w·(b − a) for w < 0.5, else b − (b − a)·(1 − w). */
export function lerp(below: number, above: number, weight: number): number {
  const difference = above - below;
  return weight < 0.5 ? below + difference * weight : above - difference * (1 - weight);
}
