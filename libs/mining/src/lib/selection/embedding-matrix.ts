// Checks every embedding matrix gets before selection math runs (shape, finiteness, non-zero rows),
// and the row norms / unit rows the strategies share. The matrix type is the lib's one EmbeddingMatrix. Internal.
import { MiningError, MiningErrorCode } from '../errors';
import type { EmbeddingMatrix } from '../scoring/ood-score-method';

export type { EmbeddingMatrix };

/** Throws a typed error unless `matrix` is a well-formed, finite, non-empty matrix with no zero rows. */
export function validateEmbeddingMatrix(matrix: EmbeddingMatrix, what: string): void {
  const { rows, cols, data } = matrix;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new MiningError(
      MiningErrorCode.ShapeMismatch,
      `${what} must have at least one row and one column (rows × dim); got ${rows} × ${cols}`,
      {
        what,
        rows,
        cols,
      },
    );
  }
  if (data.length !== rows * cols) {
    throw new MiningError(
      MiningErrorCode.ShapeMismatch,
      `${what} is declared ${rows} × ${cols} (${rows * cols} values) but holds ${data.length}`,
      {
        what,
        rows,
        cols,
        length: data.length,
      },
    );
  }
  for (let row = 0; row < rows; row++) {
    let squares = 0;
    for (let col = row * cols, end = col + cols; col < end; col++) {
      const value = data[col]!;
      if (!Number.isFinite(value)) {
        throw new MiningError(
          MiningErrorCode.NonFiniteValue,
          `${what} row ${row}, column ${col - row * cols} is ${value}; embeddings must be finite numbers`,
          {
            what,
            row,
            column: col - row * cols,
          },
        );
      }
      squares += value * value;
    }
    if (squares === 0) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `${what} row ${row} is all zeros and has no direction; every embedding needs a non-zero norm`,
        { what, row },
      );
    }
  }
}

/** Euclidean norm of every row, accumulated in float64. */
export function rowNorms(matrix: EmbeddingMatrix): Float64Array {
  const { rows, cols, data } = matrix;
  const norms = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    let squares = 0;
    for (let col = row * cols, end = col + cols; col < end; col++) squares += data[col]! * data[col]!;
    norms[row] = Math.sqrt(squares);
  }
  return norms;
}

/** Unit rows (each row divided by its float64 norm), written with `cols + extraCols` columns per row. */
export function unitRowsFloat32(matrix: EmbeddingMatrix, norms: Float64Array, extraCols = 0): Float32Array {
  const { rows, cols, data } = matrix;
  const stride = cols + extraCols;
  const out = new Float32Array(rows * stride);
  for (let row = 0; row < rows; row++) {
    const norm = norms[row]!;
    for (let col = 0; col < cols; col++) out[row * stride + col] = data[row * cols + col]! / norm;
  }
  return out;
}

export function unitRowsFloat64(matrix: EmbeddingMatrix, norms: Float64Array): Float64Array {
  const { rows, cols, data } = matrix;
  const out = new Float64Array(rows * cols);
  for (let row = 0; row < rows; row++) {
    const norm = norms[row]!;
    for (let col = 0; col < cols; col++) out[row * cols + col] = data[row * cols + col]! / norm;
  }
  return out;
}
