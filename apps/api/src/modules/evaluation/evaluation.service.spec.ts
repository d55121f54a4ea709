// Launching evaluations: validation, resolved parameters on the run row, idempotency keys, listing
// with filters and cursors. Jobs are recorded, not run.
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { createImportedSpace, type ImportedSpace } from '../../../test/support/imported-space';
import { RecordingQueue, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { RunStatus, ScoringMethod, SelectionMethod } from '../common/enums';
import { EvaluationRunOrder } from './evaluation.input';

describe('EvaluationService (Postgres)', () => {
  let db: TestDatabase;
  let services: AllServices;
  let queue: RecordingQueue;
  let space: ImportedSpace;
  let miningRunId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = new RecordingQueue();
    services = testServices(db.prisma, queue);
    space = await createImportedSpace(services, 'eval');
    const run = await services.mining.mineNegatives({ labelSetId: space.labelSetId, modelId: space.modelId, corpusId: space.corpusId, selectionMethod: SelectionMethod.neglabel });
    miningRunId = run.id;
  });

  afterAll(async () => {
    await db?.drop();
  });

  const base = () => ({ idImageSetId: space.idSetId, oodImageSetIds: [space.oodSetId] });

  it('needs a succeeded mining run for negative-label methods', async () => {
    await expect(services.evaluations.launch({ ...base(), method: ScoringMethod.debiased, labelSetId: space.labelSetId, modelId: space.modelId })).rejects.toThrow(
      /give miningRunId/,
    );
    await expect(services.evaluations.launch({ ...base(), method: ScoringMethod.debiased, miningRunId })).rejects.toThrow(/is queued; evaluations need a succeeded/);
  });

  it('records every resolved hyperparameter and enqueues one evaluate job', async () => {
    await db.prisma.miningRun.update({ where: { id: miningRunId }, data: { status: RunStatus.succeeded } });
    const run = await services.evaluations.launch({ ...base(), method: ScoringMethod.debiased, miningRunId, params: { tau: 0.3 }, seed: 7, permutations: 2 });
    expect(run).toMatchObject({ method: 'debiased', seed: 7, permutations: 2, labelSetId: space.labelSetId, modelId: space.modelId, status: 'queued' });
    expect(run.params).toMatchObject({ tau: 0.3, seed: 7, permutations: 2, temperature: expect.any(Number), groups: expect.any(Number) });
    expect(run.codeVersion).toMatch(/^0\.1\.0/);
    expect(queue.sent.at(-1)).toEqual({ name: 'evaluate', data: { runId: run.id } });
  });

  it('refuses unknown parameters and out-of-range values with the library message', async () => {
    await expect(services.evaluations.launch({ ...base(), method: ScoringMethod.debiased, miningRunId, params: { nope: 1 } })).rejects.toThrow(/no parameter 'nope'/);
    await expect(services.evaluations.launch({ ...base(), method: ScoringMethod.mcm, labelSetId: space.labelSetId, modelId: space.modelId, seed: 3 })).rejects.toThrow(
      /takes no seed/,
    );
  });

  it('returns the same run for the same idempotency key, and CONFLICT for a different request', async () => {
    const input = { ...base(), method: ScoringMethod.mcm, labelSetId: space.labelSetId, modelId: space.modelId, idempotencyKey: 'k-1' };
    const [a, b] = await Promise.all([services.evaluations.launch(input), services.evaluations.launch(input)]);
    expect(a.id).toBe(b.id);
    expect(await db.prisma.evaluationRun.count({ where: { idempotencyKey: 'k-1' } })).toBe(1);
    await expect(services.evaluations.launch({ ...input, oodImageSetIds: [space.idSetId], idImageSetId: space.oodSetId })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('lists runs with filters and stable cursors', async () => {
    const all = await services.evaluations.list({ first: 50, orderBy: EvaluationRunOrder.created_desc });
    expect(all.totalCount).toBeGreaterThanOrEqual(2);
    const firstPage = await services.evaluations.list({ first: 1, orderBy: EvaluationRunOrder.created_desc });
    const secondPage = await services.evaluations.list({ first: 1, after: firstPage.pageInfo.endCursor, orderBy: EvaluationRunOrder.created_desc });
    expect(secondPage.edges[0]!.node.id).toBe(all.edges[1]!.node.id);
    const mcm = await services.evaluations.list({ first: 50, orderBy: EvaluationRunOrder.created_asc, filter: { method: ScoringMethod.mcm } });
    expect(mcm.edges.every((edge) => edge.node.method === 'mcm')).toBe(true);
    const none = await services.evaluations.list({ first: 50, orderBy: EvaluationRunOrder.created_asc, filter: { createdBefore: new Date(0) } });
    expect(none.totalCount).toBe(0);
  });
});
