// Plain float64 reference implementations for the selection specs (nested loops: specs only).
import type { EmbeddingMatrix } from './embedding-matrix';
import { lerp, quantileRank } from './linear-quantile';

function unit(matrix: EmbeddingMatrix): { units: Float64Array[]; norms: number[] } {
  const units: Float64Array[] = [];
  const norms: number[] = [];
  for (let r = 0; r < matrix.rows; r++) {
    const row = Float64Array.from(matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols));
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
    units.push(row.map((v) => v / norm));
    norms.push(norm);
  }
  return { units, norms };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** ρ_i by brute force over the full N×N distance matrix. */
export function referenceKnnLogDensity(
  matrix: EmbeddingMatrix,
  k: number,
  distance: 'official' | 'cosine',
): Float64Array {
  const { units, norms } = unit(matrix);
  const out = new Float64Array(matrix.rows);
  for (let i = 0; i < matrix.rows; i++) {
    const row: number[] = [];
    for (let j = 0; j < matrix.rows; j++) {
      if (distance === 'cosine' && j === i) continue;
      const cosine = dot(units[i]!, units[j]!);
      row.push(distance === 'official' ? norms[i]! + norms[j]! - 2 * cosine : 2 - 2 * cosine);
    }
    row.sort((a, b) => a - b);
    const taken = distance === 'official' ? k + 1 : k;
    out[i] = row.slice(0, taken).reduce((s, v) => s + Math.log(v), 0) / taken;
  }
  return out;
}

/** ψ_n and the largest cosine by brute force (full sort of the K cosines). */
export function referenceIdQuantile(
  candidates: EmbeddingMatrix,
  labels: EmbeddingMatrix,
  q: number,
): { quantile: Float64Array; maximum: Float64Array } {
  const c = unit(candidates).units;
  const l = unit(labels).units;
  const quantile = new Float64Array(candidates.rows);
  const maximum = new Float64Array(candidates.rows);
  const { lower, upper, weight } = quantileRank(labels.rows, q);
  for (let i = 0; i < candidates.rows; i++) {
    const cosines = l.map((label) => dot(c[i]!, label)).sort((a, b) => a - b);
    quantile[i] = lerp(cosines[lower]!, cosines[upper]!, weight);
    maximum[i] = cosines[cosines.length - 1]!;
  }
  return { quantile, maximum };
}
