// The detector against the library: the exported graph, run by onnxruntime, reproduces the
// method's float32 scores, the predicted classes and the calibrated threshold; bad input is refused
// with typed errors; two builds are byte-identical.
import type { EmbeddingMatrix, ScoringMethodId } from '../scoring/ood-score-method';
import { scoringMethod, SCORING_METHODS } from '../scoring/registry';
import { stackRows, SyntheticEmbeddings } from '../scoring/synthetic-embeddings.testing';
import { buildDetector, detectorMethod } from './build-detector';
import { DETECTOR_EPILOGUES, DETECTOR_METHOD_IDS } from './detector-epilogues';
import { parseDetectorManifest } from './detector-manifest';
import { DetectorRunner } from './detector-runner';
import { maxRelativeError, referenceClasses } from './detector-reference.testing';

const DIM = 32;
const synthetic = new SyntheticEmbeddings(7, DIM);
const idText = synthetic.labels(40);
const negText = synthetic.labels(203);
const idImages = synthetic.imagesNear(
  idText,
  Array.from({ length: 150 }, (_, i) => i % 40),
  0.9,
);
const oodImages = synthetic.imagesNear(
  negText,
  Array.from({ length: 90 }, (_, i) => (i * 7) % 203),
  0.9,
);
const images = stackRows(idImages, oodImages);

const CASES: ReadonlyArray<{ method: ScoringMethodId; params: Record<string, number | string> }> = [
  { method: 'mcm', params: {} },
  { method: 'neglabel', params: { groups: 10, seed: 3 } },
  { method: 'debiased', params: { groups: 10, seed: 3 } },
  { method: 'debiased', params: { groups: 10, tau: 0.05, guard: 'clamp' } },
  { method: 'debiased', params: { groups: 10, tau: 0.3, guard: 'estimate' } },
  { method: 'debiased', params: { groups: 10, tau: 0.9, guard: 'none' } },
  { method: 'neglabel', params: { groups: 7, permutations: 3, seed: 11 } },
  { method: 'debiased', params: { groups: 7, permutations: 3, seed: 11 } },
];

