// Shared-bin histograms: numpy.histogram's edges and bin rule, counts that add up per set.
import { scoreHistograms } from './histogram';

describe('scoreHistograms', () => {
  it('bins both sets on the same edges spanning the pooled range', () => {
    const h = scoreHistograms({ idScores: [0, 1, 2, 3, 4], oodScores: [4, 8, 8] }, 4);
    expect(h.edges).toEqual([0, 2, 4, 6, 8]);
    // [0,2) [2,4) [4,6) [6,8]: a value on an inner edge goes right, the top edge is closed.
    expect(h.idCounts).toEqual([2, 2, 1, 0]);
    expect(h.oodCounts).toEqual([0, 0, 1, 2]);
  });

  it('counts every score once', () => {
    const idScores = new Float64Array(997).map((_, i) => Math.sin(i) * 3);
    const oodScores = new Float64Array(503).map((_, i) => Math.cos(i * 7) - 1);
    const h = scoreHistograms({ idScores, oodScores }, 37);
    expect(h.edges).toHaveLength(38);
    expect(h.idCounts.reduce((a, b) => a + b)).toBe(997);
    expect(h.oodCounts.reduce((a, b) => a + b)).toBe(503);
    // Each count equals a direct count against the reported edges.
    for (let b = 0; b < 37; b++) {
      const inBin = (v: number): boolean => v >= h.edges[b]! && (b === 36 ? v <= h.edges[b + 1]! : v < h.edges[b + 1]!);
      expect(h.idCounts[b]).toBe(idScores.filter(inBin).length);
      expect(h.oodCounts[b]).toBe(oodScores.filter(inBin).length);
    }
  });

  it('handles scores near the largest doubles without overflow', () => {
    const h = scoreHistograms({ idScores: [-Number.MAX_VALUE], oodScores: [Number.MAX_VALUE] }, 2);
    expect(h.edges).toEqual([-Number.MAX_VALUE, 0, Number.MAX_VALUE]);
    expect([h.idCounts, h.oodCounts]).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });
});
