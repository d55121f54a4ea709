// The kNN log-density statistic of Debiased Negative Mining (paper Eq. for ρ; official code
// `utils/detection_util.py`): ρ_i = mean of log D_ij over the k+1 smallest D_ij of row i. The
// products run blockwise in onnxruntime (Gemm + TopK), so memory stays O(N·(d + k)), never N×N.
// Symmetry (D_ij = D_ji) is deliberately not exploited: an upper-triangle tiling with TopK along both
// tile axes was measured 1.2–2× slower here, because onnxruntime's TopK on short (tile-wide) rows
// costs about as much as the Gemm it saves. Internal to the selection folder.
import { MiningError, MiningErrorCode } from '../errors';
import { defaultBlockRows, SimilarityTopKKernel } from '../kernels/similarity-topk.kernel';
import type { KernelOptions } from '../kernels/ort-session';
import { rowNorms, type EmbeddingMatrix } from './embedding-matrix';
import type { SelectionPrecision } from './selection-strategy';

/**
 * 'official': D_ij = r_i + r_j − 2·u_i·u_j, mixing raw norms and cosine exactly as the official
 * code does; the candidate itself (D_ii = 2r_i − 2) is one of the k+1 neighbours.
 * 'cosine': the corrected D_ij = 2 − 2·u_i·u_j. Here D_ii = 0 (log undefined), so the k nearest
 * OTHER candidates are used instead of k+1 including itself.
 */
export type KnnDistance = 'official' | 'cosine';

export interface KnnLogDensityOptions {
  readonly k: number;
  readonly distance: KnnDistance;
  readonly precision: SelectionPrecision;
  /** Query rows per onnxruntime call; default from N (~64 MB of float32 scores per block). */
  readonly blockRows?: number;
  /** float64 mode: extra float32 neighbours fetched per row and re-ranked in float64. */
  readonly rerankMargin?: number;
}

export interface KnnLogDensity {
  /** ρ per candidate (float64, length N): mean log distance to its neighbours; small = dense. */
  readonly logDensity: Float64Array;
  /** float64 mode: rows whose float32 shortlist could not be certified and were recomputed in full. */
  readonly fullRowRecomputes: number;
}

/** The `count` smallest float32 distances of every row (row-major N × count, ascending) and their columns. */
interface Shortlist {
  readonly count: number;
  readonly distances: Float32Array;
  readonly indices: Int32Array;
  /** Bound on |float32 distance − exact distance| for any pair (Higham's γ_m on the sum of |terms|). */
  readonly errorBound: number;
}

const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

export async function knnLogDensity(
  matrix: EmbeddingMatrix,
  options: KnnLogDensityOptions,
  kernel: KernelOptions = {},
): Promise<KnnLogDensity> {
  const n = matrix.rows;
  const official = options.distance === 'official';
  // Neighbours taken per row: k+1 including itself (official), or k others (cosine).
  const taken = official ? options.k + 1 : options.k;
  const margin = options.precision === 'float64' ? Math.max(0, options.rerankMargin ?? 16) : 0;
  // Cosine mode fetches one more so the candidate itself can be dropped.
  const fetched = Math.min(n, taken + (official ? 0 : 1) + margin);
  const norms = rowNorms(matrix);
  const shortlist = await rowBlockShortlist(matrix, norms, official, fetched, options.blockRows, kernel);

  const logDensity = new Float64Array(n);
  let fullRowRecomputes = 0;
  const rowDistances = new Float64Array(fetched);
  const rowOrder = new Int32Array(fetched);
  for (let i = 0; i < n; i++) {
    const base = i * fetched;
    if (options.precision === 'float32') {
      let sum = 0;
      let used = 0;
      for (let t = 0; t < fetched && used < taken; t++) {
        const j = shortlist.indices[base + t]!;
        if (!official && j === i) continue;
        sum += logOfDistance(shortlist.distances[base + t]!, i, j);
        used++;
      }
      logDensity[i] = sum / used;
      continue;
    }
    // float64: exact distances for the float32 shortlist, re-ranked.
    let count = 0;
    for (let t = 0; t < fetched; t++) {
      const j = shortlist.indices[base + t]!;
      if (!official && j === i) continue;
      rowDistances[count] = exactDistance(matrix, norms, i, j, official);
      rowOrder[count] = j;
      count++;
    }
    const best = sortedPrefix(rowDistances, rowOrder, count, taken);
    // Any candidate outside the shortlist has a float32 distance ≥ the last one kept, so its exact
    // distance is ≥ that minus the error bound; if the taken-th exact distance is within it, the set is exact.
    const outsideLowerBound = shortlist.distances[base + fetched - 1]! - shortlist.errorBound;
    const certified = fetched === n || best.distances[taken - 1]! <= outsideLowerBound;
    const final = certified ? best : fullRow(matrix, norms, i, official, taken);
    if (!certified) fullRowRecomputes++;
    let sum = 0;
    for (let t = 0; t < taken; t++) sum += logOfDistance(final.distances[t]!, i, final.indices[t]!);
    logDensity[i] = sum / taken;
  }
  return { logDensity, fullRowRecomputes };
}

