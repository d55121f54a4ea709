// Detectors end to end on the generated ONNX test model (tiny CLIP) with real image files: mine from
// WordNet, evaluate debiased, createDetector from the evaluation; `detect` on image files
// (imagesBase64) and on an image set (imageSetId) equals the downloaded detector.onnx run by
// onnxruntime-node on the image tower's embeddings of the same files; the downloaded pipeline.onnx
// (vision tower + detector) run on the preprocessed pixels equals them within 1e-5 relative.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadClipModel } from '@negmine/encoders';
import { meanRows } from '../../src/shared/embedding-store';
import { createOnnxFixtures, type OnnxFixtures } from '../support/onnx-fixtures';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';

const TOLERANCE = 1e-5;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(Math.abs(expected[i]!), 1e-6);
    if (!(Math.abs(actual[i]! - expected[i]!) / scale <= TOLERANCE))
      throw new Error(`${what} ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

async function runOnnx(bytes: Uint8Array, input: string, data: Float32Array, dims: number[]) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ [input]: new ort.Tensor('float32', data, dims) });
    return {
      score: Array.from(out['score']!.data as Float32Array),
      isOod: Array.from(out['is_ood']!.data as Uint8Array, Boolean),
      predictedClass: Array.from(out['predicted_class']!.data as BigInt64Array, Number),
    };
  } finally {
    await session.release();
  }
}

describe('detectors end to end on the generated ONNX test model', () => {
  let app: TestApp;
  let fixtures: OnnxFixtures;

  beforeAll(async () => {
    fixtures = createOnnxFixtures();
    app = await startTestApp({
      workerCount: 2,
      shardSize: 4096,
      modelRoots: [path.join(fixtures.root, 'models')],
      imageRoots: [path.join(fixtures.root, 'images')],
    });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    fixtures?.remove();
  });

  it('createDetector from an evaluation; detect on files and on a set equals detector.onnx; pipeline.onnx equals both', async () => {
    const { registerModel: model } = await app.gql<{
      registerModel: { id: string; embeddingDim: number; contentHash: string };
    }>(
      'mutation($f: String!) { registerModel(input: { name: "tiny-clip", folder: $f, backbone: vit_b32 }) { id embeddingDim contentHash } }',
      { f: fixtures.modelDir },
    );
    const dim = model.embeddingDim;
    const { createLabelSet } = await app.gql<{ createLabelSet: { id: string } }>(
      'mutation { createLabelSet(input: { name: "onnx-detector", labelsText: "goldfish\\ntabby cat\\nambulance\\npizza" }) { id } }',
    );
    const { mineNegatives } = await app.gql<{ mineNegatives: { id: string } }>(
      'mutation($l: ID!, $m: ID!) { mineNegatives(input: { labelSetId: $l, modelId: $m, selectionMethod: knn_density }) { id } }',
      { l: createLabelSet.id, m: model.id },
    );
    expect(await waitForRun(app, mineNegatives.id, 600_000)).toEqual({ status: 'succeeded', error: null });
    const idFolder = await fixtures.imageFolder('detector-id', 10, 21);
    const oodFolder = await fixtures.imageFolder('detector-ood', 10, 22);
    const register = async (name: string, folder: string) =>
      (
        await app.gql<{ registerImageSet: { id: string } }>(
          'mutation($n: String!, $f: String!) { registerImageSet(input: { name: $n, folder: $f }) { id } }',
          { n: name, f: folder },
        )
      ).registerImageSet.id;
    const idSetId = await register('detector-id', idFolder);
    const oodSetId = await register('detector-ood', oodFolder);
    const { launchEvaluation } = await app.gql<{ launchEvaluation: { id: string } }>(
      'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id } }',
      {
        input: {
          miningRunId: mineNegatives.id,
          method: 'debiased',
          params: { groups: 10 },
          idImageSetId: idSetId,
          oodImageSetIds: [oodSetId],
        },
      },
    );
    expect(await waitForRun(app, launchEvaluation.id, 300_000)).toEqual({ status: 'succeeded', error: null });

    const { createDetector } = await app.gql<{
      createDetector: { id: string; threshold: number; downloads: { pipelineOnnx: string | null } };
    }>(
      'mutation($e: ID!) { createDetector(input: { name: "onnx", evaluationRunId: $e }) { id threshold downloads { pipelineOnnx } } }',
      { e: launchEvaluation.id },
    );
    const detectorId = createDetector.id;
    expect(createDetector.downloads.pipelineOnnx).toBe(`/detectors/${detectorId}/pipeline.onnx`);
    const download = async (file: string) => {
      const response = await fetch(new URL(`/detectors/${detectorId}/${file}`, app.server.url));
      expect(response.status).toBe(200);
      return new Uint8Array(await response.arrayBuffer());
    };
    const detectorOnnx = await download('detector.onnx');

    type Detect = { detect: { count: number; results: { score: number; isOod: boolean; predictedClass: number }[] } };
    const fields = 'count results { score isOod predictedClass }';
    // detect on image files: the model's image tower on the same files, then detector.onnx.
    const files = readdirSync(idFolder)
      .sort()
      .map((name) => path.join(idFolder, name));
    const byFiles = await app.gql<Detect>(
      `mutation($id: ID!, $images: [String!]) { detect(detectorId: $id, input: { imagesBase64: $images }) { ${fields} } }`,
      { id: detectorId, images: files.map((file) => readFileSync(file).toString('base64')) },
    );
    // The reference: the same model loaded here, in-process (the service runs it on its tower thread).
    const clip = await loadClipModel(fixtures.modelDir, { towers: 'vision', preprocessThreads: 0 });
    const encoded = await clip.image!.encodeFiles(files, {});
    expect(encoded.failures).toEqual([]);
    const reference = await runOnnx(detectorOnnx, 'image_embeds', encoded.embeddings, [files.length, dim]);
    expect(byFiles.detect.count).toBe(files.length);
    expectClose(
      byFiles.detect.results.map((r) => r.score),
      reference.score,
      'imagesBase64 score',
    );
    expect(byFiles.detect.results.map((r) => r.predictedClass)).toEqual(reference.predictedClass);
    expect(byFiles.detect.results.map((r) => r.isOod)).toEqual(
      byFiles.detect.results.map((r) => r.score < createDetector.threshold),
    );

    // detect on the image set: its cached embeddings (what the evaluation encoded), in item order.
    const bySet = await app.gql<Detect>(
      `mutation($id: ID!, $set: ID!) { detect(detectorId: $id, input: { imageSetId: $set }) { ${fields} } }`,
      { id: detectorId, set: idSetId },
    );
    const hashes = await app.services.imageSetRepository.itemHashes(idSetId);
    const cached = meanRows(
      hashes.map((hash) => [hash]),
      await app.services.embeddings.load('image', model.contentHash, hashes),
      dim,
    );
    const setReference = await runOnnx(detectorOnnx, 'image_embeds', cached, [hashes.length, dim]);
    expect(bySet.detect.count).toBe(hashes.length);
    expectClose(
      bySet.detect.results.map((r) => r.score),
      setReference.score,
      'imageSetId score',
    );
    expect(bySet.detect.results.map((r) => r.predictedClass)).toEqual(setReference.predictedClass);

    // pipeline.onnx on the preprocessed pixels equals the tower + detector.onnx; a second download is the cached file.
    const pipeline = await download('pipeline.onnx');
    expect(Buffer.from(await download('pipeline.onnx')).equals(Buffer.from(pipeline))).toBe(true);
    expect(app.services.detectors.cachedPipelines).toBe(1);
    const pixels = await Promise.all(files.map((file) => clip.image!.preprocessFile(file)));
    const side = Math.round(Math.sqrt(pixels[0]!.length / 3));
    const batch = new Float32Array(pixels.length * pixels[0]!.length);
    pixels.forEach((p, i) => batch.set(p, i * p.length));
    const composed = await runOnnx(pipeline, 'pixel_values', batch, [files.length, 3, side, side]);
    expectClose(composed.score, reference.score, 'pipeline.onnx score');
    expect(composed.predictedClass).toEqual(reference.predictedClass);
    expect(composed.isOod).toEqual(reference.isOod);
    await clip.dispose();
  }, 900_000);
});
