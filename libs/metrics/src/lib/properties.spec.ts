// Property tests (fast-check): agreement with the literal O(n^2) reference, invariance under
// strictly increasing transforms, AUROC antisymmetry, rates in [0, 1], and the exact identities
// that relate the two conventions when the roles of ID and OOD are swapped on negated scores.
import fc from 'fast-check';
import { naiveOodMetrics } from '../testing';
import { auroc } from './auroc';
import { auprIn, auprOut } from './aupr';
import { evaluate } from './evaluate';
import { fprAtTprId, fprAtTprOod } from './fpr-at-tpr';

const ROUNDING = 1e-12;

/** Small integer scores: heavy ties by construction, and every transform below stays exact. */
const tiedScores = fc.array(fc.integer({ min: -12, max: 12 }), { minLength: 1, maxLength: 40 });
const finiteScores = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), {
  minLength: 1,
  maxLength: 40,
});
const recallLevel = fc.oneof(fc.constantFrom(0.95, 0.9, 0.5, 1), fc.double({ min: 0.01, max: 1, noNaN: true }));

describe('agreement with the literal reference (testing.ts)', () => {
  it('matches every metric on tied integer scores', () => {
    fc.assert(
      fc.property(tiedScores, tiedScores, recallLevel, (id, ood, recall) => {
        const got = evaluate({ idScores: id, oodScores: ood }, { recall });
        const want = naiveOodMetrics(id, ood, recall);
        expect(got.fprAtTprId).toBe(want.fprAtTprId);
        expect(got.thresholdAtTprId).toBe(want.thresholdAtTprId);
        expect(got.fprAtTprOod).toBe(want.fprAtTprOod);
        expect(Math.abs(got.auroc - want.auroc)).toBeLessThan(ROUNDING);
        expect(Math.abs(got.auprIn - want.auprIn)).toBeLessThan(ROUNDING);
        expect(Math.abs(got.auprOut - want.auprOut)).toBeLessThan(ROUNDING);
      }),
      { numRuns: 300 },
    );
  });

  it('matches every metric on arbitrary finite doubles (including -0 and both signs)', () => {
    fc.assert(
      fc.property(finiteScores, finiteScores, (id, ood) => {
        const got = evaluate({ idScores: Float64Array.from(id), oodScores: Float64Array.from(ood) });
        const want = naiveOodMetrics(id, ood);
        expect(got.fprAtTprId).toBe(want.fprAtTprId);
        expect(got.fprAtTprOod).toBe(want.fprAtTprOod);
        expect(Math.abs(got.auroc - want.auroc)).toBeLessThan(ROUNDING);
        expect(Math.abs(got.auprIn - want.auprIn)).toBeLessThan(ROUNDING);
        expect(Math.abs(got.auprOut - want.auprOut)).toBeLessThan(ROUNDING);
      }),
      { numRuns: 200 },
    );
  });
});

