// The demo seeded on a first start: one mining run evaluated with mcm, neglabel, debiased and adaneg,
// each on a near and a far OOD set, all finished with a mean; a second start seeds nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_EVALUATIONS, DEMO_FAR_OOD_SET, DEMO_NEAR_OOD_SET, seedDemo } from '../../src/db/seed-demo';
import { silentLogger } from '../support/test-services';
import { startTestApp, type TestApp } from '../support/test-app';

describe('seedDemo', () => {
  let app: TestApp;
  let modelRoot: string;

  beforeAll(async () => {
    modelRoot = mkdtempSync(path.join(tmpdir(), 'negmine-demo-'));
    app = await startTestApp({ modelRoots: [modelRoot] });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    if (modelRoot !== undefined) rmSync(modelRoot, { recursive: true, force: true });
  });

  it('evaluates one mining run with every demo method on a near and a far OOD set', async () => {
    await seedDemo(app.services, app.config, silentLogger);
    const { evaluationRuns } = await app.gql<{
      evaluationRuns: {
        edges: {
          node: {
            method: string;
            status: string;
            miningRun: { id: string };
            oodImageSets: { name: string }[];
            results: unknown[];
            meanMetrics: { auroc: number } | null;
          };
        }[];
      };
    }>(
      '{ evaluationRuns(first: 10) { edges { node { method status miningRun { id } oodImageSets { name } results { auroc } meanMetrics { auroc } } } } }',
    );
    const runs = evaluationRuns.edges.map((edge) => edge.node);
    expect(runs.map((run) => run.method).sort()).toEqual(DEMO_EVALUATIONS.map((e) => e.method).sort());
    expect(new Set(runs.map((run) => run.miningRun.id)).size).toBe(1);
    for (const run of runs) {
      expect({ method: run.method, status: run.status }).toEqual({ method: run.method, status: 'succeeded' });
      expect(run.oodImageSets.map((set) => set.name)).toEqual([DEMO_NEAR_OOD_SET, DEMO_FAR_OOD_SET]);
      expect(run.results).toHaveLength(2);
      expect(run.meanMetrics?.auroc).toBeGreaterThan(0.5);
    }
    const { detectors } = await app.gql<{
      detectors: { totalCount: number; edges: { node: { method: string; targetTpr: number; metrics: unknown[] } }[] };
    }>('{ detectors(first: 5) { totalCount edges { node { method targetTpr metrics { oodName fprAtThreshold } } } } }');
    expect(detectors.totalCount).toBe(1);
    expect(detectors.edges[0]!.node).toMatchObject({ method: 'debiased', targetTpr: 0.95 });
    expect(detectors.edges[0]!.node.metrics).toHaveLength(2);
    await seedDemo(app.services, app.config, silentLogger);
    const { evaluationRuns: again } = await app.gql<{ evaluationRuns: { totalCount: number } }>(
      '{ evaluationRuns(first: 1) { totalCount } }',
    );
    expect(again.totalCount).toBe(DEMO_EVALUATIONS.length);
  }, 300_000);
});