describe('buildDetector', () => {
  it('has a graph epilogue for exactly the registered methods that do not adapt to the stream', () => {
    const staticIds = Object.values(SCORING_METHODS)
      .filter((m) => !m.adaptsToStream)
      .map((m) => m.id)
      .sort();
    expect([...DETECTOR_METHOD_IDS].sort()).toEqual(staticIds);
    for (const id of DETECTOR_METHOD_IDS)
      expect(DETECTOR_EPILOGUES[id].negatives).toBe(scoringMethod(id).negatives === 'required');
  });

  it.each(CASES)(
    '$method $params: detector.onnx scores equal the library float32 scores within 1e-5',
    async ({ method, params }) => {
      const library = await scoringMethod(method).score(images, idText, negText, params, { precision: 'float32' });
      const built = await buildDetector({
        method,
        idText,
        negText,
        params,
        threshold: { value: Math.fround(library.scores.reduce((m, x) => Math.min(m, x), Infinity)) },
        codeVersion: 'test',
      });
      const runner = await DetectorRunner.load(built.onnxBytes, { chunkRows: 64 });
      const out = await runner.detect(images);
      await runner.dispose();
      expect(maxRelativeError(out.scores, library.scores)).toBeLessThan(1e-5);
      if (library.guardHits > 0) expect(params['guard']).not.toBe('none');
      for (let i = 0; i < images.rows; i++)
        expect(out.isOod[i]).toBe(out.scores[i]! < built.manifest.threshold ? 1 : 0);
      const reference = await referenceClasses(images, idText);
      for (let i = 0; i < images.rows; i++)
        if (reference.gaps[i]! > 1e-5) expect(out.predictedClass[i]).toBe(reference.classes[i]);
      expect(built.manifest.params).toEqual(library.params);
    },
  );

  it.each([0.01, 0.03])(
    'reproduces the debiased clamp where it fires (T = %d; at 0.01 clamped scores overflow float32 to +Infinity)',
    async (temperature) => {
      const params = { groups: 10, tau: 0.05, temperature };
      const library = await scoringMethod('debiased').score(images, idText, negText, params, {});
      expect(library.guardHits).toBeGreaterThan(0);
      const built = await buildDetector({
        method: 'debiased',
        idText,
        negText,
        params,
        threshold: { value: 0 },
        codeVersion: 'test',
      });
      const runner = await DetectorRunner.load(built.onnxBytes);
      const out = await runner.detect(images);
      await runner.dispose();
      expect(maxRelativeError(out.scores, library.scores)).toBeLessThan(1e-5);
      expect(out.scores.some((s) => s === Number.POSITIVE_INFINITY)).toBe(temperature === 0.01);
    },
  );

  it('calibrates at the target ID TPR on its own float32 scores, the closest the scores allow', async () => {
    const built = await buildDetector({
      method: 'debiased',
      idText,
      negText,
      params: { groups: 10 },
      threshold: { calibrationImages: idImages, targetTpr: 0.95 },
      codeVersion: 'test',
    });
    const scores = built.calibrationScores!;
    const accepted = (t: number): number => scores.filter((s) => s >= t).length / scores.length;
    const { threshold, achievedTpr } = built.manifest;
    expect(accepted(threshold)).toBe(achievedTpr);
    for (const candidate of new Set(scores))
      expect(Math.abs(accepted(candidate) - 0.95)).toBeGreaterThanOrEqual(Math.abs(achievedTpr! - 0.95));
    expect(built.manifest.calibration).toEqual({
      size: idImages.rows,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const runner = await DetectorRunner.load(built.onnxBytes);
    const out = await runner.detect(idImages);
    await runner.dispose();
    expect(out.isOod.filter((f) => f === 0).length / idImages.rows).toBe(achievedTpr);
  });

  it('builds byte-identical files from the same inputs, and the manifest parses back', async () => {
    const request = {
      method: 'neglabel',
      idText,
      negText,
      params: { groups: 10, seed: 5 },
      threshold: { calibrationImages: idImages },
      labels: Array.from({ length: 40 }, (_, i) => `class ${i}`),
      codeVersion: '0.1.0+abc',
    };
    const a = await buildDetector(request);
    const b = await buildDetector(request);
    expect(Buffer.from(a.onnxBytes).equals(Buffer.from(b.onnxBytes))).toBe(true);
    expect(a.manifestJson).toBe(b.manifestJson);
    expect(parseDetectorManifest(a.manifestJson)).toEqual(JSON.parse(a.manifestJson));
    expect(Object.keys(JSON.parse(a.manifestJson))).toEqual([
      'formatVersion',
      'method',
      'params',
      'threshold',
      'targetTpr',
      'achievedTpr',
      'calibration',
      'labels',
      'negatives',
      'embeddingDim',
      'modelHash',
      'onnxSha256',
      'codeVersion',
    ]);
    expect(a.manifest.negatives!.groupOrder[0]).toHaveLength(200);
  });

  it('takes an explicit threshold as a float32 value', async () => {
    const built = await buildDetector({ method: 'mcm', idText, threshold: { value: 0.3 }, codeVersion: 'test' });
    expect(built.manifest.threshold).toBe(Math.fround(0.3));
    expect(built.manifest).toMatchObject({ targetTpr: null, achievedTpr: null, calibration: null, negatives: null });
  });

  it('refuses a stream-adaptive method, saying why and what is accepted', () => {
    expect(() => detectorMethod('adaneg')).toThrow(
      expect.objectContaining({
        code: 'STREAM_ADAPTIVE_METHOD',
        message: expect.stringContaining('accepted: mcm, neglabel, debiased'),
      }),
    );
    expect(() => detectorMethod('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_METHOD' }));
  });

  it.each([0, 1, -0.1, 1.5, Number.NaN])('refuses target TPR %d (accepted: (0, 1))', async (targetTpr) => {
    await expect(
      buildDetector({ method: 'mcm', idText, threshold: { calibrationImages: idImages, targetTpr }, codeVersion: 't' }),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMETER',
      message: expect.stringContaining('(0, 1)'),
    });
  });

  it('refuses a calibration set of another width, NaN embeddings and a missing negative set', async () => {
    const narrow: EmbeddingMatrix = { data: new Float32Array(5 * 8).fill(1), rows: 5, cols: 8 };
    await expect(
      buildDetector({ method: 'mcm', idText, threshold: { calibrationImages: narrow }, codeVersion: 't' }),
    ).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    const nan = { ...idImages, data: Float32Array.from(idImages.data) };
    nan.data[3] = Number.NaN;
    await expect(
      buildDetector({ method: 'mcm', idText, threshold: { calibrationImages: nan }, codeVersion: 't' }),
    ).rejects.toMatchObject({ code: 'NON_FINITE_VALUE' });
    await expect(
      buildDetector({ method: 'debiased', idText, threshold: { value: 0.1 }, codeVersion: 't' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      buildDetector({ method: 'mcm', idText, threshold: { value: Number.POSITIVE_INFINITY }, codeVersion: 't' }),
    ).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
  });
});

describe('DetectorRunner', () => {
  it('refuses an empty batch, another width, NaN and bytes that are not a detector', async () => {
    const built = await buildDetector({ method: 'mcm', idText, threshold: { value: 0.1 }, codeVersion: 't' });
    const runner = await DetectorRunner.load(built.onnxBytes);
    await expect(runner.detect({ data: new Float32Array(0), rows: 0, cols: DIM })).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
      message: expect.stringContaining('empty'),
    });
    await expect(runner.detect({ data: new Float32Array(16), rows: 1, cols: 16 })).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
      message: expect.stringContaining(`d = ${DIM}`),
    });
    const nan = Float32Array.from(idImages.data.subarray(0, DIM));
    nan[0] = Number.NaN;
    await expect(runner.detect({ data: nan, rows: 1, cols: DIM })).rejects.toMatchObject({ code: 'NON_FINITE_VALUE' });
    await runner.dispose();
    await expect(DetectorRunner.load(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'INVALID_DETECTOR' });
  });

  it('gives the same outputs with sleeping intra-op threads (allowSpinning: false) as with spinning ones', async () => {
    const built = await buildDetector({
      method: 'neglabel',
      idText,
      negText,
      threshold: { value: 0.5 },
      codeVersion: 't',
    });
    const spinning = await DetectorRunner.load(built.onnxBytes, { threads: 2 });
    const sleeping = await DetectorRunner.load(built.onnxBytes, { threads: 2, allowSpinning: false });
    try {
      const expected = await spinning.detect(idImages);
      const actual = await sleeping.detect(idImages);
      expect(Array.from(actual.scores)).toEqual(Array.from(expected.scores));
      expect(Array.from(actual.predictedClass)).toEqual(Array.from(expected.predictedClass));
    } finally {
      await spinning.dispose();
      await sleeping.dispose();
    }
  });
});

