// The distinct-threshold sweep and the downsampled ROC curve.
import { rocCurve, rocSweep } from './roc';

describe('rocSweep', () => {
  it('groups tied scores into one threshold with cumulative counts from the top', () => {
    const sweep = rocSweep({ idScores: [3, 1, 3, 2], oodScores: [2, 0, 3] });
    expect(Array.from(sweep.thresholds)).toEqual([3, 2, 1, 0]);
    expect(Array.from(sweep.idAccepted)).toEqual([2, 3, 4, 4]);
    expect(Array.from(sweep.oodAccepted)).toEqual([1, 2, 2, 3]);
    expect([sweep.nId, sweep.nOod]).toEqual([4, 3]);
  });

  it('treats -0 and +0 as one threshold', () => {
    expect(Array.from(rocSweep({ idScores: [0], oodScores: [-0] }).thresholds)).toEqual([0]);
  });
});

describe('rocCurve', () => {
  const idScores = Array.from({ length: 1000 }, (_, i) => i / 1000);
  const oodScores = Array.from({ length: 700 }, (_, i) => i / 700 - 0.3);

  it('starts at the origin (threshold +Infinity), ends at (1, 1) and keeps at most the requested points', () => {
    const curve = rocCurve({ idScores, oodScores }, 50);
    expect(curve.fpr).toHaveLength(50);
    expect([curve.fpr[0], curve.tpr[0], curve.thresholds[0]]).toEqual([0, 0, Number.POSITIVE_INFINITY]);
    expect([curve.fpr[49], curve.tpr[49]]).toEqual([1, 1]);
    for (let i = 1; i < 50; i++) {
      expect(curve.fpr[i]!).toBeGreaterThanOrEqual(curve.fpr[i - 1]!);
      expect(curve.tpr[i]!).toBeGreaterThanOrEqual(curve.tpr[i - 1]!);
      expect(curve.thresholds[i]!).toBeLessThan(curve.thresholds[i - 1]!);
    }
  });

  it('returns every point when there are fewer than requested', () => {
    const curve = rocCurve({ idScores: [2, 1], oodScores: [1, 0] }, 200);
    expect(curve).toEqual({
      fpr: [0, 0, 0.5, 1],
      tpr: [0, 0.5, 1, 1],
      thresholds: [Number.POSITIVE_INFINITY, 2, 1, 0],
    });
  });

  it('downsamples to two points: the ends', () => {
    expect(rocCurve({ idScores, oodScores }, 2)).toEqual({
      fpr: [0, 1],
      tpr: [0, 1],
      thresholds: [Number.POSITIVE_INFINITY, -0.3],
    });
  });
});
