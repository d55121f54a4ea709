// Label sets against a real Postgres schema: parsing, uniqueness, updates and guarded deletion.
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { ApiError, ApiErrorCode } from '../../errors';
import { parseLabels } from './label-set.service';

describe('parseLabels', () => {
  it('reads one label per line, trimming and skipping blank lines', () => {
    expect(parseLabels(undefined, ' goldfish \n\n tabby cat\r\nambulance\n')).toEqual(['goldfish', 'tabby cat', 'ambulance']);
  });

  it('refuses both sources, duplicates and empty sets', () => {
    expect(() => parseLabels(['a'], 'a')).toThrow(/either as a list/);
    expect(() => parseLabels(['a', 'b', 'a'], undefined)).toThrow(/repeated: a/);
    expect(() => parseLabels(undefined, '\n  \n')).toThrow(/no labels/);
  });
});

describe('LabelSetService (Postgres)', () => {
  let db: TestDatabase;
  let services: AllServices;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('creates from text with the paper template by default and refuses a duplicate name', async () => {
    const created = await services.labelSets.create({ name: 'animals', labelsText: 'cat\ndog' });
    expect(created.labels).toEqual(['cat', 'dog']);
    expect(created.promptTemplates).toEqual(['the nice {}']);
    await expect(services.labelSets.create({ name: 'animals', labels: ['x'] })).rejects.toMatchObject({ code: ApiErrorCode.Conflict });
  });

  it('refuses templates without exactly one {}', async () => {
    await expect(services.labelSets.create({ name: 'bad', labels: ['x'], promptTemplates: ['a photo'] })).rejects.toThrow(/exactly once/);
  });

  it('updates labels and name', async () => {
    const created = await services.labelSets.create({ name: 'vehicles', labels: ['car'] });
    const updated = await services.labelSets.update({ id: created.id, name: 'vehicles-2', labels: ['car', 'bus'] });
    expect(updated).toMatchObject({ name: 'vehicles-2', labels: ['car', 'bus'] });
  });

  it('refuses to delete a set with runs until it is archived, then deletes it with its runs', async () => {
    const labelSet = await services.labelSets.create({ name: 'with-runs', labels: ['a', 'b'] });
    const model = await services.models.register({ name: 'space-for-delete', importedEmbeddingDim: 4 });
    const corpus = await db.prisma.corpus.create({ data: { versionHash: 'h-delete', source: 'imported', options: {}, entryCount: 0, entries: [] } });
    await db.prisma.miningRun.create({
      data: {
        labelSetId: labelSet.id,
        modelId: model.id,
        corpusId: corpus.id,
        selectionMethod: 'knn_density',
        selectionParams: {},
        labelsSnapshot: labelSet.labels,
        modelHash: model.contentHash,
        codeVersion: 'test',
      },
    });
    const refusal = services.labelSets.delete(labelSet.id);
    await expect(refusal).rejects.toBeInstanceOf(ApiError);
    await expect(refusal).rejects.toMatchObject({ code: ApiErrorCode.Conflict, message: expect.stringMatching(/archive it first/) });
    await services.labelSets.update({ id: labelSet.id, archived: true });
    await services.labelSets.delete(labelSet.id);
    expect(await db.prisma.miningRun.count({ where: { labelSetId: labelSet.id } })).toBe(0);
    expect(await db.prisma.labelSet.findUnique({ where: { id: labelSet.id } })).toBeNull();
  });

  it('reports a missing id as NOT_FOUND', async () => {
    await expect(services.labelSets.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: ApiErrorCode.NotFound });
  });
});
