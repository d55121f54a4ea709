// Decode failures end to end in one process: folders with real undecodable files (text bytes, a
// truncated JPEG) registered as image sets, mcm evaluations driven through the `evaluate` job and
// its `encode-images` shards on the generated tiny CLIP model; the failures are stored once per
// file and model (a retried shard adds nothing, a file that later decodes loses its row), listed
// and counted through GraphQL on the image set and on the run, and a run whose OOD set has no
// usable image fails with NO_USABLE_IMAGES naming the set.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createOnnxFixtures, type OnnxFixtures } from '../../../test/support/onnx-fixtures';
import { graphqlClient, type GraphqlClient } from '../../../test/support/graphql';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { RecordingQueue, runJob, testConfig, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import type { JobPayloads } from '../../jobs/queue';
import { Backbone, ScoringMethod } from '../../shared/enums';

jest.setTimeout(120_000);

interface FailureNode {
  imageSetId: string;
  position: number;
  path: string;
  code: string;
  message: string;
  modelId: string;
  imageSet: { name: string };
}

interface FailurePage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: FailureNode }[];
}

describe('decode failures (Postgres, tiny ONNX model, real files)', () => {
  let db: TestDatabase;
  let fixtures: OnnxFixtures;
  let queue: RecordingQueue;
  let services: AllServices;
  let gql: GraphqlClient;
  let modelId: string;
  let labelSetId: string;
  const sets: Record<'id' | 'oodOk' | 'oodBroken', { id: string; folder: string }> = {} as never;

  /** Runs the evaluate job, every shard it sends (the first one twice, as a retried shard), and the continuation. */
  const drive = async (runId: string) => {
    const from = queue.sent.length;
    await runJob(services, 'evaluate', { runId });
    const shards = queue.sent.slice(from).filter((job) => job.name === 'encode-images');
    for (const [i, shard] of shards.entries()) {
      await runJob(services, 'encode-images', shard.data as JobPayloads['encode-images']);
      if (i === 0) await runJob(services, 'encode-images', shard.data as JobPayloads['encode-images']);
    }
    const continuation = queue.sent.slice(from).find((job) => job.name === 'evaluate');
    if (continuation !== undefined) await runJob(services, 'evaluate', { runId });
    return db.prisma.evaluationRun.findUniqueOrThrow({ where: { id: runId } });
  };

  const launch = (oodImageSetIds: string[]) =>
    services.evaluations.launch({
      method: ScoringMethod.mcm,
      labelSetId,
      modelId,
      idImageSetId: sets.id.id,
      oodImageSetIds,
    });

  beforeAll(async () => {
    fixtures = createOnnxFixtures();
    db = await createTestDatabase();
    queue = new RecordingQueue();
    services = testServices(
      db.prisma,
      queue,
      testConfig({
        modelRoots: [path.join(fixtures.root, 'models')],
        imageRoots: [path.join(fixtures.root, 'images')],
        shardSize: 4,
      }),
    );
    gql = await graphqlClient(services);
    modelId = (await services.models.register({ name: 'tiny', folder: fixtures.modelDir, backbone: Backbone.vit_b32 }))
      .id;
    labelSetId = (await services.labelSets.create({ name: 'pets', labels: ['cat', 'dog', 'goldfish'] })).id;
    const idFolder = await fixtures.imageFolder('id', 6, 1);
    // A truncated JPEG (its header parses, its data ends) and a text file named .png.
    const jpeg = readdirSync(idFolder).find((name) => name.endsWith('.jpg') || name.endsWith('.jpeg'))!;
    writeFileSync(path.join(idFolder, 'aa-truncated.jpg'), readFileSync(path.join(idFolder, jpeg)).subarray(0, 300));
    writeFileSync(path.join(idFolder, 'zz-not-an-image.png'), 'this is text, not a PNG\n');
    const oodOk = await fixtures.imageFolder('ood-ok', 5, 2);
    const oodBroken = path.join(fixtures.root, 'images', 'ood-broken');
    await fixtures.imageFolder('ood-broken', 0, 3);
    for (const name of ['a.png', 'b.jpg', 'c.webp']) writeFileSync(path.join(oodBroken, name), `not an image: ${name}`);
    for (const [key, name, folder] of [
      ['id', 'id-with-broken', idFolder],
      ['oodOk', 'ood-ok', oodOk],
      ['oodBroken', 'ood-broken', oodBroken],
    ] as const) {
      const set = await services.imageSets.registerFolder({ name, folder });
      sets[key] = { id: set.id, folder };
    }
  });

  afterAll(async () => {
    await gql?.stop();
    await db?.drop();
    fixtures?.remove();
  });

  it('stores each undecodable file once per model (a retried shard adds nothing) and leaves it out of the run', async () => {
    const run = await drive((await launch([sets.oodOk.id])).id);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'succeeded', error: null });
    expect(run.statusReason).toBe('2 images could not be decoded and were left out (listed in decodeFailures)');
    const rows = await db.prisma.imageDecodeFailure.findMany({ orderBy: { position: 'asc' } });
    expect(rows.map((row) => [row.imageSetId, row.position, row.modelId, row.code])).toEqual([
      [sets.id.id, 0, modelId, 'IMAGE_DECODE_FAILED'],
      [sets.id.id, 7, modelId, 'IMAGE_DECODE_FAILED'],
    ]);
    const result = await db.prisma.evaluationResult.findFirstOrThrow({ where: { evaluationRunId: run.id } });
    expect({ nId: result.nId, nOod: result.nOod }).toEqual({ nId: 6, nOod: 5 });

    const { imageSets } = await gql.data<{
      imageSets: { name: string; decodeFailureCount: number; decodeFailures: FailurePage }[];
    }>(
      `query { imageSets { name decodeFailureCount decodeFailures(first: 10) { totalCount
        pageInfo { hasNextPage endCursor } edges { node { imageSetId position path code message modelId imageSet { name } } } } } }`,
    );
    const idSet = imageSets.find((set) => set.name === 'id-with-broken')!;
    expect(idSet.decodeFailureCount).toBe(2);
    expect(idSet.decodeFailures.totalCount).toBe(2);
    expect(
      idSet.decodeFailures.edges.map(({ node }) => [node.path, node.code, node.modelId, node.imageSet.name]),
    ).toEqual([
      ['aa-truncated.jpg', 'IMAGE_DECODE_FAILED', modelId, 'id-with-broken'],
      ['zz-not-an-image.png', 'IMAGE_DECODE_FAILED', modelId, 'id-with-broken'],
    ]);
    for (const { node } of idSet.decodeFailures.edges) {
      // The reason names the file by its path in the set, never by the server's folder.
      expect(node.message).toContain(node.path);
      expect(node.message).not.toContain(fixtures.root);
      expect(node.message.length).toBeLessThanOrEqual(500);
    }
    expect(imageSets.find((set) => set.name === 'ood-ok')!.decodeFailureCount).toBe(0);
    // The set that no run encoded yet has no failures recorded.
    expect(imageSets.find((set) => set.name === 'ood-broken')!.decodeFailures.totalCount).toBe(0);
  });

  it('pages with cursors, filters by model, and batches a list of sets into one query', async () => {
    const page = (after?: string) =>
      gql.data<{ imageSets: { id: string; decodeFailures: FailurePage }[] }>(
        `query($after: String, $m: ID) { imageSets { id decodeFailures(first: 1, after: $after, modelId: $m) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { path } } } } }`,
        { after, m: modelId },
      );
    const spy = jest.spyOn(services.decodeFailureRepository, 'pages');
    const first = (await page()).imageSets.find((set) => set.id === sets.id.id)!.decodeFailures;
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(first.edges.map(({ node }) => node.path)).toEqual(['aa-truncated.jpg']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor!)).imageSets.find(
      (set) => set.id === sets.id.id,
    )!.decodeFailures;
    expect(second.edges.map(({ node }) => node.path)).toEqual(['zz-not-an-image.png']);
    expect(second.pageInfo.hasNextPage).toBe(false);

    const other = (await services.models.register({ name: 'other', importedEmbeddingDim: 32 })).id;
    const { imageSets } = await gql.data<{ imageSets: { id: string; decodeFailureCount: number }[] }>(
      'query($m: ID) { imageSets { id decodeFailureCount(modelId: $m) } }',
      { m: other },
    );
    expect(imageSets.find((set) => set.id === sets.id.id)!.decodeFailureCount).toBe(0);
    const unknown = await gql.exec('query($m: ID) { imageSets { decodeFailureCount(modelId: $m) } }', {
      m: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const badCursor = await gql.exec('query { imageSets { decodeFailures(after: "bm9wZQ") { totalCount } } }');
    expect(badCursor.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('fails a run whose OOD set has no usable image with NO_USABLE_IMAGES, and lists its left-out files per set', async () => {
    const before = await db.prisma.imageDecodeFailure.count();
    const run = await drive((await launch([sets.oodOk.id, sets.oodBroken.id])).id);
    expect(run.status).toBe('failed');
    expect(run.errorCode).toBe('NO_USABLE_IMAGES');
    expect(run.error).toBe(
      `OOD image set 'ood-broken' (${sets.oodBroken.id}) has no usable image: all 3 of its files failed to decode for ` +
        "this model (listed in the run's decodeFailures); replace or remove them and register the set again",
    );
    expect(await db.prisma.imageDecodeFailure.count()).toBe(before + 3);
    const { evaluationRun } = await gql.data<{ evaluationRun: { decodeFailures: FailurePage } }>(
      `query($id: ID!) { evaluationRun(id: $id) { decodeFailures(first: 50) { totalCount
        edges { node { imageSetId path code imageSet { name } } } } } }`,
      { id: run.id },
    );
    expect(evaluationRun.decodeFailures.totalCount).toBe(5);
    // The ID set's files first, then each OOD set's, in path order.
    expect(evaluationRun.decodeFailures.edges.map(({ node }) => [node.imageSet.name, node.path])).toEqual([
      ['id-with-broken', 'aa-truncated.jpg'],
      ['id-with-broken', 'zz-not-an-image.png'],
      ['ood-broken', 'a.png'],
      ['ood-broken', 'b.jpg'],
      ['ood-broken', 'c.webp'],
    ]);
    // A list of runs asking for their failures costs one page query, not one per run.
    const spy = jest.spyOn(services.decodeFailureRepository, 'pages');
    const { evaluationRuns } = await gql.data<{
      evaluationRuns: { edges: { node: { id: string; decodeFailures: { totalCount: number } } }[] };
    }>('query { evaluationRuns(first: 10) { edges { node { id decodeFailures(first: 2) { totalCount } } } } }');
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(evaluationRuns.edges.map(({ node }) => node.decodeFailures.totalCount)).toEqual([5, 2]);
  });

  it('drops the failure of a file that decodes on a later encoding', async () => {
    // The file at the registered path now holds a valid image (a re-registered folder would get new items).
    const valid = readdirSync(sets.oodOk.folder).find((name) => name.endsWith('.png'))!;
    writeFileSync(path.join(sets.id.folder, 'zz-not-an-image.png'), readFileSync(path.join(sets.oodOk.folder, valid)));
    const run = await drive((await launch([sets.oodOk.id])).id);
    expect(run.status).toBe('succeeded');
    expect(run.statusReason).toBe('1 image could not be decoded and was left out (listed in decodeFailures)');
    const rows = await db.prisma.imageDecodeFailure.findMany({ where: { imageSetId: sets.id.id } });
    expect(rows.map((row) => row.position)).toEqual([0]);
  });
});
