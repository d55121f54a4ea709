// End to end over HTTP: a dnm-parity case is imported as an embedding space, negatives are mined,
// a debiased evaluation (the reference's permutation) runs, and a detector is created from it.
// Its threshold is calibrated on the evaluation's ID set (achieved TPR the closest to 0.95 those
// scores allow), detect on embeddings reproduces the evaluation's per-image scores within 1e-5
// relative, and both downloaded files run with onnxruntime-node to the same scores. Bad input is a
// typed error and stores nothing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { calibrateThreshold } from '@negmine/mining';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import { serializeNpy } from '@negmine/formats';
import * as ort from 'onnxruntime-node';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';

const CASE = 'p1-k10-n2000';

function base64File(file: string): string {
  return readFileSync(file).toString('base64');
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(Math.abs(expected[i]!), 1e-6);
    if (Math.abs(actual[i]! - expected[i]!) / scale > 1e-5)
      throw new Error(`score ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describeWithSharedFixtures(
  'dnm-parity',
  'detectors end to end (createDetector from an evaluation, detect, downloads)',
  (fixtures) => {
    const dir = path.join(fixtures, CASE);
    const meta = readJson<{ ood_sets: string[] }>(path.join(dir, 'meta.json'));
    let app: TestApp;
    let modelId: string;
    let miningRunId: string;
    let evaluationRunId: string;
    let detectorId: string;
    const imageSetIds: Record<string, string> = {};

    beforeAll(async () => {
      app = await startTestApp();
    }, 60_000);

    afterAll(async () => {
      await app?.stop();
    });

    const importNpy = (input: Record<string, unknown>) =>
      app.gql<{ importEmbeddings: { corpusId: string | null; imageSetId: string | null } }>(
        'mutation($input: ImportEmbeddingsInput!) { importEmbeddings(input: $input) { corpusId imageSetId } }',
        { input },
      );

    it('imports, mines and evaluates debiased', async () => {
      ({
        registerModel: { id: modelId },
      } = await app.gql<{ registerModel: { id: string } }>(
        'mutation { registerModel(input: { name: "detector space", importedEmbeddingDim: 512, backbone: vit_b16 }) { id } }',
      ));
      const labels = readJson<string[]>(path.join(dir, 'id_labels.json'));
      const {
        createLabelSet: { id: labelSetId },
      } = await app.gql<{ createLabelSet: { id: string } }>(
        'mutation($labels: [String!]) { createLabelSet(input: { name: "detector", labels: $labels }) { id } }',
        { labels },
      );
      await importNpy({
        target: 'label_names',
        modelId,
        labelSetId,
        npyBase64: base64File(path.join(dir, 'id_text_emb.npy')),
      });
      const corpusEntries = readJson<{ word: string; pos: string }[]>(path.join(dir, 'corpus.json'));
      const corpus = await importNpy({
        target: 'corpus',
        modelId,
        corpusEntries,
        npyBase64: base64File(path.join(dir, 'corpus_text_emb.npy')),
      });
      for (const set of ['id', ...meta.ood_sets]) {
        const imported = await importNpy({
          target: 'image_set',
          modelId,
          imageSetName: `detector ${set}`,
          npyBase64: base64File(path.join(dir, `images_${set}.npy`)),
        });
        imageSetIds[set] = imported.importEmbeddings.imageSetId!;
      }
      const { mineNegatives } = await app.gql<{ mineNegatives: { id: string } }>(
        'mutation($input: MineNegativesInput!) { mineNegatives(input: $input) { id } }',
        {
          input: {
            labelSetId,
            modelId,
            corpusId: corpus.importEmbeddings.corpusId,
            selectionMethod: 'knn_density',
            params: { precision: 'float64' },
          },
        },
      );
      miningRunId = mineNegatives.id;
      expect(await waitForRun(app, miningRunId)).toEqual({ status: 'succeeded', error: null });
      const { launchEvaluation } = await app.gql<{ launchEvaluation: { id: string } }>(
        'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id } }',
        {
          input: {
            miningRunId,
            method: 'debiased',
            params: { temperature: 0.01, groups: 100, tau: 0.5 },
            permutation: { npyBase64: base64File(path.join(dir, 'expected', 'perm_seed.npy')) },
            idImageSetId: imageSetIds['id'],
            oodImageSetIds: meta.ood_sets.map((set) => imageSetIds[set]),
          },
        },
      );
      evaluationRunId = launchEvaluation.id;
      expect(await waitForRun(app, evaluationRunId)).toEqual({ status: 'succeeded', error: null });
    }, 300_000);

    const DETECTOR_FIELDS =
      'id name method params threshold targetTpr achievedTpr calibrationImageSetId calibrationSize calibrationSha256 embeddingDim modelId labelSetId miningRunId evaluationRunId negativeCount onnxSha256 codeVersion metrics { oodImageSetId oodName fprAtTprId fprAtTprOod auroc fprAtThreshold tprAtThreshold } downloads { detectorOnnx detectorJson pipelineOnnx }';

    interface DetectorView {
      id: string;
      method: string;
      threshold: number;
      targetTpr: number;
      achievedTpr: number;
      calibrationImageSetId: string;
      calibrationSize: number;
      evaluationRunId: string;
      miningRunId: string;
      negativeCount: number;
      metrics: { oodImageSetId: string; fprAtTprId: number; fprAtThreshold: number; tprAtThreshold: number }[];
      downloads: { detectorOnnx: string; detectorJson: string; pipelineOnnx: string | null };
    }

    const storedScores = async (imageSetId: string) => {
      const row = await app.services.prisma.sampleScores.findUniqueOrThrow({
        where: { evaluationRunId_imageSetId: { evaluationRunId, imageSetId } },
      });
      return new Float32Array(Uint8Array.from(row.scores).buffer);
    };

    it('creates a detector from the evaluation: inherited method, calibrated at 0.95 on its ID set, metrics per OOD set', async () => {
      const { createDetector } = await app.gql<{ createDetector: DetectorView }>(
        `mutation($input: CreateDetectorInput!) { createDetector(input: $input) { ${DETECTOR_FIELDS} } }`,
        {
          input: { name: 'p1 debiased', evaluationRunId },
        },
      );
      detectorId = createDetector.id;
      expect(createDetector).toMatchObject({
        method: 'debiased',
        targetTpr: 0.95,
        calibrationImageSetId: imageSetIds['id'],
        calibrationSize: 600,
        evaluationRunId,
        miningRunId,
      });
      expect(createDetector.downloads).toEqual({
        detectorOnnx: `/detectors/${detectorId}/detector.onnx`,
        detectorJson: `/detectors/${detectorId}/detector.json`,
        pipelineOnnx: null,
      });
      const idScores = await storedScores(imageSetIds['id']!);
      // The rule of fprAtTprId on the evaluation's own ID scores gives the same operating point.
      const reference = calibrateThreshold(idScores, 0.95);
      expect(createDetector.achievedTpr).toBeCloseTo(reference.achievedTpr, 10);
      expect(Math.abs(createDetector.threshold - reference.threshold) / Math.abs(reference.threshold)).toBeLessThan(
        1e-5,
      );
      expect(createDetector.metrics.map((m) => m.oodImageSetId).sort()).toEqual(
        meta.ood_sets.map((set) => imageSetIds[set]).sort(),
      );
      for (const metric of createDetector.metrics) {
        const ood = await storedScores(metric.oodImageSetId);
        expect(metric.fprAtThreshold).toBeCloseTo(
          ood.filter((s) => s >= createDetector.threshold).length / ood.length,
          10,
        );
        expect(metric.tprAtThreshold).toBeCloseTo(createDetector.achievedTpr, 2);
      }
      const { detectors } = await app.gql<{ detectors: { totalCount: number; edges: { node: { id: string } }[] } }>(
        'query($e: ID) { detectors(first: 10, filter: { evaluationRunId: $e }) { totalCount edges { node { id } } } }',
        { e: evaluationRunId },
      );
      expect(detectors).toEqual({ totalCount: 1, edges: [{ node: { id: detectorId } }] });
    }, 120_000);

    it('detect on embeddings reproduces the evaluation scores; is_ood = score < threshold', async () => {
      const { detect } = await app.gql<{
        detect: {
          count: number;
          results: { index: number; score: number; isOod: boolean; predictedLabel: string; predictedClass: number }[];
        };
      }>(
        'mutation($id: ID!, $npy: String!) { detect(detectorId: $id, input: { embeddings: { npyBase64: $npy } }) { count results { index score isOod predictedLabel predictedClass predictedProbability } } }',
        { id: detectorId, npy: base64File(path.join(dir, 'images_id.npy')) },
      );
      expect(detect.count).toBe(600);
      expectClose(
        detect.results.map((r) => r.score),
        await storedScores(imageSetIds['id']!),
      );
      const { detector } = await app.gql<{ detector: { threshold: number } }>(
        'query($id: ID!) { detector(id: $id) { threshold } }',
        { id: detectorId },
      );
      expect(detect.results.every((r) => r.isOod === r.score < detector.threshold)).toBe(true);
      const labels = readJson<string[]>(path.join(dir, 'id_labels.json'));
      expect(detect.results.every((r) => labels[r.predictedClass] === r.predictedLabel)).toBe(true);
      const bySet = await app.gql<{ detect: { count: number; results: { score: number }[] } }>(
        'mutation($id: ID!, $set: ID!) { detect(detectorId: $id, input: { imageSetId: $set }) { count results { score } } }',
        { id: detectorId, set: imageSetIds[meta.ood_sets[0]!] },
      );
      expectClose(
        bySet.detect.results.map((r) => r.score),
        await storedScores(imageSetIds[meta.ood_sets[0]!]!),
      );
    }, 60_000);

    it('serves detector.onnx and detector.json; onnxruntime-node reproduces the scores', async () => {
      const onnx = await fetch(new URL(`/detectors/${detectorId}/detector.onnx`, app.server.url));
      expect(onnx.status).toBe(200);
      const bytes = new Uint8Array(await onnx.arrayBuffer());
      const manifestResponse = await fetch(new URL(`/detectors/${detectorId}/detector.json`, app.server.url));
      expect(manifestResponse.status).toBe(200);
      const manifest = (await manifestResponse.json()) as {
        method: string;
        threshold: number;
        onnxSha256: string;
        negatives: { count: number };
      };
      expect(manifest.method).toBe('debiased');
      const { createHash } = await import('node:crypto');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.onnxSha256);
      const images = readNpy(path.join(dir, 'images_id.npy'));
      const session = await ort.InferenceSession.create(bytes);
      const data = Float32Array.from(images.data as ArrayLike<number>);
      const output = await session.run({ image_embeds: new ort.Tensor('float32', data, images.shape as number[]) });
      expectClose(output['score']!.data as Float32Array, await storedScores(imageSetIds['id']!));
      const isOod = output['is_ood']!.data as unknown as ArrayLike<boolean | number>;
      const scores = output['score']!.data as Float32Array;
      for (let i = 0; i < scores.length; i++) expect(Boolean(isOod[i])).toBe(scores[i]! < manifest.threshold);
      const missing = await fetch(
        new URL('/detectors/00000000-0000-0000-0000-000000000000/detector.onnx', app.server.url),
      );
      expect(missing.status).toBe(404);
      expect(
        ((await missing.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
      ).toBe('NOT_FOUND');
      const pipeline = await fetch(new URL(`/detectors/${detectorId}/pipeline.onnx`, app.server.url));
      expect(pipeline.status).toBe(404);
    }, 60_000);

    it('refuses bad input with typed errors and stores nothing', async () => {
      const count = () => app.services.prisma.detector.count();
      const before = await count();
      const errorOf = async (query: string, variables: Record<string, unknown>) => {
        const body = await app.gqlRaw(query, variables);
        return { code: body.errors?.[0]?.extensions?.['code'], message: body.errors?.[0]?.message ?? '' };
      };
      const create = 'mutation($input: CreateDetectorInput!) { createDetector(input: $input) { id } }';
      expect(await errorOf(create, { input: { name: 'x', evaluationRunId, tpr: 1.5 } })).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining('(0, 1)'),
      });
      expect(
        await errorOf(create, {
          input: { name: 'x', miningRunId, method: 'adaneg', calibrationImageSetId: imageSetIds['id'] },
        }),
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining('adapts to the test stream'),
      });
      expect(
        (await errorOf(create, { input: { name: 'x', evaluationRunId: '00000000-0000-0000-0000-000000000000' } })).code,
      ).toBe('NOT_FOUND');
      expect(await count()).toBe(before);
      const detect =
        'mutation($id: ID!, $npy: String!) { detect(detectorId: $id, input: { embeddings: { npyBase64: $npy } }) { count } }';
      const npy = (rows: number, cols: number, fill: number) =>
        Buffer.from(serializeNpy(new Float32Array(rows * cols).fill(fill), [rows, cols], 'float32')).toString('base64');
      expect(await errorOf(detect, { id: detectorId, npy: npy(2, 16, 1) })).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining('width'),
      });
      expect((await errorOf(detect, { id: detectorId, npy: npy(2, 512, Number.NaN) })).code).toBe('BAD_USER_INPUT');
      expect(await errorOf(detect, { id: detectorId, npy: npy(0, 512, 1) })).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining('empty'),
      });
      expect((await errorOf(detect, { id: 'nope', npy: npy(1, 512, 1) })).code).toBe('BAD_USER_INPUT');
      expect(
        (
          await app.gql<{ deleteDetector: boolean }>('mutation($id: ID!) { deleteDetector(id: $id) }', {
            id: detectorId,
          })
        ).deleteDetector,
      ).toBe(true);
      expect((await errorOf(detect, { id: detectorId, npy: npy(1, 512, 1) })).code).toBe('NOT_FOUND');
      expect((await fetch(new URL(`/detectors/${detectorId}/detector.json`, app.server.url))).status).toBe(404);
    }, 60_000);
  },
);
