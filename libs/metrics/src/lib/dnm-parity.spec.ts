// Conformance: the metrics of ../shared/fixtures/dnm-parity, computed by an independent float64
// reference of the paper's / NegLabel's evaluation code and scikit-learn, recomputed from the
// shared expected scores. The fixture README asks for 1e-12 absolute on these scores.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import { evaluate } from './evaluate';
import { fprAtTprId } from './fpr-at-tpr';

const TOLERANCE = 1e-12;

interface ExpectedMetrics {
  readonly fpr95: number;
  readonly auroc: number;
  readonly aupr_in: number;
  readonly aupr_out: number;
}

type MetricsFile = Record<string, Record<string, ExpectedMetrics>>;

describeWithSharedFixtures('dnm-parity', 'metrics parity with the dnm-parity reference', (root) => {
  const cases = readdirSync(root).filter((name) => name.startsWith('p'));

  it('finds the fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
  });

  for (const name of cases) {
    describe(name, () => {
      const expectedDir = path.join(root, name, 'expected');
      const expected = readJson<MetricsFile>(path.join(expectedDir, 'metrics.json'));
      const scores = (method: string, set: string): Float64Array => {
        const array = readNpy(path.join(expectedDir, `scores_${method}_${set}.npy`));
        expect(array.dtype).toBe('float64');
        return array.data as Float64Array;
      };
      for (const [oodSet, methods] of Object.entries(expected)) {
        for (const [method, want] of Object.entries(methods)) {
          it(`${method} on ${oodSet}`, () => {
            const idScores = scores(method, 'id');
            const oodScores = scores(method, oodSet);
            const got = evaluate({ idScores, oodScores });
            expect(Math.abs(got.fprAtTprId - want.fpr95)).toBeLessThanOrEqual(TOLERANCE);
            expect(Math.abs(got.auroc - want.auroc)).toBeLessThanOrEqual(TOLERANCE);
            expect(Math.abs(got.auprIn - want.aupr_in)).toBeLessThanOrEqual(TOLERANCE);
            expect(Math.abs(got.auprOut - want.aupr_out)).toBeLessThanOrEqual(TOLERANCE);
            expect(got.nId).toBe(idScores.length);
            expect(got.nOod).toBe(oodScores.length);
            expect(fprAtTprId({ idScores, oodScores })).toBe(got.fprAtTprId);
          });
        }
      }
    });
  }
});
