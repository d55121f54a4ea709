// Imports: shapes and row orders are checked against the model and the target before anything is written.
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { createImportedSpace, npyBase64, vectors } from '../../../test/support/imported-space';
import { testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { EmbeddingTarget } from './import.input';

describe('ImportService (Postgres)', () => {
  let db: TestDatabase;
  let services: AllServices;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('imports label names, a corpus and image sets into the caches', async () => {
    const space = await createImportedSpace(services, 'ok');
    expect(await db.prisma.textEmbedding.count()).toBe(3 + 40);
    const idSet = await db.prisma.imageSet.findUniqueOrThrow({
      where: { id: space.idSetId },
      include: { items: true },
    });
    expect(idSet).toMatchObject({ kind: 'imported', imageCount: 20, modelId: space.modelId });
    expect(idSet.items).toHaveLength(20);
    expect(await db.prisma.imageEmbedding.count()).toBe(40);
  });

  it('refuses a width that differs from the model, and row counts that differ from the labels', async () => {
    const space = await createImportedSpace(services, 'bad');
    await expect(
      services.imports.importEmbeddings({
        target: EmbeddingTarget.label_names,
        modelId: space.modelId,
        labelSetId: space.labelSetId,
        npyBase64: npyBase64(vectors(3, 4, 1), 3, 4),
      }),
    ).rejects.toThrow(/have 4 values but model .* has embeddingDim 8/);
    await expect(
      services.imports.importEmbeddings({
        target: EmbeddingTarget.label_names,
        modelId: space.modelId,
        labelSetId: space.labelSetId,
        npyBase64: npyBase64(vectors(2, 8, 1), 2, 8),
      }),
    ).rejects.toThrow(/2 rows but 3 labels/);
    await expect(
      services.imports.importEmbeddings({
        target: EmbeddingTarget.label_names,
        modelId: space.modelId,
        labelSetId: space.labelSetId,
        rowLabels: ['alpha', 'beta', 'delta'],
        npyBase64: npyBase64(vectors(3, 8, 1), 3, 8),
      }),
    ).rejects.toThrow(/missing: \[gamma\], unknown: \[delta\]/);
  });

  it('refuses bytes that are not a .npy and paths outside the import roots', async () => {
    const space = await createImportedSpace(services, 'bytes');
    await expect(
      services.imports.importEmbeddings({
        target: EmbeddingTarget.image_set,
        modelId: space.modelId,
        imageSetName: 'x',
        npyBase64: Buffer.from('hello').toString('base64'),
      }),
    ).rejects.toMatchObject({ name: 'FormatsError' });
    await expect(
      services.imports.importEmbeddings({
        target: EmbeddingTarget.image_set,
        modelId: space.modelId,
        imageSetName: 'x',
        npyPath: '/etc/passwd',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('imports the 15 noise-image embeddings of a space (target noise), replacing an earlier import, and refuses another count', async () => {
    const space = await createImportedSpace(services, 'noise');
    await expect(
      services.imports.importEmbeddings({
        target: EmbeddingTarget.noise,
        modelId: space.modelId,
        npyBase64: npyBase64(vectors(14, 8, 5), 14, 8),
      }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/15 noise images.*14 rows/),
    });
    expect((await db.prisma.encoderModel.findUniqueOrThrow({ where: { id: space.modelId } })).noiseInputHashes).toEqual(
      [],
    );
    const first = await services.imports.importEmbeddings({
      target: EmbeddingTarget.noise,
      modelId: space.modelId,
      npyBase64: npyBase64(vectors(15, 8, 5), 15, 8),
    });
    expect(first).toMatchObject({ target: 'noise', rows: 15, embeddingDim: 8 });
    const once = (await db.prisma.encoderModel.findUniqueOrThrow({ where: { id: space.modelId } })).noiseInputHashes;
    expect(new Set(once).size).toBe(15);
    await services.imports.importEmbeddings({
      target: EmbeddingTarget.noise,
      modelId: space.modelId,
      npyBase64: npyBase64(vectors(15, 8, 6), 15, 8),
    });
    const again = (await db.prisma.encoderModel.findUniqueOrThrow({ where: { id: space.modelId } })).noiseInputHashes;
    expect(again).toHaveLength(15);
    expect(again.some((hash) => once.includes(hash))).toBe(false);
  });
});
