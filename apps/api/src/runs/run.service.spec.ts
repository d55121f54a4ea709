// Run lifecycle shared by mining and evaluation: cancellation, progress watching and the stale-run
// sweep (re-queue with a reason, or fail after the last attempt).
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { createImportedSpace, type ImportedSpace } from '../../test/support/imported-space';
import { RecordingQueue, runJob, testServices } from '../../test/support/test-services';
import type { AllServices } from '../app';
import { RunStatus, SelectionMethod } from '../shared/enums';

describe('RunService (Postgres)', () => {
  let db: TestDatabase;
  let services: AllServices;
  let queue: RecordingQueue;
  let space: ImportedSpace;

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = new RecordingQueue();
    services = testServices(db.prisma, queue);
    space = await createImportedSpace(services, 'runs');
  });

  afterAll(async () => {
    await db?.drop();
  });

  const mine = () =>
    services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.knn_density,
      params: { k: 5 },
    });

  it('cancels a queued run once and refuses to cancel it again', async () => {
    const run = await mine();
    expect((await services.runs.cancel(run.id)).status).toBe('cancelled');
    expect((await services.runs.history('mining', run.id)).map((e) => e.event)).toEqual(['cancelled']);
    await expect(services.runs.cancel(run.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await runJob(services, 'mine', { runId: run.id })).toBe('not-claimed');
  });

  it('re-queues a stale running run with a reason, and fails it after the last attempt', async () => {
    const run = await mine();
    const old = new Date(Date.now() - 10 * 60_000);
    await db.prisma.miningRun.update({
      where: { id: run.id },
      data: { status: RunStatus.running, heartbeatAt: old, attempts: 1 },
    });
    const sentBefore = queue.sent.length;
    expect(await services.runs.sweepStaleRuns({ staleAfterSeconds: 60, maxAttempts: 2 })).toBe(1);
    const requeued = await services.mining.get(run.id);
    expect(requeued).toMatchObject({
      status: 'queued',
      statusReason: expect.stringMatching(/re-queued: no heartbeat since/),
    });
    expect(queue.sent.slice(sentBefore)).toEqual([{ name: 'mine', data: { runId: run.id } }]);

    await db.prisma.miningRun.update({
      where: { id: run.id },
      data: { status: RunStatus.running, heartbeatAt: old, attempts: 2 },
    });
    expect(await services.runs.sweepStaleRuns({ staleAfterSeconds: 60, maxAttempts: 2 })).toBe(1);
    expect(await services.mining.get(run.id)).toMatchObject({
      status: 'failed',
      errorCode: 'STALE',
      statusReason: expect.stringMatching(/after 2 attempts/),
    });
    const history = await services.runs.history('mining', run.id);
    expect(history.map(({ attempt, event, code }) => ({ attempt, event, code }))).toEqual([
      { attempt: 1, event: 'stale_requeued', code: null },
      { attempt: 2, event: 'failed', code: 'STALE' },
    ]);
    expect(history[0]!.message).toMatch(/re-queued: no heartbeat since/);
  });

  it('leaves runs with a fresh heartbeat alone', async () => {
    const run = await mine();
    await db.prisma.miningRun.update({
      where: { id: run.id },
      data: { status: RunStatus.running, heartbeatAt: new Date(), attempts: 1 },
    });
    expect(await services.runs.sweepStaleRuns({ staleAfterSeconds: 60, maxAttempts: 2 })).toBe(0);
  });

  it('watches a run until it finishes', async () => {
    const run = await mine();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const progress of services.runs.watch(run.id, 20)) seen.push(progress.status);
    })();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await services.runs.cancel(run.id);
    await watching;
    expect(seen[0]).toBe('queued');
    expect(seen.at(-1)).toBe('cancelled');
  });
});
