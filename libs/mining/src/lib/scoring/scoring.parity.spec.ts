// Conformance: every method's scores match the dnm-parity fixture (an independent float64 reference
// of the official code) given the fixture's selection and permutation, within the README tolerances.
import { asFloat32Matrix, asFloat64Vector, asIndexVector } from '@negmine/formats';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import path from 'node:path';
import type { EmbeddingMatrix, ScoringPrecision } from './ood-score-method';
import { scoringMethod } from './registry';

/** README tolerances: relative 1e-9 with float64 math, 1e-4 with float32 matrix products. */
const RELATIVE_TOLERANCE: Readonly<Record<ScoringPrecision, number>> = { float64: 1e-9, float32: 1e-4 };

function maxRelativeError(actual: Float64Array, expected: Float64Array): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.abs(expected[i]!));
  }
  return worst;
}

function rowsOf(matrix: EmbeddingMatrix, indices: Int32Array): EmbeddingMatrix {
  const data = new Float32Array(indices.length * matrix.cols);
  indices.forEach((row, i) =>
    data.set(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols), i * matrix.cols),
  );
  return { data, rows: indices.length, cols: matrix.cols };
}

const CASES = ['p1-k10-n2000', 'p2-k100-n5000', 'p3-k1000-n12000'];
// Fixture method name → our method, its selection/permutation files and its parameters.
const METHODS = [
  { fixture: 'mcm', method: 'mcm', grouping: undefined, params: { temperature: 1 } },
  { fixture: 'neglabel', method: 'neglabel', grouping: 'neglabel', params: { temperature: 0.01, groups: 100 } },
  { fixture: 'seed', method: 'debiased', grouping: 'seed', params: { temperature: 0.01, groups: 100, tau: 0.5 } },
] as const;

describeWithSharedFixtures('dnm-parity', 'scoring parity with the dnm-parity fixtures', (root) => {
  for (const name of CASES) {
    describe(name, () => {
      const dir = path.join(root, name);
      const meta = readJson<{ ood_sets: string[] }>(path.join(dir, 'meta.json'));
      const sets = ['id', ...meta.ood_sets];
      const idText = asFloat32Matrix(readNpy(path.join(dir, 'id_text_emb.npy')), 'id_text_emb');
      const corpus = asFloat32Matrix(readNpy(path.join(dir, 'corpus_text_emb.npy')), 'corpus_text_emb');
      const images = Object.fromEntries(
        sets.map((set) => [set, asFloat32Matrix(readNpy(path.join(dir, `images_${set}.npy`)), set)]),
      );
      for (const spec of METHODS) {
        for (const precision of ['float64', 'float32'] as const) {
          it(`${spec.method} (${spec.fixture}) in ${precision} matches every set within ${RELATIVE_TOLERANCE[precision]}`, async () => {
            const negText =
              spec.grouping === undefined
                ? undefined
                : rowsOf(
                    corpus,
                    asIndexVector(readNpy(path.join(dir, 'expected', `selected_${spec.grouping}.npy`)), 'selected'),
                  );
            const permutation =
              spec.grouping === undefined
                ? undefined
                : asIndexVector(readNpy(path.join(dir, 'expected', `perm_${spec.grouping}.npy`)), 'perm');
            for (const set of sets) {
              const expected = asFloat64Vector(
                readNpy(path.join(dir, 'expected', `scores_${spec.fixture}_${set}.npy`)),
                'scores',
              );
              const result = await scoringMethod(spec.method).score(images[set]!, idText, negText, spec.params, {
                precision,
                permutation,
              });
              expect(maxRelativeError(result.scores, expected)).toBeLessThan(RELATIVE_TOLERANCE[precision]);
              expect(result.guardHits).toBe(0);
            }
          }, 120_000);
        }
      }
    });
  }
});
