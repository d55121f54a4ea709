// Launching evaluations: validation, resolved parameters on the run row, idempotency keys, listing
// with filters and cursors. Jobs are recorded, not run.
import { serializeNpy } from '@negmine/formats';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { createImportedSpace, type ImportedSpace } from '../../../test/support/imported-space';
import { RecordingQueue, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { RunStatus, ScoringMethod, SelectionMethod } from '../../shared/enums';
import { EvaluationRunOrder } from './evaluation.input';
import { decodeGroupPermutation } from './group-permutation';

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
    const run = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.neglabel,
    });
    miningRunId = run.id;
  });

  afterAll(async () => {
    await db?.drop();
  });

  const base = () => ({ idImageSetId: space.idSetId, oodImageSetIds: [space.oodSetId] });

  it('needs a succeeded mining run for negative-label methods', async () => {
    await expect(
      services.evaluations.launch({
        ...base(),
        method: ScoringMethod.debiased,
        labelSetId: space.labelSetId,
        modelId: space.modelId,
      }),
    ).rejects.toThrow(/give miningRunId/);
    await expect(
      services.evaluations.launch({ ...base(), method: ScoringMethod.debiased, miningRunId }),
    ).rejects.toThrow(/is queued; evaluations need a succeeded/);
  });

  it('records every resolved hyperparameter and enqueues one evaluate job', async () => {
    await db.prisma.miningRun.update({ where: { id: miningRunId }, data: { status: RunStatus.succeeded } });
    // A succeeded run's negatives (as its job would have written them): 11, so groups ≤ 11 at launch.
    const before = await db.prisma.evaluationRun.count();
    await expect(
      services.evaluations.launch({ ...base(), method: ScoringMethod.debiased, miningRunId }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { reason: 'NO_NEGATIVES' },
    });
    await db.prisma.negativeLabel.createMany({
      data: Array.from({ length: 11 }, (_, rank) => ({
        miningRunId,
        rank,
        corpusIndex: rank,
        word: `w${rank}`,
        pos: 'noun',
        statistic: rank,
        falseNegativeFlags: [],
        flagged: false,
      })),
    });
    await expect(
      services.evaluations.launch({ ...base(), method: ScoringMethod.debiased, miningRunId }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/groups exceeds the number of negatives; accepted: an integer in \[1, 11\]/),
      details: { reason: 'INVALID_PARAMETER', parameter: 'groups', value: 100 },
    });
    await expect(
      services.evaluations.launch({
        ...base(),
        method: ScoringMethod.neglabel,
        miningRunId,
        params: { groups: 5 },
        seed: 0xffffffff,
        permutations: 2,
      }),
    ).rejects.toMatchObject({
      details: { reason: 'INVALID_PARAMETER', parameter: 'seed' },
    });
    expect(await db.prisma.evaluationRun.count()).toBe(before);
    const run = await services.evaluations.launch({
      ...base(),
      method: ScoringMethod.debiased,
      miningRunId,
      params: { tau: 0.3, groups: 5 },
      seed: 7,
      permutations: 2,
    });
    expect(run).toMatchObject({
      method: 'debiased',
      seed: 7,
      permutations: 2,
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      status: 'queued',
    });
    expect(run.params).toMatchObject({
      tau: 0.3,
      seed: 7,
      permutations: 2,
      temperature: expect.any(Number),
      groups: expect.any(Number),
    });
    expect(run.codeVersion).toMatch(/^0\.1\.0/);
    expect(queue.sent.at(-1)).toEqual({ name: 'evaluate', data: { runId: run.id } });
  });

  it('takes an explicit group permutation (list or .npy), checks it, and stores it with the run', async () => {
    // 11 negatives (written above) in 5 groups: the last one is dropped, so a permutation has 10 indices.
    const p = [3, 1, 4, 0, 9, 2, 6, 5, 8, 7];
    const grouped = { ...base(), method: ScoringMethod.neglabel, miningRunId, params: { groups: 5 } };
    const run = await services.evaluations.launch({ ...grouped, permutation: { indices: p } });
    expect(run.permutations).toBe(1);
    expect(Array.from(decodeGroupPermutation(run.groupPermutation!))).toEqual(p);
    const npy = Buffer.from(serializeNpy(BigInt64Array.from(p, BigInt), [p.length])).toString('base64');
    const fromNpy = await services.evaluations.launch({ ...grouped, permutation: { npyBase64: npy } });
    expect(Array.from(decodeGroupPermutation(fromNpy.groupPermutation!))).toEqual(p);

    const refused = (permutation: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      services.evaluations
        .launch({ ...grouped, ...extra, permutation } as never)
        .catch((error: { code: string; message: string }) => `${error.code}: ${error.message}`);
    expect(await refused({ indices: p.slice(1) })).toMatch(
      /^BAD_USER_INPUT: the permutation must have N − \(N mod G\) = 10 indices .*N = 11 negatives, G = 5 groups\); got 9/,
    );
    expect(await refused({ indices: [...p.slice(0, 9), 1] })).toMatch(
      /^BAD_USER_INPUT: the permutation must contain each of 0\.\.9 exactly once; index 1 at position 9 is a repeat/,
    );
    expect(await refused({ indices: [...p.slice(0, 9), 10] })).toMatch(/index 10 at position 9 is out of range/);
    expect(await refused({ indices: p, npyBase64: npy })).toMatch(
      /^BAD_USER_INPUT: give the permutation as exactly one of permutation.indices/,
    );
    expect(await refused({})).toMatch(/exactly one of/);
    expect(await refused({ indices: p }, { permutations: 2 })).toMatch(/permutations must be 1/);
    expect(await refused({ indices: p }, { method: ScoringMethod.mcm, params: {} })).toMatch(
      /^BAD_USER_INPUT: method mcm does not group negatives.*methods that do: neglabel, debiased/,
    );
    const floats = Buffer.from(serializeNpy(Float32Array.from(p), [p.length])).toString('base64');
    expect(await refused({ npyBase64: floats })).toMatch(/the permutation .npy must be int64 or int32; got float32/);
  });

  it('refuses unknown parameters and out-of-range values with the library message', async () => {
    await expect(
      services.evaluations.launch({ ...base(), method: ScoringMethod.debiased, miningRunId, params: { nope: 1 } }),
    ).rejects.toThrow(/no parameter 'nope'/);
    await expect(
      services.evaluations.launch({
        ...base(),
        method: ScoringMethod.mcm,
        labelSetId: space.labelSetId,
        modelId: space.modelId,
        seed: 3,
      }),
    ).rejects.toThrow(/takes no seed/);
  });

  it('returns the same run for the same idempotency key, and CONFLICT for a different request', async () => {
    const input = {
      ...base(),
      method: ScoringMethod.mcm,
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      idempotencyKey: 'k-1',
    };
    const [a, b] = await Promise.all([services.evaluations.launch(input), services.evaluations.launch(input)]);
    expect(a.id).toBe(b.id);
    expect(await db.prisma.evaluationRun.count({ where: { idempotencyKey: 'k-1' } })).toBe(1);
    await expect(
      services.evaluations.launch({ ...input, oodImageSetIds: [space.idSetId], idImageSetId: space.oodSetId }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('lists runs with filters and stable cursors', async () => {
    const all = await services.evaluations.list({ first: 50, orderBy: EvaluationRunOrder.created_desc });
    expect(all.totalCount).toBeGreaterThanOrEqual(2);
    const firstPage = await services.evaluations.list({ first: 1, orderBy: EvaluationRunOrder.created_desc });
    const secondPage = await services.evaluations.list({
      first: 1,
      after: firstPage.pageInfo.endCursor,
      orderBy: EvaluationRunOrder.created_desc,
    });
    expect(secondPage.edges[0]!.node.id).toBe(all.edges[1]!.node.id);
    const mcm = await services.evaluations.list({
      first: 50,
      orderBy: EvaluationRunOrder.created_asc,
      filter: { method: ScoringMethod.mcm },
    });
    expect(mcm.edges.every((edge) => edge.node.method === 'mcm')).toBe(true);
    const none = await services.evaluations.list({
      first: 50,
      orderBy: EvaluationRunOrder.created_asc,
      filter: { createdBefore: new Date(0) },
    });
    expect(none.totalCount).toBe(0);
    // Only the selected columns (and the keys field resolvers need) are read; cursors still work.
    const narrow = await services.evaluations.list(
      { first: 1, orderBy: EvaluationRunOrder.created_desc },
      { fields: new Set(['method']), totalCount: false },
    );
    expect(Object.keys(narrow.edges[0]!.node).sort()).toEqual([
      'createdAt',
      'id',
      'idImageSetId',
      'labelSetId',
      'method',
      'miningRunId',
      'modelId',
      'oodImageSetIds',
      'status',
    ]);
    expect(narrow.pageInfo.endCursor).toBe(firstPage.pageInfo.endCursor);
  });
});
