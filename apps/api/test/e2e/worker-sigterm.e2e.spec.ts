// SIGTERM to a worker process in the middle of a mining run's selection: the process hands the job
// back (claim released, a note on the run, the queue job completed without spending a retry, the
// run's job re-sent) and exits within its grace; a second worker process finishes the run, whose
// negatives equal an undisturbed run's; no run is left queued or running.
import type { ChildProcess } from 'node:child_process';
import { SelectionMethod } from '../../src/shared/enums';
import { createImportedSpace, importCandidateCorpus } from '../support/imported-space';
import { queueJobs } from '../support/queue-jobs';
import { minedNegatives } from '../support/run-outcome';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';
import { childProcessIds, exited, killAll, startWorkerProcess, until } from '../support/worker-process';

const CORPUS = 30_000;
const DIM = 96;
const GRACE_SECONDS = 10;

const WORKER_ENV = {
  NEGMINE_STALE_AFTER_SECONDS: '60',
  NEGMINE_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
};

describe('SIGTERM to a worker mid-job', () => {
  let app: TestApp;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    // This process only enqueues: the runs execute in separate worker processes.
    app = await startTestApp({ workerCount: 0 });
  }, 60_000);

  afterAll(async () => {
    killAll(workers);
    await app?.stop();
  });

  it('hands the job back without spending a retry; another worker finishes it with identical results', async () => {
    const space = await createImportedSpace(app.services, 'sigterm', DIM);
    const corpusId = await importCandidateCorpus(app.services, space.modelId, CORPUS, DIM);
    const launch = async () =>
      (
        await app.services.mining.mineNegatives({
          labelSetId: space.labelSetId,
          modelId: space.modelId,
          corpusId,
          selectionMethod: SelectionMethod.knn_density,
          params: { k: 10 },
        })
      ).id;
    const runId = await launch();
    const run = () => app.db.prisma.miningRun.findUniqueOrThrow({ where: { id: runId } });

    const first = startWorkerProcess(app.db.connection, WORKER_ENV);
    workers.push(first);
    // The selection runs in its compute process (a fixed wait after the step changed could let it finish first).
    await until(
      async () => {
        const row = await run();
        return row.step === 'compute' && row.progress >= 0.85 && childProcessIds(first.pid!).length > 0;
      },
      120_000,
      'selection running in its compute process',
      50,
    );
    const signalledAt = Date.now();
    first.kill('SIGTERM');
    const exitCode = await exited(first);
    expect(exitCode).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(GRACE_SECONDS * 1000);

    expect(await run()).toMatchObject({
      status: 'running',
      step: 'compute',
      claimedBy: null,
      attempts: 1,
      statusReason: expect.stringMatching(/^attempt 1 handed back to the queue at step compute/),
    });
    // The handed-back job completed (no retry spent); its re-sent successor waits for a worker.
    expect(await queueJobs(app.db.connection, 'mine', 'runId', runId)).toEqual([
      { state: 'completed', retry_count: 0 },
      { state: 'created', retry_count: 0 },
    ]);

    workers.push(startWorkerProcess(app.db.connection, WORKER_ENV));
    expect(await waitForRun(app, runId, 240_000)).toEqual({ status: 'succeeded', error: null });
    expect((await run()).attempts).toBe(1);
    expect(
      (await app.services.runs.history('mining', runId)).map(({ event, attempt }) => ({ event, attempt })),
    ).toEqual([
      { event: 'started', attempt: 1 },
      { event: 'handed_back', attempt: 1 },
      { event: 'succeeded', attempt: 1 },
    ]);

    const undisturbed = await launch();
    expect(await waitForRun(app, undisturbed, 240_000)).toEqual({ status: 'succeeded', error: null });
    const negatives = (id: string) => minedNegatives(app.db.prisma, id);
    const [handedBack, reference] = await Promise.all([negatives(runId), negatives(undisturbed)]);
    expect(handedBack.length).toBeGreaterThan(0);
    expect(handedBack).toEqual(reference);
    expect(await app.db.prisma.miningRun.count({ where: { status: { in: ['queued', 'running'] } } })).toBe(0);
  }, 600_000);
});
