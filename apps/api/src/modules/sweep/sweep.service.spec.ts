// launchSweep end to end on an imported space: every grid point becomes a validation child (an
// evaluation run with results), the choice is the children's best by the objective (checked here
// from the stored result rows), the chosen point alone is evaluated on the test sets and equals a
// plain launchEvaluation of those parameters there; a rerun chooses the same; bad requests are
// typed errors that store nothing.
import { SWEEP_OBJECTIVES } from '@negmine/mining';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { createImportedSpace, npyBase64, vectors, type ImportedSpace } from '../../../test/support/imported-space';
import { RecordingQueue, runJob, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { ApiError } from '../../errors';
import { ScoringMethod, SelectionMethod, SweepRole } from '../../shared/enums';
import { EmbeddingTarget } from '../import/import.input';
import { SweepObjective } from './sweep.input';

const DIM = 8;
const METRICS = ['fprAtTprId', 'fprAtTprOod', 'auroc', 'auprIn', 'auprOut', 'thresholdAtTprId'] as const;

describe('validated sweeps (launchSweep and the sweep job)', () => {
  let db: TestDatabase;
  let services: AllServices;
  let space: ImportedSpace;
  let miningRunId: string;
  const sets: Record<'valId' | 'valNear' | 'valFar' | 'testId' | 'testNear' | 'testFar', string> = {} as never;

  const importSet = async (name: string, rows: number, seed: number, shift: number) => {
    const data = vectors(rows, DIM, seed).map((value, i) => value + (i % DIM === 1 ? shift : 0));
    return (
      await services.imports.importEmbeddings({
        target: EmbeddingTarget.image_set,
        modelId: space.modelId,
        imageSetName: name,
        npyBase64: npyBase64(data, rows, DIM),
      })
    ).imageSetId!;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma, new RecordingQueue());
    space = await createImportedSpace(services, 'sweep', DIM);
    sets.valId = await importSet('val-id', 24, 31, 0);
    sets.valNear = await importSet('val-near', 20, 32, 0.8);
    sets.valFar = await importSet('val-far', 22, 33, 2.5);
    sets.testId = await importSet('test-id', 24, 41, 0);
    sets.testNear = await importSet('test-near', 20, 42, 0.8);
    sets.testFar = await importSet('test-far', 22, 43, 2.5);
    const run = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.knn_density,
      params: { k: 5 },
    });
    miningRunId = run.id;
    await runJob(services, 'mine', { runId: miningRunId });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  const launch = (key: string, overrides: Record<string, unknown> = {}) =>
    services.sweeps.launch({
      miningRunId,
      method: ScoringMethod.debiased,
      grid: { tau: [0.3, 0.6, 1], groups: [2, 4] },
      baseParams: { temperature: 0.01 },
      objective: SweepObjective.auroc,
      validation: { idImageSetId: sets.valId, oodImageSetIds: [sets.valNear, sets.valFar] },
      test: { idImageSetId: sets.testId, oodImageSetIds: [sets.testNear, sets.testFar] },
      seed: 5,
      idempotencyKey: key,
      ...overrides,
    });

  /** Mean of a metric over a run's stored result rows (independent of the sweep's own bookkeeping). */
  const storedMean = async (runId: string, metric: (typeof METRICS)[number]) => {
    const rows = await db.prisma.evaluationResult.findMany({ where: { evaluationRunId: runId } });
    return rows.reduce((sum, row) => sum + row[metric], 0) / rows.length;
  };

  it('evaluates every point on the validation sets, chooses the best by the objective, and tests only the choice', async () => {
    const launched = await launch('sweep-1');
    expect(launched).toMatchObject({ status: 'queued', points: 6, children: [], bestIndex: null, testRunId: null });
    expect(launched.grid).toEqual({ tau: [0.3, 0.6, 1], groups: [2, 4] });
    expect(launched.baseParams).toMatchObject({ temperature: 0.01, seed: 5 });
    expect(await runJob(services, 'sweep', { runId: launched.id })).toBe('committed');

    const sweep = await services.sweeps.get(launched.id);
    expect(sweep.status).toBe('succeeded');
    expect(sweep.children.map((child) => child.index)).toEqual([0, 1, 2, 3, 4, 5]);
    // Grid order: the first parameter varies slowest.
    expect(
      sweep.children.map((child) => {
        const params = child.params as Record<string, number>;
        return [params['tau'], params['groups']];
      }),
    ).toEqual([
      [0.3, 2],
      [0.3, 4],
      [0.6, 2],
      [0.6, 4],
      [1, 2],
      [1, 4],
    ]);
    const objectives = [];
    for (const child of sweep.children) {
      const run = await services.evaluations.get(child.evaluationRunId);
      expect(run).toMatchObject({
        status: 'succeeded',
        sweepId: sweep.id,
        sweepRole: SweepRole.validation,
        sweepIndex: child.index,
        idImageSetId: sets.valId,
        oodImageSetIds: [sets.valNear, sets.valFar],
        method: 'debiased',
      });
      const mean = await storedMean(child.evaluationRunId, 'auroc');
      expect(child.objectiveValue).toBeCloseTo(mean, 12);
      objectives.push(mean);
    }
    const best = objectives.indexOf(Math.max(...objectives));
    expect(sweep.bestIndex).toBe(best);
    expect(sweep.bestParams).toEqual(sweep.children[best]!.params);

    // The chosen point on the test sets equals a plain evaluation of those parameters there.
    expect(sweep.testRunId).not.toBeNull();
    const testRun = await services.evaluations.get(sweep.testRunId!);
    expect(testRun).toMatchObject({
      sweepRole: SweepRole.test,
      sweepIndex: best,
      idImageSetId: sets.testId,
      oodImageSetIds: [sets.testNear, sets.testFar],
      params: sweep.bestParams,
    });
    const { preset: _preset, seed: _seed, ...params } = sweep.bestParams as Record<string, number | string>;
    const plain = await services.evaluations.launch({
      miningRunId,
      method: ScoringMethod.debiased,
      params,
      seed: 5,
      idImageSetId: sets.testId,
      oodImageSetIds: [sets.testNear, sets.testFar],
    });
    await runJob(services, 'evaluate', { runId: plain.id });
    expect((await services.evaluations.get(plain.id)).params).toEqual(testRun.params);
    for (const metric of METRICS) expect(await storedMean(testRun.id, metric)).toBe(await storedMean(plain.id, metric));
    const scores = await db.prisma.sampleScores.findMany({
      where: { evaluationRunId: { in: [testRun.id, plain.id] } },
      orderBy: { imageSetId: 'asc' },
    });
    const byRun = (id: string) =>
      scores.filter((row) => row.evaluationRunId === id).map((row) => Buffer.from(row.scores));
    expect(byRun(testRun.id)).toEqual(byRun(plain.id));

    // A rerun (new key) chooses the same point with the same values.
    const again = await launch('sweep-2');
    await runJob(services, 'sweep', { runId: again.id });
    const rerun = await services.sweeps.get(again.id);
    expect(rerun.bestIndex).toBe(sweep.bestIndex);
    expect(rerun.children.map((child) => child.objectiveValue)).toEqual(
      sweep.children.map((child) => child.objectiveValue),
    );
    const page = await services.sweeps.list({ first: 1 }, { totalCount: true });
    expect(page.totalCount).toBe(2);
    expect(page.edges.map((edge) => edge.node.id)).toEqual([again.id]);
    const next = await services.sweeps.list({ first: 5, after: page.pageInfo.endCursor! }, { totalCount: false });
    expect(next.edges.map((edge) => edge.node.id)).toEqual([sweep.id]);
    expect(next.edges[0]!.node.children).toHaveLength(6);
  }, 120_000);

  it('minimises FPR objectives (the first best in grid order on ties)', async () => {
    expect(SWEEP_OBJECTIVES).toEqual(Object.keys(SweepObjective));
    const launched = await launch('sweep-fpr', { objective: SweepObjective.fprAtTprOod, test: undefined });
    await runJob(services, 'sweep', { runId: launched.id });
    const sweep = await services.sweeps.get(launched.id);
    const values = sweep.children.map((child) => child.objectiveValue);
    expect(sweep.bestIndex).toBe(values.indexOf(Math.min(...values)));
    expect(sweep.testRunId).toBeNull();
  }, 60_000);

  it('returns the same sweep for the same key and request, and CONFLICT for another request', async () => {
    const first = await launch('sweep-key');
    const same = await launch('sweep-key');
    expect(same.id).toBe(first.id);
    await expect(launch('sweep-key', { objective: SweepObjective.fprAtTprId })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('refuses bad requests with a typed error and stores nothing', async () => {
    const before = await db.prisma.sweep.count();
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['unknown parameter', { grid: { nope: [1, 2] } }, /debiased has no parameter 'nope'/],
      ['grid values not a list', { grid: { tau: 0.5 } }, /grid.tau must be a list/],
      ['grid too large', { grid: { tau: Array.from({ length: 300 }, (_, i) => 0.001 + i / 400) } }, /cap of 256/],
      ['invalid point', { grid: { tau: [0.5, 7] } }, /tau/],
      [
        'test overlaps validation',
        { test: { idImageSetId: sets.valId, oodImageSetIds: [sets.testNear] } },
        /both validation and test sets/,
      ],
      ['groups above the negatives', { grid: { groups: [2, 100_000] } }, /groups/],
    ];
    for (const [name, overrides, message] of cases) {
      const error = await launch(`bad-${name}`, overrides).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect({ name, ok: error instanceof Error }).toEqual({ name, ok: true });
      const code = error instanceof ApiError ? error.code : (error as { code?: string }).code;
      expect({ name, code }).toEqual({
        name,
        code: expect.stringMatching(/BAD_USER_INPUT|INVALID_PARAMETER|GRID_TOO_LARGE/),
      });
      expect((error as Error).message).toMatch(message);
    }
    expect(await db.prisma.sweep.count()).toBe(before);
  });
});
