// An idempotency key stands for one request: the same request returns the same run, and any other
// input under the key (method, params, seed, permutations, preset, permutation, sets) is a CONFLICT
// that names the differing fields.
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { createImportedSpace, type ImportedSpace } from '../../../test/support/imported-space';
import { RecordingQueue, runJob, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { ScoringMethod, SelectionMethod } from '../../shared/enums';
import type { LaunchEvaluationInput } from './evaluation.input';

describe('launchEvaluation idempotency (Postgres)', () => {
  let db: TestDatabase;
  let services: AllServices;
  let space: ImportedSpace;
  let miningRunId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma, new RecordingQueue());
    space = await createImportedSpace(services, 'idem');
    const run = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.neglabel,
    });
    miningRunId = run.id;
    await runJob(services, 'mine', { runId: miningRunId });
  });

  afterAll(async () => {
    await db?.drop();
  });

  const conflictOf = async (
    input: LaunchEvaluationInput,
  ): Promise<{ code: string; details: { differingFields: string[] } }> => {
    try {
      await services.evaluations.launch(input);
    } catch (error) {
      return error as { code: string; details: { differingFields: string[] } };
    }
    throw new Error('expected a CONFLICT');
  };

  it('returns the same run for the same request, however its params are ordered', async () => {
    const input: LaunchEvaluationInput = {
      miningRunId,
      method: ScoringMethod.neglabel,
      params: { groups: 4, temperature: 0.01 },
      seed: 3,
      idImageSetId: space.idSetId,
      oodImageSetIds: [space.oodSetId],
      idempotencyKey: 'same',
    };
    const first = await services.evaluations.launch(input);
    const again = await services.evaluations.launch({ ...input, params: { temperature: 0.01, groups: 4 } });
    expect(again.id).toBe(first.id);
  });

  it('names every field in which a reused key differs', async () => {
    const input: LaunchEvaluationInput = {
      miningRunId,
      method: ScoringMethod.neglabel,
      params: { groups: 4 },
      seed: 1,
      permutations: 1,
      idImageSetId: space.idSetId,
      oodImageSetIds: [space.oodSetId],
      idempotencyKey: 'differs',
    };
    const run = await services.evaluations.launch(input);
    const negatives = (await services.mining.negatives({ miningRunId, first: 1, orderBy: 'rank_asc' as never }))
      .totalCount;
    const kept = 4 * Math.floor(negatives / 4);
    const cases: [Partial<LaunchEvaluationInput>, string[]][] = [
      [{ params: { groups: 5 } }, ['params']],
      [{ params: { groups: 4, temperature: 0.5 } }, ['params']],
      [{ seed: 2 }, ['seed']],
      [{ permutations: 3 }, ['permutations']],
      [{ permutation: { indices: Array.from({ length: kept }, (_, i) => kept - 1 - i) } }, ['permutation']],
      [{ method: ScoringMethod.debiased, params: { groups: 4 }, preset: 'imagenet-a' }, ['method', 'params', 'preset']],
      [{ oodImageSetIds: [space.idSetId], idImageSetId: space.oodSetId }, ['idImageSetId', 'oodImageSetIds']],
      [{ seed: 2, params: { groups: 2 } }, ['params', 'seed']],
    ];
    for (const [change, fields] of cases) {
      const error = await conflictOf({ ...input, ...change });
      expect({ change, code: error.code, fields: error.details.differingFields }).toEqual({
        change,
        code: 'CONFLICT',
        fields,
      });
      expect(error).toMatchObject({
        message: expect.stringContaining(`differing: ${fields.join(', ')}`),
        details: { evaluationRunId: run.id },
      });
    }
    expect(await db.prisma.evaluationRun.count({ where: { idempotencyKey: 'differs' } })).toBe(1);
  });
});