/**
 * Augmented rows whose products are distances: keys [−2u_j, r_j, 1] against queries [u_i, 1, r_i]
 * give r_i + r_j − 2·u_i·u_j (official); with 1 in place of both norms, 2 − 2·u_i·u_j (cosine).
 * So the graph is just Gemm + TopK, with no elementwise pass over the N-wide score block.
 */
function augmentedRows(
  matrix: EmbeddingMatrix,
  norms: Float64Array,
  official: boolean,
  role: 'key' | 'query',
  from: number,
  to: number,
): Float32Array {
  const { cols: d, data } = matrix;
  const stride = d + 2;
  const out = new Float32Array((to - from) * stride);
  for (let i = from; i < to; i++) {
    const norm = norms[i]!;
    const at = (i - from) * stride;
    const scale = role === 'key' ? -2 : 1;
    for (let c = 0; c < d; c++) out[at + c] = (scale * data[i * d + c]!) / norm;
    const own = official ? norm : 1;
    out[at + d] = role === 'key' ? own : 1;
    out[at + d + 1] = role === 'key' ? 1 : own;
  }
  return out;
}

function errorBoundFor(dim: number, norms: Float64Array, official: boolean): number {
  let maxNorm = 0;
  for (const norm of norms) maxNorm = Math.max(maxNorm, norm);
  const own = official ? maxNorm : 1;
  return 1.01 * (dim + 2 + 4) * FLOAT32_UNIT_ROUNDOFF * (2 + 2 * own);
}

async function rowBlockShortlist(
  matrix: EmbeddingMatrix,
  norms: Float64Array,
  official: boolean,
  count: number,
  blockRows: number | undefined,
  kernel: KernelOptions,
): Promise<Shortlist> {
  const n = matrix.rows;
  const stride = matrix.cols + 2;
  const keys = augmentedRows(matrix, norms, official, 'key', 0, n);
  const distances = new Float32Array(n * count);
  const indices = new Int32Array(n * count);
  const rowsPerBlock = Math.max(1, Math.floor(blockRows ?? defaultBlockRows(n)));
  const topk = await SimilarityTopKKernel.create(
    { keys, keyCount: n, dim: stride, count, largest: false, precision: 'float32' },
    kernel,
  );
  try {
    for (let start = 0; start < n; start += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, n - start);
      const best = await topk.run(augmentedRows(matrix, norms, official, 'query', start, start + rows), rows);
      distances.set(best.values, start * count);
      indices.set(best.indices, start * count);
    }
  } finally {
    await topk.dispose();
  }
  return { count, distances, indices, errorBound: errorBoundFor(matrix.cols, norms, official) };
}

function logOfDistance(distance: number, candidate: number, neighbour: number): number {
  if (!(distance > 0)) {
    throw new MiningError(
      MiningErrorCode.NonPositiveDistance,
      `kNN distance between candidate ${candidate} and its neighbour ${neighbour} is ${distance}; log density needs D > 0 ` +
        `(with distance 'official', D_ii = 2·||t_i|| − 2 needs embedding norms above 1; use distance 'cosine' for unit-norm embeddings)`,
      { candidate, neighbour, distance },
    );
  }
  return Math.log(distance);
}

/** D_ij in float64 from the raw float32 rows (products of float32 values are exact in float64). */
function exactDistance(matrix: EmbeddingMatrix, norms: Float64Array, i: number, j: number, official: boolean): number {
  const { cols: d, data } = matrix;
  let dot = 0;
  for (let c = 0, a = i * d, b = j * d; c < d; c++) dot += data[a + c]! * data[b + c]!;
  const cosine = dot / (norms[i]! * norms[j]!);
  return official ? norms[i]! + norms[j]! - 2 * cosine : 2 - 2 * cosine;
}

interface Neighbours {
  readonly distances: Float64Array;
  readonly indices: Int32Array;
}

/** The `take` smallest (distance, index) pairs of the first `count`, ascending; ties by index. */
function sortedPrefix(distances: Float64Array, indices: Int32Array, count: number, take: number): Neighbours {
  const order = Array.from({ length: count }, (_, t) => t);
  order.sort((a, b) => distances[a]! - distances[b]! || indices[a]! - indices[b]!);
  const out = { distances: new Float64Array(take), indices: new Int32Array(take) };
  for (let t = 0; t < take; t++) {
    out.distances[t] = distances[order[t]!]!;
    out.indices[t] = indices[order[t]!]!;
  }
  return out;
}

/** Exact neighbours of row i over every candidate: the rare fallback when the shortlist is uncertified. */
function fullRow(matrix: EmbeddingMatrix, norms: Float64Array, i: number, official: boolean, take: number): Neighbours {
  const n = matrix.rows;
  const distances = new Float64Array(n);
  const indices = new Int32Array(n);
  let count = 0;
  for (let j = 0; j < n; j++) {
    if (!official && j === i) continue;
    distances[count] = exactDistance(matrix, norms, i, j, official);
    indices[count] = j;
    count++;
  }
  return sortedPrefix(distances, indices, count, take);
}
