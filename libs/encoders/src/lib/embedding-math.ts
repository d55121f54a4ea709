// Row-wise helpers on row-major float32 embedding matrices. Internal.

/** L2-normalises each row in place (float64 accumulation); zero rows stay zero. */
export function normalizeRowsInPlace(matrix: Float32Array, dim: number): Float32Array {
  for (let offset = 0; offset < matrix.length; offset += dim) {
    let sumSquares = 0;
    for (let j = 0; j < dim; j++) sumSquares += matrix[offset + j]! * matrix[offset + j]!;
    if (sumSquares === 0) continue;
    const inverseNorm = 1 / Math.sqrt(sumSquares);
    for (let j = 0; j < dim; j++) matrix[offset + j] = matrix[offset + j]! * inverseNorm;
  }
  return matrix;
}
