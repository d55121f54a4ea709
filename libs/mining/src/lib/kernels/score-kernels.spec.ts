// The scoring kernels against direct float64 sums: the fused group sums (shifted by the row
// maximum) and the plain scaled product, in both precisions.
import { GroupSumsKernel } from './score-group-sums.kernel';
import { MatmulKernel } from './score-matmul.kernel';

const unitRows = (rows: number, dim: number, phase: number): Float64Array => {
  const out = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let c = 0; c < dim; c++) norm += (out[r * dim + c] = Math.sin(phase + 1.7 * r + 0.37 * c * (r + 1))) ** 2;
    for (let c = 0; c < dim; c++) out[r * dim + c] = out[r * dim + c]! / Math.sqrt(norm);
  }
  return out;
};
const dot = (a: Float64Array, i: number, b: Float64Array, j: number, dim: number): number => {
  let s = 0;
  for (let c = 0; c < dim; c++) s += a[i * dim + c]! * b[j * dim + c]!;
  return s;
};

describe('score kernels', () => {
  const dim = 8;
  const images = unitRows(5, dim, 0.1);
  const idText = unitRows(3, dim, 2.3);
  const negText = unitRows(6, dim, 4.1);

  it.each(['float64', 'float32'] as const)(
    'GroupSumsKernel returns row max, ID sum and group sums (%s)',
    async (precision) => {
      const t = 0.05;
      const typed = (x: Float64Array): Float32Array | Float64Array =>
        precision === 'float64' ? x.map((v) => v / t) : Float32Array.from(x, (v) => v / t);
      const kernel = await GroupSumsKernel.create({
        idWeights: typed(idText),
        idCount: 3,
        negWeights: typed(negText),
        groups: 2,
        groupSize: 3,
        dim,
        precision,
      });
      expect(kernel.precision).toBe(precision);
      const out = await kernel.run(images, 5);
      await kernel.dispose();
      const tolerance = precision === 'float64' ? 1e-12 : 1e-5;
      for (let i = 0; i < 5; i++) {
        const id = [0, 1, 2].map((c) => dot(images, i, idText, c, dim) / t);
        const neg = [0, 1, 2, 3, 4, 5].map((n) => dot(images, i, negText, n, dim) / t);
        const max = Math.max(...id, ...neg);
        expect(Math.abs(out.rowMaxLogit[i]! - max)).toBeLessThan(tolerance * 100);
        const idSum = id.reduce((s, l) => s + Math.exp(l - max), 0);
        expect(Math.abs(out.idSum[i]! - idSum) / idSum).toBeLessThan(tolerance);
        for (let j = 0; j < 2; j++) {
          const g = neg.slice(3 * j, 3 * j + 3).reduce((s, l) => s + Math.exp(l - max), 0);
          expect(Math.abs(out.groupSums[i * 2 + j]! - g) / g).toBeLessThan(tolerance);
        }
      }
    },
  );

  it.each([1.5, -1, Number.NaN])('refuses %d onnxruntime threads with a typed error', async (threads) => {
    await expect(MatmulKernel.create(dim, 1, 'float32', { threads })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER',
      message: expect.stringContaining('threads must be a non-negative integer'),
    });
  });

  it('MatmulKernel returns alpha · A · Bᵀ, or only its row maxima', async () => {
    const product = await MatmulKernel.create(dim, 2, 'float64');
    const rowMax = await MatmulKernel.create(dim, 2, 'float64', {}, 'row-max');
    const y = await product.run(images, 5, negText, 6);
    const m = await rowMax.run(images, 5, negText, 6);
    await product.dispose();
    await rowMax.dispose();
    for (let i = 0; i < 5; i++) {
      const row = [0, 1, 2, 3, 4, 5].map((n) => 2 * dot(images, i, negText, n, dim));
      row.forEach((v, n) => expect(y[i * 6 + n]).toBeCloseTo(v, 12));
      expect(m[i]).toBeCloseTo(Math.max(...row), 12);
    }
  });
});
