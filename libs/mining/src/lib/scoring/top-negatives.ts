// The k corpus entries with the largest selection key, in descending key order (ties: lower index
// first), plus the margins that say how close the cut and the ranking were. Internal (TANL).

export interface TopSelection {
  /** Corpus indices, key descending. */
  readonly indices: Int32Array;
  /** (key of the k-th − key of the (k+1)-th) / max |key|: how far the cut is from a swap. */
  readonly cutMargin: number | null;
  /** Smallest gap between consecutive selected keys / max |key|: how far the ranking is from a swap. */
  readonly rankMargin: number | null;
}

export function topByKey(key: Float64Array, k: number): TopSelection {
  const count = key.length;
  // A native numeric sort of the values finds the k-th largest key; only the k winners are then
  // ordered with a comparator.
  const sorted = Float64Array.from(key).sort();
  const kth = sorted[count - k]!;
  const indices = new Int32Array(k);
  let filled = 0;
  for (let i = 0; i < count && filled < k; i++) if (key[i]! > kth) indices[filled++] = i;
  for (let i = 0; i < count && filled < k; i++) if (key[i] === kth) indices[filled++] = i;
  indices.sort((a, b) => key[b]! - key[a]! || a - b);
  const scale = Math.max(Math.abs(sorted[0]!), Math.abs(sorted[count - 1]!)) || 1;
  let rankGap = Infinity;
  for (let i = count - k; i < count - 1; i++) rankGap = Math.min(rankGap, sorted[i + 1]! - sorted[i]!);
  const cutGap = k < count ? kth - sorted[count - k - 1]! : Infinity;
  // null, not Infinity, when there is no next key or a single winner: diagnostics are stored as JSON.
  return {
    indices,
    cutMargin: Number.isFinite(cutGap) ? cutGap / scale : null,
    rankMargin: Number.isFinite(rankGap) ? rankGap / scale : null,
  };
}
