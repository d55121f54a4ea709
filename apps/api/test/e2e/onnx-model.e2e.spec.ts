// End to end on the generated ONNX test model with real image files: the model folder and image
// folders are registered over HTTP, negatives are mined from WordNet (corpus prompts encoded by
// `encode-text` shard jobs), a debiased evaluation encodes the images in `encode-images` shards,
// and a second evaluation on the same model and images encodes nothing (embedding cache).
import path from 'node:path';
import { createOnnxFixtures, type OnnxFixtures } from '../support/onnx-fixtures';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';

describe('end to end on the generated ONNX test model', () => {
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

  it('mines from WordNet, evaluates real images, and reuses cached embeddings', async () => {
    const { registerModel: model } = await app.gql<{ registerModel: { id: string; embeddingDim: number; contentHash: string } }>(
      'mutation($f: String!) { registerModel(input: { name: "tiny-clip", folder: $f, backbone: vit_b32 }) { id embeddingDim contentHash } }',
      { f: fixtures.modelDir },
    );
    expect(model.embeddingDim).toBe(32);
    const { createLabelSet } = await app.gql<{ createLabelSet: { id: string } }>(
      'mutation { createLabelSet(input: { name: "onnx", labelsText: "goldfish\\ntabby cat\\nambulance\\npizza" }) { id } }',
    );
    const { mineNegatives } = await app.gql<{ mineNegatives: { id: string } }>(
      'mutation($l: ID!, $m: ID!) { mineNegatives(input: { labelSetId: $l, modelId: $m, selectionMethod: knn_density }) { id } }',
      { l: createLabelSet.id, m: model.id },
    );
    expect(await waitForRun(app, mineNegatives.id, 600_000)).toEqual({ status: 'succeeded', error: null });
    const { miningRun } = await app.gql<{ miningRun: { negativeCount: number; corpus: { source: string; entryCount: number }; selectionParams: { k: number } } }>(
      'query($id: ID!) { miningRun(id: $id) { negativeCount corpus { source entryCount } selectionParams } }',
      { id: mineNegatives.id },
    );
    expect(miningRun.corpus.source).toBe('wordnet');
    expect(miningRun.selectionParams.k).toBe(10);
    expect(miningRun.negativeCount).toBeGreaterThan(0.1 * miningRun.corpus.entryCount);
    const textShards = await app.db.prisma.encodeShard.count({ where: { runId: mineNegatives.id, kind: 'text', status: 'done' } });
    expect(textShards).toBe(Math.ceil(miningRun.corpus.entryCount / 4096));

    const register = async (name: string, seed: number) =>
      (
        await app.gql<{ registerImageSet: { id: string; imageCount: number } }>('mutation($n: String!, $f: String!) { registerImageSet(input: { name: $n, folder: $f }) { id imageCount } }', {
          n: name,
          f: await fixtures.imageFolder(name, 12, seed),
        })
      ).registerImageSet;
    const idSet = await register('onnx-id', 11);
    const oodSet = await register('onnx-ood', 12);
    expect(idSet.imageCount).toBe(12);
    const launch = async (key: string) =>
      (
        await app.gql<{ launchEvaluation: { id: string; params: { groups: number } } }>(
          'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id params } }',
          { input: { miningRunId: mineNegatives.id, method: 'debiased', params: { groups: 10 }, idImageSetId: idSet.id, oodImageSetIds: [oodSet.id], idempotencyKey: key } },
        )
      ).launchEvaluation;
    const first = await launch('onnx-1');
    expect(await waitForRun(app, first.id, 300_000)).toEqual({ status: 'succeeded', error: null });
    expect(await app.db.prisma.encodeShard.count({ where: { runId: first.id, kind: 'images' } })).toBe(2);
    const { evaluationRun } = await app.gql<{ evaluationRun: { params: Record<string, number | string>; results: { nId: number; nOod: number; auroc: number; fprAtTprId: number }[] } }>(
      'query($id: ID!) { evaluationRun(id: $id) { params results { nId nOod auroc fprAtTprId } } }',
      { id: first.id },
    );
    // The vit-b32 preset (tau 0.12) applies, then the override.
    expect(evaluationRun.params).toMatchObject({ preset: 'vit-b32', tau: 0.12, groups: 10 });
    expect(evaluationRun.results).toHaveLength(1);
    const [result] = evaluationRun.results;
    expect(result).toMatchObject({ nId: 12, nOod: 12 });
    expect(result!.auroc).toBeGreaterThanOrEqual(0);
    expect(result!.auroc).toBeLessThanOrEqual(1);

    const second = await launch('onnx-2');
    expect(await waitForRun(app, second.id, 120_000)).toEqual({ status: 'succeeded', error: null });
    expect(await app.db.prisma.encodeShard.count({ where: { runId: second.id } })).toBe(0);

    // tanl: the stream protocol with the mining run's whole corpus and noise images encoded by the image tower.
    const { launchEvaluation: tanl } = await app.gql<{ launchEvaluation: { id: string } }>(
      'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id } }',
      { input: { miningRunId: mineNegatives.id, method: 'tanl', idImageSetId: idSet.id, oodImageSetIds: [oodSet.id] } },
    );
    expect(await waitForRun(app, tanl.id, 300_000)).toEqual({ status: 'succeeded', error: null });
    const { evaluationRun: tanlRun } = await app.gql<{ evaluationRun: { diagnostics: { protocol: string; inputs: { corpusRows: number; noiseImages: number } }; results: { nId: number }[] } }>(
      'query($id: ID!) { evaluationRun(id: $id) { diagnostics results { nId } } }',
      { id: tanl.id },
    );
    expect(tanlRun.diagnostics).toMatchObject({ protocol: 'stream', inputs: { noiseImages: 15, corpusRows: expect.any(Number) } });
    expect(tanlRun.diagnostics.inputs.corpusRows).toBeGreaterThan(1000);
    expect(tanlRun.results).toEqual([{ nId: 12 }]);
  }, 900_000);
});
