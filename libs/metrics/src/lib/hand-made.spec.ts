// Hand-computed metrics on vectors built to hit the edge cases: heavy ties, all-equal scores,
// fully separated sets, exact ties of recall distance and OpenOOD's collinear-point dropping.
import { auroc } from './auroc';
import { auprIn, auprOut } from './aupr';
import { evaluate } from './evaluate';
import { fprAtTprId, fprAtTprOod } from './fpr-at-tpr';

const EXACT = 1e-15;

describe('heavy ties', () => {
  const sets = { idScores: [2, 2, 2, 1, 1, 0], oodScores: [2, 1, 1, 1, 0, 0] };

  it('counts a tied ID/OOD pair one half in AUROC (24.5 of 36 pairs)', () => {
    expect(auroc(sets)).toBeCloseTo(49 / 72, 15);
  });

  it('computes step-wise average precision in both directions', () => {
    // ID positive: 0.5*(3/4) + (1/3)*(5/9) + (1/6)*(1/2); OOD positive on -score: (1/3)(2/3) + (1/2)(5/8) + (1/6)(1/2).
    expect(Math.abs(auprIn(sets) - 139 / 216)).toBeLessThan(EXACT);
    expect(Math.abs(auprOut(sets) - 89 / 144)).toBeLessThan(EXACT);
  });

  it('lets tied scores enter together at one threshold', () => {
    // ID recall 1/2, 5/6, 1 at thresholds 2, 1, 0: 5/6 is closest to 0.8, where 4 of 6 OOD are accepted.
    const result = evaluate(sets, { recall: 0.8 });
    expect(result.fprAtTprId).toBe(4 / 6);
    expect(result.thresholdAtTprId).toBe(1);
    expect(result.idRecallAtThreshold).toBe(5 / 6);
    // OOD recall 1/3, 5/6, 1 at scores 0, 1, 2: 5/6 first reaches 0.8, where 3 of 6 ID are rejected.
    expect(result.fprAtTprOod).toBe(0.5);
  });
});

describe('all-equal scores', () => {
  const sets = { idScores: new Float64Array([0.5, 0.5, 0.5, 0.5]), oodScores: new Float64Array(6).fill(0.5) };

  it('has one threshold that accepts everything', () => {
    const result = evaluate(sets, { bins: 50 });
    expect(result.auroc).toBe(0.5);
    expect(result.fprAtTprId).toBe(1);
    expect(result.fprAtTprOod).toBe(1);
    expect(result.thresholdAtTprId).toBe(0.5);
    expect(result.auprIn).toBeCloseTo(0.4, 15);
    expect(result.auprOut).toBeCloseTo(0.6, 15);
  });

  it('widens the histogram range by 0.5 like numpy and puts every score in the middle bin', () => {
    const { histograms } = evaluate(sets, { bins: 50 });
    expect(histograms.edges[0]).toBe(0);
    expect(histograms.edges[50]).toBe(1);
    expect(histograms.idCounts[25]).toBe(4);
    expect(histograms.oodCounts[25]).toBe(6);
    expect(histograms.idCounts.reduce((a, b) => a + b, 0)).toBe(4);
  });
});

describe('fully separated sets', () => {
  it('scores a perfect detector as perfect', () => {
    const result = evaluate({ idScores: [5, 6, 7, 8], oodScores: [1, 2, 3] });
    expect(result).toMatchObject({
      auroc: 1,
      auprIn: 1,
      auprOut: 1,
      fprAtTprId: 0,
      fprAtTprOod: 0,
      thresholdAtTprId: 5,
    });
  });

  it('scores an inverted detector as worst', () => {
    const result = evaluate({ idScores: [1, 2, 3], oodScores: [5, 6, 7, 8] });
    expect(result.auroc).toBe(0);
    expect(result.fprAtTprId).toBe(1);
    expect(result.fprAtTprOod).toBe(1);
    expect(Math.abs(result.auprIn - 101 / 315)).toBeLessThan(EXACT);
    expect(Math.abs(result.auprOut - 241 / 560)).toBeLessThan(EXACT);
  });
});

describe('fprAtTprId tie of distance', () => {
  // ID recall by threshold: 5 -> 0, 4 -> 1/4, 3 -> 3/4, 2 -> 3/4, 1 -> 1. For recall 0.5 the
  // thresholds 4, 3 and 2 are all 1/4 away; the lowest (2) wins, where 3 of 4 OOD are accepted.
  const sets = { idScores: [4, 3, 3, 1], oodScores: [5, 3, 2, 0] };

  it('prefers the higher recall, and among equal recalls the lower threshold', () => {
    expect(fprAtTprId(sets, 0.5)).toBe(0.75);
    expect(evaluate(sets, { recall: 0.5 }).thresholdAtTprId).toBe(2);
  });

  it('takes an exactly reached recall level', () => {
    expect(fprAtTprId(sets, 0.75)).toBe(0.75);
    expect(fprAtTprId(sets, 0.25)).toBe(0.25);
  });
});

describe('fprAtTprOod and scikit-learn drop_intermediate', () => {
  // Every score holds one ID and one OOD sample: the OOD-positive ROC points (1,1), (2,2), (3,3)
  // are collinear, roc_curve keeps only the ends, and OpenOOD reads the FPR at (4,4).
  const sets = { idScores: [1, 2, 3, 4], oodScores: [1, 2, 3, 4] };

  it('reports the next kept point when the first qualifying one was dropped', () => {
    expect(fprAtTprOod(sets, 0.5)).toBe(1);
  });

  it('reports the kept corner point itself', () => {
    expect(fprAtTprOod(sets, 0.25)).toBe(0.25);
  });

  it('keeps corners where the step composition changes', () => {
    // Steps (ID, OOD) from the lowest score: (1,1), (1,1), (0,1), (2,1): the point at score 2 is a corner.
    expect(fprAtTprOod({ idScores: [1, 2, 4, 4], oodScores: [1, 2, 3, 4] }, 0.5)).toBe(0.5);
  });
});

describe('recall level', () => {
  it('is a parameter of both conventions', () => {
    const sets = { idScores: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], oodScores: [0.05, 0.15, 0.25, 0.35] };
    // ID recall 0.5 at threshold 0.6: OOD accepted = none.
    expect(fprAtTprId(sets, 0.5)).toBe(0);
    // ID recall 1 at 0.1 accepts 3 OOD (0.15, 0.25, 0.35).
    expect(fprAtTprId(sets, 1)).toBe(0.75);
    // OOD recall 1 first at 0.35: ID rejected 0.1, 0.2, 0.3.
    expect(fprAtTprOod(sets, 1)).toBeCloseTo(0.3, 15);
  });
});
