// A run whose process died between recording it and enqueueing its job (Postgres + pg-boss): the
// sweep finds it queued with no job, re-sends the job once (not again while that job waits), leaves
// alone a young run (its launch may still be enqueueing) and a run whose job is waiting, and the
// re-sent job runs it to the end.
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { createImportedSpace, type ImportedSpace } from '../../test/support/imported-space';
import { RecordingQueue, runJob, silentLogger, testServices } from '../../test/support/test-services';
import type { AllServices } from '../app';
import { JobQueue } from '../jobs/queue';
import { RunStatus, SelectionMethod } from '../shared/enums';

const STALE_AFTER_SECONDS = 120;

describe('orphaned queued runs', () => {
  let db: TestDatabase;
  let queue: JobQueue;
  let services: AllServices;
  let space: ImportedSpace;

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = await JobQueue.start(db.connection, { retryLimit: 2, heartbeatSeconds: 10 }, silentLogger);
    // Launches go to a recorder, never to pg-boss: as if every launcher died before enqueueing.
    services = testServices(db.prisma, new RecordingQueue());
    space = await createImportedSpace(services, 'orphans');
  }, 60_000);

  afterAll(async () => {
    await queue?.stop(1_000);
    // pg-boss 10's offWork loop polls once a second after stop() resolves (see test-app.ts).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await db?.drop();
  });

  const launch = async (ageSeconds: number) => {
    const run = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.knn_density,
      params: { k: 5 },
    });
    await db.prisma.miningRun.update({
      where: { id: run.id },
      data: { createdAt: new Date(Date.now() - ageSeconds * 1000) },
    });
    return run.id;
  };

  it('re-sends the job of an old queued run without one, once; young runs and runs with a job are left alone', async () => {
    const orphan = await launch(STALE_AFTER_SECONDS + 60);
    const young = await launch(5);
    const withJob = await launch(STALE_AFTER_SECONDS + 60);
    await queue.send('mine', { runId: withJob });
    expect(await queue.pendingRunIds('mine', [orphan, young, withJob])).toEqual(new Set([withJob]));

    const policy = { staleAfterSeconds: STALE_AFTER_SECONDS };
    expect(await services.runs.resendOrphanedRuns(queue, policy)).toBe(1);
    expect(await queue.pendingRunIds('mine', [orphan, young, withJob])).toEqual(new Set([orphan, withJob]));
    expect((await db.prisma.miningRun.findUniqueOrThrow({ where: { id: orphan } })).statusReason).toMatch(
      /^job re-sent at .*: the run was queued without one$/,
    );
    // Its job now waits: a second sweep sends nothing more.
    expect(await services.runs.resendOrphanedRuns(queue, policy)).toBe(0);

    // The re-sent job runs the run to the end.
    expect(await runJob(services, 'mine', { runId: orphan })).toBe('committed');
    expect((await db.prisma.miningRun.findUniqueOrThrow({ where: { id: orphan } })).status).toBe(RunStatus.succeeded);
  }, 60_000);
});