describe('invariance under strictly increasing transforms', () => {
  const transforms: ReadonlyArray<[string, (x: number) => number]> = [
    ['affine 3x + 7', (x) => 3 * x + 7],
    ['cube', (x) => x * x * x],
    ['exp', (x) => Math.exp(x)],
  ];
  for (const [name, f] of transforms) {
    it(`keeps every rate under ${name}, and maps the threshold through it`, () => {
      fc.assert(
        fc.property(tiedScores, tiedScores, recallLevel, (id, ood, recall) => {
          const before = evaluate({ idScores: id, oodScores: ood }, { recall });
          const after = evaluate({ idScores: id.map(f), oodScores: ood.map(f) }, { recall });
          expect(after.fprAtTprId).toBe(before.fprAtTprId);
          expect(after.fprAtTprOod).toBe(before.fprAtTprOod);
          expect(after.auroc).toBe(before.auroc);
          expect(after.auprIn).toBe(before.auprIn);
          expect(after.auprOut).toBe(before.auprOut);
          expect(after.thresholdAtTprId).toBe(f(before.thresholdAtTprId));
          expect(after.roc.fpr).toEqual(before.roc.fpr);
          expect(after.roc.tpr).toEqual(before.roc.tpr);
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('antisymmetry and ranges', () => {
  it('auroc(id, ood) = 1 - auroc(ood, id)', () => {
    fc.assert(
      fc.property(finiteScores, finiteScores, (id, ood) => {
        expect(
          Math.abs(auroc({ idScores: id, oodScores: ood }) - (1 - auroc({ idScores: ood, oodScores: id }))),
        ).toBeLessThan(ROUNDING);
      }),
    );
  });

  it('keeps every rate in [0, 1] and never returns NaN', () => {
    fc.assert(
      fc.property(finiteScores, finiteScores, recallLevel, (id, ood, recall) => {
        const result = evaluate({ idScores: id, oodScores: ood }, { recall });
        for (const value of [
          result.fprAtTprId,
          result.fprAtTprOod,
          result.auroc,
          result.auprIn,
          result.auprOut,
          result.idRecallAtThreshold,
        ]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
        for (const value of [...result.roc.fpr, ...result.roc.tpr]) expect(value >= 0 && value <= 1).toBe(true);
      }),
    );
  });
});

describe('swapping conventions', () => {
  const negate = (xs: readonly number[]): number[] => xs.map((x) => -x);

  it('AUPR-Out of (id, ood) is AUPR-In of the swapped, negated sets, and AUROC is unchanged', () => {
    fc.assert(
      fc.property(finiteScores, finiteScores, (id, ood) => {
        const swapped = { idScores: negate(ood), oodScores: negate(id) };
        expect(auprOut({ idScores: id, oodScores: ood })).toBe(auprIn(swapped));
        expect(auprIn({ idScores: id, oodScores: ood })).toBe(auprOut(swapped));
        expect(Math.abs(auroc({ idScores: id, oodScores: ood }) - auroc(swapped))).toBeLessThan(ROUNDING);
      }),
    );
  });

  it('AUPR-In equals AUPR-Out on mirror-symmetric data (ood = -id)', () => {
    fc.assert(
      fc.property(finiteScores, (id) => {
        const sets = { idScores: id, oodScores: negate(id) };
        expect(auprIn(sets)).toBe(auprOut(sets));
      }),
    );
  });

  it('on mirror-symmetric data the two FPR conventions differ exactly by the OOD scores on the 95% recall plateau', () => {
    // Distinct magnitudes with random signs, n a multiple of 20: the ID recall 0.95 is reached
    // exactly at the k-th highest ID score a_k and stays there down to a_(k+1). OpenOOD stops at the
    // first point reaching it (by the mirror: OOD accepted at a_k); the ID convention breaks the tie
    // toward the lowest such threshold, so it also accepts the OOD scores in (a_(k+1), a_k).
    const mirrored = fc
      .uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: 20, maxLength: 120 })
      .chain((magnitudes) =>
        fc.tuple(
          fc.constant(magnitudes.slice(0, magnitudes.length - (magnitudes.length % 20))),
          fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
        ),
      )
      .map(([magnitudes, signs]) => magnitudes.map((m, i) => (signs[i] === true ? -m : m)));
    fc.assert(
      fc.property(mirrored, (id) => {
        const ood = negate(id);
        const n = id.length;
        const descending = [...id].sort((a, b) => b - a);
        const k = (n * 19) / 20;
        const top = descending[k - 1]!;
        const below = descending[k]!;
        const onPlateau = ood.filter((s) => s > below && s < top).length;
        const sets = { idScores: id, oodScores: ood };
        expect(fprAtTprOod(sets, 0.95)).toBe(ood.filter((s) => s >= top).length / n);
        expect(fprAtTprId(sets, 0.95) * n - fprAtTprOod(sets, 0.95) * n).toBeCloseTo(onPlateau, 9);
      }),
    );
  });
});

describe('input kinds', () => {
  it('gives identical results for number[], Float64Array and (exactly representable) Float32Array', () => {
    fc.assert(
      fc.property(tiedScores, tiedScores, (id, ood) => {
        const plain = evaluate({ idScores: id, oodScores: ood });
        expect(evaluate({ idScores: Float64Array.from(id), oodScores: Float64Array.from(ood) })).toEqual(plain);
        expect(evaluate({ idScores: Float32Array.from(id), oodScores: Float32Array.from(ood) })).toEqual(plain);
      }),
      { numRuns: 100 },
    );
  });
});
