// Validation and L2 normalisation of the embedding matrices a scoring method receives. Internal.
import { MiningError, MiningErrorCode } from '../errors';
import type { EmbeddingMatrix } from './ood-score-method';

// Module bindings, not a global lookup per value (slow inside jest's vm context; see grouped-softmax.ts).
const { isFinite: isFiniteNumber } = Number;
const { sqrt } = Math;

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
    throw new MiningError(
      MiningErrorCode.ShapeMismatch,
      `${what} has dimension ${cols}, but the images have ${dim}; all embeddings must share d`,
      {
        input: what,
        dim: cols,
        expected: dim,
      },
    );
  }
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c]!;
      if (!isFiniteNumber(v)) {
        throw new MiningError(
          MiningErrorCode.NonFiniteValue,
          `${what} row ${r} holds a non-finite value (${v}); embeddings must be finite`,
          { input: what, row: r },
        );
      }
      norm += v * v;
    }
    if (norm === 0) {
      throw new MiningError(MiningErrorCode.InvalidInput, `${what} row ${r} is all zeros and cannot be L2-normalised`, {
        input: what,
        row: r,
      });
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
    const inverse = 1 / sqrt(norm);
    for (let c = 0; c < cols; c++) out[r * cols + c] = data[base + c]! * inverse;
  }
  return out;
}

export interface RowSelection {
  /** First row (default 0) and row count (default all rows) when `order` is absent. */
  readonly start?: number;
  readonly count?: number;
  /** Output row i is input row order[i] (e.g. negatives in group order). */
  readonly order?: Int32Array;
  /** Factor applied after normalising (1/T folds the temperature into label rows). */
  readonly scale?: number;
}

/**
 * Selected rows L2-normalised (norms in float64) and scaled, written straight into an array of the
 * kernel precision, so no float64 copy of a large label or image matrix is made on the float32 path.
 */
export function normalizedRowsIn(
  precision: 'float32' | 'float64',
  matrix: EmbeddingMatrix,
  selection: RowSelection = {},
): Float32Array | Float64Array {
  const { data, cols } = matrix;
  const start = selection.start ?? 0;
  const count = selection.order?.length ?? selection.count ?? matrix.rows - start;
  const scale = selection.scale ?? 1;
  const out = precision === 'float64' ? new Float64Array(count * cols) : new Float32Array(count * cols);
  for (let r = 0; r < count; r++) {
    const base = (selection.order === undefined ? start + r : selection.order[r]!) * cols;
    let norm = 0;
    for (let c = 0; c < cols; c++) norm += data[base + c]! * data[base + c]!;
    const factor = scale / sqrt(norm);
    for (let c = 0; c < cols; c++) out[r * cols + c] = data[base + c]! * factor;
  }
  return out;
}
