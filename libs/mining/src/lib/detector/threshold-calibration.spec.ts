// Threshold calibration by fprAtTprId's rule on hand-made scores, and the operating point of a threshold.
import { fprAtTprIdFromSweep, rocSweep } from '@negmine/metrics';
import { calibrateThreshold, operatingPointAt } from './threshold-calibration';

describe('calibrateThreshold', () => {
  it('picks the distinct score whose ID recall is closest to the target ', () => {
    // 10 scores, 9 distinct: recalls at thresholds 10..1 are 0.1 … 1.0 with 5 tied (two samples).
    const scores = Float64Array.of(10, 9, 8, 7, 6, 5, 5, 3, 2, 1);
    expect(calibrateThreshold(scores, 0.96)).toEqual({
      threshold: 1,
      targetTpr: 0.96,
      achievedTpr: 1,
      calibrationSize: 10,
    });
    expect(calibrateThreshold(scores, 0.87)).toMatchObject({ threshold: 2, achievedTpr: 0.9 });
    // 0.65 lies between recall 0.5 (threshold 6) and 0.7 (threshold 5, the tie): 0.7 is closer.
    expect(calibrateThreshold(scores, 0.65)).toMatchObject({ threshold: 5, achievedTpr: 0.7 });
  });

  it('agrees with fprAtTprId on the ID side whatever the OOD set', () => {
    const id = Float64Array.from({ length: 97 }, (_, i) => Math.sin(i * 1.3) * 5);
    for (const target of [0.5, 0.8, 0.9, 0.95, 0.99]) {
      const ours = calibrateThreshold(id, target);
      const metrics = fprAtTprIdFromSweep(rocSweep({ idScores: id, oodScores: Float64Array.of(-100, 0.3, 7) }), target);
      expect(ours.threshold).toBe(metrics.threshold);
      expect(ours.achievedTpr).toBe(metrics.idRecall);
    }
  });

  it('orders +Infinity (a float32 overflow) above every finite score and refuses NaN and empty sets', () => {
    expect(calibrateThreshold(Float32Array.of(Infinity, Infinity, 1, 2), 0.7)).toMatchObject({
      threshold: 2,
      achievedTpr: 0.75,
    });
    expect(() => calibrateThreshold(Float32Array.of(Infinity, Infinity, Infinity, 1), 0.5)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => calibrateThreshold(Float64Array.of(1, Number.NaN), 0.5)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => calibrateThreshold(new Float64Array(0), 0.5)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('reports the operating point of a threshold', () => {
    expect(operatingPointAt(2, [1, 2, 3, 4], [0, 2.5])).toEqual({ idTpr: 0.75, oodFpr: 0.5 });
    expect(() => operatingPointAt(2, [], [1])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
