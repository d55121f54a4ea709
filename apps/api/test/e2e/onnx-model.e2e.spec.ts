// End to end on the generated ONNX test model with real image files: the model folder and image
// folders are registered over HTTP, negatives are mined from WordNet (corpus prompts encoded by
// `encode-text` shard jobs), a debiased evaluation encodes the images in `encode-images` shards,
// a second evaluation on the same model and images encodes nothing (embedding cache), and a tanl
// evaluation (whole corpus, noise images) equals `negmine evaluate` on the same embeddings.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serializeNpy } from '@negmine/formats';
import { repositoryRoot } from '@negmine/formats/testing';
import type { AllServices } from '../../src/app';
import { storedEntries } from '../../src/shared/corpus-store';
import { meanRows } from '../../src/shared/embedding-store';
import { promptInputHash } from '../../src/shared/hashing';
import { createOnnxFixtures, type OnnxFixtures } from '../support/onnx-fixtures';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';

/** Rows of the text cache for prompt groups (row i = mean of its prompts' vectors), as the jobs build them. */
async function promptMatrix(
  services: AllServices,
  modelHash: string,
  groups: readonly (readonly string[])[],
  dim: number,
): Promise<Float32Array> {
  const keys = groups.map((prompts) => prompts.map(promptInputHash));
  return meanRows(keys, await services.embeddings.load('text', modelHash, keys.flat()), dim);
}

