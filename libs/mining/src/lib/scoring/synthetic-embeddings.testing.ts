// Small deterministic CLIP-like embedding sets for the scoring specs (not exported by the lib):
// labels are random unit directions; an image is a label direction plus Gaussian noise.
import type { EmbeddingMatrix } from './ood-score-method';
import { SeededRandom } from './seeded-random';

export class SyntheticEmbeddings {
  private readonly random: SeededRandom;

  constructor(
    seed: number,
    readonly dim: number,
  ) {
    this.random = new SeededRandom(seed);
  }

  private gaussian(): number {
    const u = (this.random.nextUint32() + 1) / 4294967297;
    const v = this.random.nextUint32() / 4294967296;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `rows` random directions with raw norms in [5, 10) (methods must normalise). */
  labels(rows: number): EmbeddingMatrix {
    const data = new Float32Array(rows * this.dim);
    for (let r = 0; r < rows; r++) {
      const scale = 5 + (this.random.nextUint32() / 4294967296) * 5;
      for (let c = 0; c < this.dim; c++) data[r * this.dim + c] = this.gaussian() * scale;
    }
    return { data, rows, cols: this.dim };
  }

  /** For each entry of `around`, one image = normalised row of `labels` + noise of norm ≈ `noise`. */
  imagesNear(labels: EmbeddingMatrix, around: readonly number[], noise: number): EmbeddingMatrix {
    const data = new Float32Array(around.length * this.dim);
    around.forEach((label, i) => {
      let norm = 0;
      for (let c = 0; c < this.dim; c++) norm += labels.data[label * this.dim + c]! ** 2;
      const perComponent = noise / Math.sqrt(this.dim);
      for (let c = 0; c < this.dim; c++) {
        data[i * this.dim + c] = labels.data[label * this.dim + c]! / Math.sqrt(norm) + this.gaussian() * perComponent;
      }
    });
    return { data, rows: around.length, cols: this.dim };
  }
}

/** Stacks matrices of equal width. */
export function stackRows(...parts: EmbeddingMatrix[]): EmbeddingMatrix {
  const cols = parts[0]!.cols;
  const rows = parts.reduce((sum, p) => sum + p.rows, 0);
  const data = new Float32Array(rows * cols);
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { data, rows, cols };
}

/** Rows of `matrix` as float64 L2-normalised vectors. */
export function unitRows(matrix: EmbeddingMatrix): Float64Array[] {
  return Array.from({ length: matrix.rows }, (_, r) => {
    const row = Float64Array.from(matrix.data.subarray(r * matrix.cols, (r + 1) * matrix.cols));
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
    return row.map((v) => v / norm);
  });
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
