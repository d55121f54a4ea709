// Conformance: detectors exported from the dnm-parity fixtures (every static method, the fixture's
// selection and permutation) reproduce the library's float32 scores, its threshold at ID TPR 0.95 and
// the predicted classes, and the fixture's reference scores within the README's float32 tolerance.
import { asFloat32Matrix, asFloat64Vector, asIndexVector } from '@negmine/formats';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import path from 'node:path';
import type { EmbeddingMatrix } from '../scoring/ood-score-method';
import { scoringMethod } from '../scoring/registry';
import { maxRelativeError, referenceClasses } from './detector-reference.testing';
import { buildDetector } from './build-detector';
import { DetectorRunner } from './detector-runner';
import { calibrateThreshold } from './threshold-calibration';

function rowsOf(matrix: EmbeddingMatrix, indices: Int32Array): EmbeddingMatrix {
  const data = new Float32Array(indices.length * matrix.cols);
  indices.forEach((row, i) =>
    data.set(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols), i * matrix.cols),
  );
  return { data, rows: indices.length, cols: matrix.cols };
}

const CASES = ['p1-k10-n2000', 'p2-k100-n5000', 'p3-k1000-n12000'];
const METHODS = [
  { fixture: 'mcm', method: 'mcm', grouping: undefined, params: { temperature: 1 } },
  { fixture: 'neglabel', method: 'neglabel', grouping: 'neglabel', params: { temperature: 0.01, groups: 100 } },
  { fixture: 'seed', method: 'debiased', grouping: 'seed', params: { temperature: 0.01, groups: 100, tau: 0.5 } },
] as const;

describeWithSharedFixtures('dnm-parity', 'detector parity with the dnm-parity fixtures', (root) => {
  for (const name of CASES) {
    describe(name, () => {
      const dir = path.join(root, name);
      const meta = readJson<{ ood_sets: string[] }>(path.join(dir, 'meta.json'));
      const sets = ['id', ...meta.ood_sets];
      const idText = asFloat32Matrix(readNpy(path.join(dir, 'id_text_emb.npy')), 'id_text_emb');
      const corpus = asFloat32Matrix(readNpy(path.join(dir, 'corpus_text_emb.npy')), 'corpus_text_emb');
      const labels = readJson<string[]>(path.join(dir, 'id_labels.json'));
      const images = Object.fromEntries(
        sets.map((set) => [set, asFloat32Matrix(readNpy(path.join(dir, `images_${set}.npy`)), set)]),
      );
      for (const spec of METHODS) {
        it(`${spec.method} (${spec.fixture}): detector.onnx equals the library's scores, threshold and classes`, async () => {
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
          const built = await buildDetector({
            method: spec.method,
            idText,
            negText,
            params: spec.params,
            permutation,
            threshold: { calibrationImages: images['id']!, targetTpr: 0.95 },
            labels,
            codeVersion: 'test',
          });
          const runner = await DetectorRunner.load(built.onnxBytes);
          try {
            for (const set of sets) {
              const library = await scoringMethod(spec.method).score(images[set]!, idText, negText, spec.params, {
                precision: 'float32',
                permutation,
              });
              const out = await runner.detect(images[set]!);
              expect(maxRelativeError(out.scores, library.scores)).toBeLessThan(1e-5);
              const expected = asFloat64Vector(
                readNpy(path.join(dir, 'expected', `scores_${spec.fixture}_${set}.npy`)),
                'scores',
              );
              expect(maxRelativeError(out.scores, expected)).toBeLessThan(1e-4);
              const reference = await referenceClasses(images[set]!, idText);
              let compared = 0;
              for (let i = 0; i < out.predictedClass.length; i++) {
                if (reference.gaps[i]! <= 1e-6) continue;
                expect(out.predictedClass[i]).toBe(reference.classes[i]);
                compared++;
              }
              expect(compared).toBeGreaterThan(0.99 * out.predictedClass.length);
              if (set === 'id') {
                const libraryThreshold = calibrateThreshold(library.scores, 0.95);
                expect(
                  Math.abs(built.manifest.threshold - libraryThreshold.threshold) / libraryThreshold.threshold,
                ).toBeLessThan(1e-5);
                expect(built.manifest.achievedTpr).toBe(libraryThreshold.achievedTpr);
                expect(out.isOod.filter((f) => f === 0).length / out.isOod.length).toBe(built.manifest.achievedTpr);
              }
            }
          } finally {
            await runner.dispose();
          }
        }, 300_000);
      }
    });
  }
});
