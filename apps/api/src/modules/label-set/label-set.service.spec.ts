// Label sets against a real Postgres schema: parsing, uniqueness, updates and guarded deletion.
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { ApiError, ApiErrorCode } from '../../errors';
import { parseLabels } from './label-set.service';

describe('parseLabels', () => {
  it('reads one label per line, trimming and skipping blank lines', () => {
    expect(parseLabels(undefined, ' goldfish \n\n tabby cat\r\nambulance\n')).toEqual([
      'goldfish',
      'tabby cat',
      'ambulance',
    ]);
  });

  it('refuses both sources, duplicates and empty sets', () => {
    expect(() => parseLabels(['a'], 'a')).toThrow(/either as a list/);
    expect(() => parseLabels(['a', 'b', 'a'], undefined)).toThrow(/line 3: duplicate of line 1/);
    expect(() => parseLabels(undefined, '\n  \n')).toThrow(/no labels/);
  });

  it('lists empty, duplicate (after trimming and NFC) and over-long labels by line, bounded', () => {
    const error = (() => {
      try {
        parseLabels(['cat', '', ' cat ', 'caf\u00e9', 'cafe\u0301', 'x'.repeat(257), 'x'.repeat(256)], undefined);
      } catch (caught) {
        return caught as ApiError;
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe(ApiErrorCode.BadUserInput);
    expect(error.message).toContain('line 2: empty');
    expect(error.message).toContain('line 3: duplicate of line 1');
    expect(error.message).toContain('line 5: duplicate of line 4');
    expect(error.message).toContain('line 6: 257 characters (at most 256)');
    expect(error.message).not.toContain('line 7');
    expect(error.details).toMatchObject({ reason: 'INVALID_LABELS', problemCount: 4 });
    // Text: blank lines are skipped but still counted, so line numbers are those of the text.
    expect(() => parseLabels(undefined, 'a\n\nb\na')).toThrow(/line 4: duplicate of line 1/);
    const many = Array.from({ length: 5000 }, () => 'same');
    const bounded = (() => {
      try {
        parseLabels(many, undefined);
      } catch (caught) {
        return caught as ApiError;
      }
      throw new Error('expected an error');
    })();
    expect(bounded.message.length).toBeLessThan(1500);
    expect(bounded.message).toContain('and 4979 more');
    expect(bounded.details).toMatchObject({ problemCount: 4999 });
  });

  it('accepts 100,000 labels and refuses 100,001 however they are given', () => {
    const labels = Array.from({ length: 100_000 }, (_, i) => `label ${i}`);
    expect(parseLabels(labels, undefined)).toHaveLength(100_000);
    expect(() => parseLabels(undefined, [...labels, 'one more'].join('\n'))).toThrow(
      /at most 100000 labels; got 100001/,
    );
    expect(() => parseLabels([...labels, 'one more'], undefined)).toThrow(/at most 100000 labels/);
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
    await expect(services.labelSets.create({ name: 'animals', labels: ['x'] })).rejects.toMatchObject({
      code: ApiErrorCode.Conflict,
    });
  });

  it('answers CONFLICT to every loser of 20 concurrent creates with one name (no 500), storing one set', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => services.labelSets.create({ name: 'race', labels: ['a'] })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected')
        expect(r.reason).toMatchObject({
          code: ApiErrorCode.Conflict,
          message: expect.stringMatching(/already exists/),
        });
    expect(await db.prisma.labelSet.count({ where: { name: 'race' } })).toBe(1);
  });

  it('trims the name', async () => {
    const created = await services.labelSets.create({ name: '  spaced  ', labels: ['a'] });
    expect(created.name).toBe('spaced');
    await expect(services.labelSets.create({ name: 'spaced ', labels: ['b'] })).rejects.toMatchObject({
      code: ApiErrorCode.Conflict,
    });
    await expect(services.labelSets.create({ name: '   ', labels: ['b'] })).rejects.toMatchObject({
      code: ApiErrorCode.BadUserInput,
    });
  });

  it('refuses templates without exactly one {}', async () => {
    await expect(
      services.labelSets.create({ name: 'bad', labels: ['x'], promptTemplates: ['a photo'] }),
    ).rejects.toThrow(/exactly once/);
  });

  it('updates labels and name', async () => {
    const created = await services.labelSets.create({ name: 'vehicles', labels: ['car'] });
    const updated = await services.labelSets.update({ id: created.id, name: 'vehicles-2', labels: ['car', 'bus'] });
    expect(updated).toMatchObject({ name: 'vehicles-2', labels: ['car', 'bus'] });
  });

  it('refuses to delete a set with runs until it is archived, then deletes it with its runs', async () => {
    const labelSet = await services.labelSets.create({ name: 'with-runs', labels: ['a', 'b'] });
    const model = await services.models.register({ name: 'space-for-delete', importedEmbeddingDim: 4 });
    const corpus = await db.prisma.corpus.create({
      data: { versionHash: 'h-delete', source: 'imported', options: {}, entryCount: 0, entries: [] },
    });
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
    await expect(refusal).rejects.toMatchObject({
      code: ApiErrorCode.Conflict,
      message: expect.stringMatching(/archive it first/),
    });
    await services.labelSets.update({ id: labelSet.id, archived: true });
    await services.labelSets.delete(labelSet.id);
    expect(await db.prisma.miningRun.count({ where: { labelSetId: labelSet.id } })).toBe(0);
    expect(await db.prisma.labelSet.findUnique({ where: { id: labelSet.id } })).toBeNull();
  });

  it('reports a missing id as NOT_FOUND', async () => {
    await expect(services.labelSets.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: ApiErrorCode.NotFound,
    });
  });
});
