// The linear-interpolation quantile matches numpy.quantile / torch.quantile.
import { lerp, quantileRank } from './linear-quantile';

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const { lower, upper, weight } = quantileRank(sorted.length, q);
  return lerp(sorted[lower]!, sorted[upper]!, weight);
}

describe('linear quantile', () => {
  it.each<[number[], number, number]>([
    // numpy.quantile(values, q) values
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 9.549999999999999],
    [[0.3, -0.1, 0.2, 0.05], 0.95, 0.285],
    [[5], 0.95, 5],
    [[1, 2], 0, 1],
    [[1, 2], 1, 2],
    [[1, 2, 3], 0.5, 2],
  ])('quantile(%j, %d) = %d', (values, q, expected) => {
    expect(quantile(values, q)).toBeCloseTo(expected, 15);
  });

  it('is exact at both interpolation ends', () => {
    expect(lerp(0.1, 0.7, 0)).toBe(0.1);
    expect(lerp(0.1, 0.7, 1)).toBe(0.7);
  });
});