/** The cached embeddings of a tanl run's inputs written as .npy files for `negmine evaluate`. */
async function exportTanlInputs(
  services: AllServices,
  run: { miningRunId: string; modelHash: string; folder: string; idSetId: string; oodSetId: string },
  dim: number,
  dir: string,
) {
  const write = (name: string, data: Float32Array) => {
    const file = path.join(dir, `${name}.npy`);
    writeFileSync(file, serializeNpy(data, [data.length / dim, dim]));
    return file;
  };
  const miningRun = await services.miningRepository.forJob(run.miningRunId);
  const templates = miningRun.labelSet.promptTemplates;
  const labelPrompts = services.wordNet.labelPrompts(miningRun.labelsSnapshot, templates);
  const idText = await promptMatrix(
    services,
    run.modelHash,
    miningRun.labelsSnapshot.map((_, i) => labelPrompts.slice(i * templates.length, (i + 1) * templates.length)),
    dim,
  );
  const { prompts, promptStart } = services.wordNet.wordNetPrompts(miningRun.corpus.versionHash);
  const promptsOf = (index: number) => prompts.slice(promptStart[index]!, promptStart[index + 1]!);
  const { corpusIndices } = await services.miningRepository.negativeCorpusRows(run.miningRunId);
  const images = async (setId: string) => {
    const hashes = await services.imageSetRepository.itemHashes(setId);
    return meanRows(
      hashes.map((hash) => [hash]),
      await services.embeddings.load('image', run.modelHash, hashes),
      dim,
    );
  };
  return {
    idText: write('id-text', idText),
    negText: write('neg-text', await promptMatrix(services, run.modelHash, corpusIndices.map(promptsOf), dim)),
    corpus: write(
      'corpus',
      await promptMatrix(
        services,
        run.modelHash,
        storedEntries(miningRun.corpus.entries).map((_, i) => promptsOf(i)),
        dim,
      ),
    ),
    noise: write('noise', (await services.encoding.encodeNoiseImages(run.folder, 0)).images.data),
    idImages: write('images-id', await images(run.idSetId)),
    oodImages: write('images-ood', await images(run.oodSetId)),
  };
}

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
    const { registerModel: model } = await app.gql<{
      registerModel: { id: string; embeddingDim: number; contentHash: string };
    }>(
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
    const { miningRun } = await app.gql<{
      miningRun: {
        negativeCount: number;
        corpus: { source: string; entryCount: number };
        selectionParams: { k: number };
      };
    }>('query($id: ID!) { miningRun(id: $id) { negativeCount corpus { source entryCount } selectionParams } }', {
      id: mineNegatives.id,
    });
    expect(miningRun.corpus.source).toBe('wordnet');
    expect(miningRun.selectionParams.k).toBe(10);
    expect(miningRun.negativeCount).toBeGreaterThan(0.1 * miningRun.corpus.entryCount);
    const textShards = await app.db.prisma.encodeShard.count({
      where: { runId: mineNegatives.id, kind: 'text', status: 'done' },
    });
    expect(textShards).toBe(Math.ceil(miningRun.corpus.entryCount / 4096));

    const register = async (name: string, seed: number) =>
      (
        await app.gql<{ registerImageSet: { id: string; imageCount: number } }>(
          'mutation($n: String!, $f: String!) { registerImageSet(input: { name: $n, folder: $f }) { id imageCount } }',
          {
            n: name,
            f: await fixtures.imageFolder(name, 12, seed),
          },
        )
      ).registerImageSet;
    const idSet = await register('onnx-id', 11);
    const oodSet = await register('onnx-ood', 12);
    expect(idSet.imageCount).toBe(12);
    const launch = async (key: string) =>
      (
        await app.gql<{ launchEvaluation: { id: string; params: { groups: number } } }>(
          'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id params } }',
          {
            input: {
              miningRunId: mineNegatives.id,
              method: 'debiased',
              params: { groups: 10 },
              idImageSetId: idSet.id,
              oodImageSetIds: [oodSet.id],
              idempotencyKey: key,
            },
          },
        )
      ).launchEvaluation;
    const first = await launch('onnx-1');
    expect(await waitForRun(app, first.id, 300_000)).toEqual({ status: 'succeeded', error: null });
    expect(await app.db.prisma.encodeShard.count({ where: { runId: first.id, kind: 'images' } })).toBe(2);
    const { evaluationRun } = await app.gql<{
      evaluationRun: {
        params: Record<string, number | string>;
        results: { nId: number; nOod: number; auroc: number; fprAtTprId: number }[];
      };
    }>('query($id: ID!) { evaluationRun(id: $id) { params results { nId nOod auroc fprAtTprId } } }', { id: first.id });
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
    const { evaluationRun: tanlRun } = await app.gql<{
      evaluationRun: {
        diagnostics: { protocol: string; inputs: { corpusRows: number; noiseImages: number } };
        results: { nId: number }[];
      };
    }>('query($id: ID!) { evaluationRun(id: $id) { diagnostics results { nId } } }', { id: tanl.id });
    expect(tanlRun.diagnostics).toMatchObject({
      protocol: 'stream',
      inputs: { noiseImages: 15, corpusRows: expect.any(Number) },
    });
    expect(tanlRun.diagnostics.inputs.corpusRows).toBeGreaterThan(1000);
    expect(tanlRun.results).toEqual([{ nId: 12 }]);

    // … and `negmine evaluate` on the same embeddings gives the same metrics (one protocol).
    const dir = mkdtempSync(path.join(tmpdir(), 'negmine-tanl-'));
    try {
      const files = await exportTanlInputs(
        app.services,
        {
          miningRunId: mineNegatives.id,
          modelHash: model.contentHash,
          folder: fixtures.modelDir,
          idSetId: idSet.id,
          oodSetId: oodSet.id,
        },
        model.embeddingDim,
        dir,
      );
      const args = [
        'evaluate',
        '--method',
        'tanl',
        '--id-emb',
        files.idText,
        '--neg-emb',
        files.negText,
        '--corpus-emb',
        files.corpus,
        '--noise-emb',
        files.noise,
      ];
      args.push(
        '--images-id',
        files.idImages,
        '--images-ood',
        `ood=${files.oodImages}`,
        '--stream-seed',
        '0',
        '--threads',
        '1',
      );
      const cli = spawnSync(
        process.execPath,
        [path.join(repositoryRoot(), 'tools', 'cli', 'bin', 'negmine.js'), ...args],
        { encoding: 'utf8', timeout: 300_000 },
      );
      expect(cli.stderr.includes('Error')).toBe(false);
      const expected = JSON.parse(cli.stdout) as {
        sets: { ood: Record<string, number> };
        mean: Record<string, number>;
      };
      const stored = await app.db.prisma.evaluationResult.findFirstOrThrow({ where: { evaluationRunId: tanl.id } });
      const metrics = ['fprAtTprId', 'fprAtTprOod', 'auroc', 'auprIn', 'auprOut', 'thresholdAtTprId'] as const;
      expect(Object.fromEntries(metrics.map((m) => [m, stored[m]]))).toEqual(
        Object.fromEntries(metrics.map((m) => [m, expected.sets.ood[m]])),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