describe('float32 range', () => {
  // An image that is one negative label exactly, orthogonal to every ID label and to the other
  // negatives: at T = 0.005 its ID logits sit 200 below the row maximum, so float32 exponentials
  // shifted by that maximum underflow to 0 for the ID side and for every other group. Each sum is
  // shifted by its own maximum first, so the float32 scores stay finite and equal the float64 ones.
  const dim = 16;
  const basis = (rows: number, offset: number): EmbeddingMatrix => {
    const data = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) data[r * dim + offset + r] = 1;
    return { data, rows, cols: dim };
  };
  const farId = basis(2, 0);
  const farNegatives = basis(12, 2);
  const farImages: EmbeddingMatrix = { data: farNegatives.data.slice(0, dim), rows: 1, cols: dim };

  for (const method of ['neglabel', 'debiased'] as const) {
    it(`${method}: the library's float32 scores and the detector's equal the float64 scores`, async () => {
      // Q = 2 = K: debiased's partition stays positive at its default tau (no guard involved).
      const params = { groups: 6, seed: 1, temperature: 0.005 };
      const score = (precision: 'float32' | 'float64') =>
        scoringMethod(method).score(farImages, farId, farNegatives, params, { precision });
      const [single, double] = await Promise.all([score('float32'), score('float64')]);
      expect(Array.from(single.scores).every(Number.isFinite)).toBe(true);
      expect(maxRelativeError(single.scores, double.scores)).toBeLessThan(1e-5);
      const built = await buildDetector({
        method,
        idText: farId,
        negText: farNegatives,
        params,
        threshold: { value: 0.5 },
        codeVersion: 't',
      });
      const runner = await DetectorRunner.load(built.onnxBytes);
      try {
        const detected = await runner.detect(farImages);
        expect(maxRelativeError(detected.scores, double.scores)).toBeLessThan(1e-5);
      } finally {
        await runner.dispose();
      }
    });
  }
});
