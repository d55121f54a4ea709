// cancelRun stops the work (Postgres): a mining run cancelled while its kNN selection runs in its
// compute process, an evaluation cancelled from "another process" (the status flipped in the
// database, noticed by the job's status poll), and a sweep cancelled while its grid runs — each job
// returns within seconds, its compute process is gone, the run stays cancelled, and nothing more is
// stored; a cancelled run's pending shard jobs end without work.
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { createImportedSpace, importCandidateCorpus, type ImportedSpace } from '../../test/support/imported-space';
import { RecordingQueue, runJob, testConfig, testServices } from '../../test/support/test-services';
import type { AllServices } from '../app';
import { SweepObjective } from '../modules/sweep/sweep.input';
import { RunStatus, ScoringMethod, SelectionMethod } from '../shared/enums';
import { liveComputeProcesses } from './compute-process';
import { RunStore, ShardKind } from './run.repository';

/** Candidates of the big corpus: the kNN selection over them takes many seconds on one thread. */
const BIG_CORPUS = 30_000;
const DIM = 96;
/**
 * How a small job ends when cancelled while its compute process runs: stopped by its status poll, or
 * — when the compute finished first, which a loaded machine makes possible for these small inputs —
 * discarded by the commit guard. Either way nothing is stored; the mining case (a selection of many
 * seconds) shows the kill mid-compute.
 */
const STOPPED_OR_DISCARDED = ['cancelled', 'discarded'];

/** How long a cancelled job may go on after the cancellation. */
const STOP_BOUND_MS = 5_000;

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('cancelRun stops the work', () => {
  let db: TestDatabase;
  let services: AllServices;
  let space: ImportedSpace;
  let bigCorpusId: string;
  let store: RunStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma, new RecordingQueue(), testConfig({ stopCheckMs: 200 }));
    store = new RunStore(db.prisma);
    space = await createImportedSpace(services, 'cancel', DIM);
    bigCorpusId = await importCandidateCorpus(services, space.modelId, BIG_CORPUS, DIM);
  }, 240_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('a mining run cancelled mid-selection: the job returns within seconds, the compute process exits, nothing is stored', async () => {
    const run = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: bigCorpusId,
      selectionMethod: SelectionMethod.knn_density,
      params: { k: 10 },
    });
    const job = runJob(services, 'mine', { runId: run.id });
    let settledAt: number | undefined;
    void job.finally(() => (settledAt = Date.now()));
    // The selection is in its compute process; give it time to be deep in the kNN products.
    await until(() => liveComputeProcesses() === 1, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(settledAt).toBeUndefined();
    const cancelledAt = Date.now();
    expect(await services.runs.cancel(run.id)).toMatchObject({ status: RunStatus.cancelled });
    expect(await job).toBe('cancelled');
    expect(settledAt! - cancelledAt).toBeLessThan(STOP_BOUND_MS);
    await until(() => liveComputeProcesses() === 0, STOP_BOUND_MS);
    expect(await store.findOfKind('mining', run.id)).toMatchObject({
      status: RunStatus.cancelled,
      statusReason: 'cancelled by request',
      claimedBy: null,
    });
    expect(await db.prisma.negativeLabel.count({ where: { miningRunId: run.id } })).toBe(0);
  }, 120_000);

  it('an evaluation cancelled elsewhere (status flipped in the database) stops at its next status check', async () => {
    const mined = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.knn_density,
      params: { k: 5 },
    });
    expect(await runJob(services, 'mine', { runId: mined.id })).toBe('committed');
    const run = await services.evaluations.launch({
      miningRunId: mined.id,
      method: ScoringMethod.neglabel,
      params: { groups: 4 },
      idImageSetId: space.idSetId,
      oodImageSetIds: [space.oodSetId],
    });
    const job = runJob(services, 'evaluate', { runId: run.id });
    await until(() => liveComputeProcesses() === 1, 60_000);
    const cancelledAt = Date.now();
    // Not through RunService: as another process would, so only the job's status poll can notice.
    expect(await store.cancel('evaluation', run.id)).not.toBeNull();
    expect(STOPPED_OR_DISCARDED).toContain(await job);
    expect(Date.now() - cancelledAt).toBeLessThan(STOP_BOUND_MS);
    await until(() => liveComputeProcesses() === 0, STOP_BOUND_MS);
    expect(await store.findOfKind('evaluation', run.id)).toMatchObject({ status: RunStatus.cancelled });
    expect(await db.prisma.evaluationResult.count({ where: { evaluationRunId: run.id } })).toBe(0);
    expect(await db.prisma.sampleScores.count({ where: { evaluationRunId: run.id } })).toBe(0);
  }, 120_000);

  it('a sweep cancelled while its grid runs: the job returns, its compute process exits, no child run is stored', async () => {
    const mined = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.knn_density,
      params: { k: 5 },
    });
    expect(await runJob(services, 'mine', { runId: mined.id })).toBe('committed');
    const sweep = await services.sweeps.launch({
      miningRunId: mined.id,
      method: ScoringMethod.debiased,
      grid: { tau: [0.3, 0.6, 1], groups: [2, 4] },
      objective: SweepObjective.auroc,
      validation: { idImageSetId: space.idSetId, oodImageSetIds: [space.oodSetId] },
    });
    const job = runJob(services, 'sweep', { runId: sweep.id });
    await until(() => liveComputeProcesses() === 1, 60_000);
    const cancelledAt = Date.now();
    await services.runs.cancel(sweep.id);
    expect(STOPPED_OR_DISCARDED).toContain(await job);
    expect(Date.now() - cancelledAt).toBeLessThan(STOP_BOUND_MS);
    await until(() => liveComputeProcesses() === 0, STOP_BOUND_MS);
    expect(await store.findOfKind('sweep', sweep.id)).toMatchObject({ status: RunStatus.cancelled });
    expect(await db.prisma.evaluationRun.count({ where: { sweepId: sweep.id } })).toBe(0);
  }, 120_000);

  it("a cancelled run's pending shard jobs end without work", async () => {
    const run = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.knn_density,
      params: { k: 5 },
    });
    await store.claim('mining', run.id, 'planner');
    await store.recordShards(run.id, ShardKind.text, space.corpusId, [[0, 10]]);
    await services.runs.cancel(run.id);
    expect(await runJob(services, 'encode-text', { runId: run.id, corpusId: space.corpusId, start: 0, end: 10 })).toBe(
      'not-claimed',
    );
    expect(await store.shardCounts(run.id)).toEqual({ total: 1, pending: 1 });
  });
});
