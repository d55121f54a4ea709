// Validation and L2 normalisation of the embedding matrices a scoring method receives. Internal.
import { MiningError, MiningErrorCode } from '../errors';
import type { EmbeddingMatrix } from './ood-score-method';

/** Checks shape, finiteness and non-zero rows; `what` names the input in error messages. */
export function checkEmbeddings(what: string, matrix: EmbeddingMatrix, dim?: number): void {
  const { data, rows, cols } = matrix;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || data.length !== rows * cols) {
    throw new MiningError(
      MiningErrorCode.ShapeMismatch,
      `${what} must be a non-empty rows × d matrix with rows·d values; got rows=${rows}, d=${cols}, ${data.length} values`,
      { input: what, rows, cols, length: data.length },
    );
  }
  if (dim !== undefined && cols !== dim) {
    throw new MiningError(MiningErrorCode.ShapeMismatch, `${what} has dimension ${cols}, but the images have ${dim}; all embeddings must share d`, {
      input: what,
      dim: cols,
      expected: dim,
    });
  }
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c]!;
      if (!Number.isFinite(v)) {
        throw new MiningError(MiningErrorCode.NonFiniteValue, `${what} row ${r} holds a non-finite value (${v}); embeddings must be finite`, { input: what, row: r });
      }
      norm += v * v;
    }
    if (norm === 0) {
      throw new MiningError(MiningErrorCode.InvalidInput, `${what} row ${r} is all zeros and cannot be L2-normalised`, { input: what, row: r });
    }
  }
}

/** Rows [start, start + count) L2-normalised in float64, row-major. */
export function normalizedRows(matrix: EmbeddingMatrix, start = 0, count = matrix.rows): Float64Array {
  const { data, cols } = matrix;
  const out = new Float64Array(count * cols);
  for (let r = 0; r < count; r++) {
    const base = (start + r) * cols;
    let norm = 0;
    for (let c = 0; c < cols; c++) norm += data[base + c]! * data[base + c]!;
    const inverse = 1 / Math.sqrt(norm);
    for (let c = 0; c < cols; c++) out[r * cols + c] = data[base + c]! * inverse;
  }
  return out;
}
