// Reference helpers of the detector specs (not exported by the lib): score comparison that knows
// float32 overflow, and float64 argmax classes with their margin.
import { MatmulKernel } from '../kernels/score-matmul.kernel';
import type { EmbeddingMatrix } from '../scoring/ood-score-method';

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Largest relative error of float32 detector scores against float64 library scores; a library score
 * beyond float32 range (a debiased clamp hit at T = 0.01) must come out as +Infinity.
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i]! > FLOAT32_MAX) {
      if (actual[i] !== Number.POSITIVE_INFINITY) return Infinity;
      continue;
    }
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1e-30));
  }
  return worst;
}

/** Argmax over cosines in float64 (first on ties) and the gap to the runner-up. */
export async function referenceClasses(
  imagesIn: EmbeddingMatrix,
  labels: EmbeddingMatrix,
): Promise<{ classes: Int32Array; gaps: Float64Array }> {
  const unit = (m: EmbeddingMatrix): Float64Array => {
    const out = new Float64Array(m.rows * m.cols);
    for (let r = 0; r < m.rows; r++) {
      let n = 0;
      for (let c = 0; c < m.cols; c++) n += m.data[r * m.cols + c]! ** 2;
      for (let c = 0; c < m.cols; c++) out[r * m.cols + c] = m.data[r * m.cols + c]! / Math.sqrt(n);
    }
    return out;
  };
  const kernel = await MatmulKernel.create(imagesIn.cols, 1, 'float64');
  const cos = await kernel.run(unit(imagesIn), imagesIn.rows, unit(labels), labels.rows);
  await kernel.dispose();
  const classes = new Int32Array(imagesIn.rows);
  const gaps = new Float64Array(imagesIn.rows);
  for (let i = 0; i < imagesIn.rows; i++) {
    let best = 0;
    for (let c = 1; c < labels.rows; c++) if (cos[i * labels.rows + c]! > cos[i * labels.rows + best]!) best = c;
    let second = -Infinity;
    for (let c = 0; c < labels.rows; c++) if (c !== best) second = Math.max(second, cos[i * labels.rows + c]!);
    classes[i] = best;
    gaps[i] = cos[i * labels.rows + best]! - second;
  }
  return { classes, gaps };
}
