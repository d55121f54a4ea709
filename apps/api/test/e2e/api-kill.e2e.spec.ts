// kill -9 of the API process itself, which runs the jobs in-process (`npm start` with its workers):
// one mining run is inside its selection, a second waits queued behind it. The crash takes the
// server, the workers and the running job's compute process; a new API process on the same
// database takes both runs: the queued one starts once, the killed one is re-queued once its
// heartbeat is stale. Both succeed once, with the negatives of an undisturbed run, and no run is
// left queued or running. (Worker processes killed at each phase: worker-faults.e2e.spec.ts.)
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { createImportedSpace, importCandidateCorpus, type ImportedSpace } from '../support/imported-space';
import { FAST_RECOVERY_ENV, minedNegatives } from '../support/run-outcome';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';
import { childProcessIds, killAll, killNow, processRunning, until } from '../support/worker-process';

const DIM = 64;
const CORPUS = 20_000;

describe('kill -9 of the API process with in-process workers', () => {
  let app: TestApp;
  let space: ImportedSpace;
  let corpusId: string;
  const apis: ApiProcess[] = [];

  const launch = async (api: ApiProcess) =>
    (
      await api.gql<{ mineNegatives: { id: string; status: string } }>(
        `mutation($input: MineNegativesInput!) { mineNegatives(input: $input) { id status } }`,
        {
          input: {
            labelSetId: space.labelSetId,
            modelId: space.modelId,
            corpusId,
            selectionMethod: 'knn_density',
            params: { k: 10 },
          },
        },
      )
    ).mineNegatives;

  const run = (id: string) => app.db.prisma.miningRun.findUniqueOrThrow({ where: { id } });

  const negatives = (id: string) => minedNegatives(app.db.prisma, id);

  const events = async (id: string) =>
    (await app.services.runs.history('mining', id)).map(({ event, attempt }) => ({ event, attempt }));

  beforeAll(async () => {
    // This process only prepares the data and reads the outcome: the API processes run the jobs.
    app = await startTestApp({ workerCount: 0 });
    space = await createImportedSpace(app.services, 'api-kill', DIM);
    corpusId = await importCandidateCorpus(app.services, space.modelId, CORPUS, DIM);
  }, 120_000);

  afterAll(async () => {
    killAll(apis.map(({ child }) => child));
    await app?.stop();
  });

  it('resumes the running and the queued run in the next API process, each succeeding once', async () => {
    const first = await startApiProcess(app.db.connection, FAST_RECOVERY_ENV);
    apis.push(first);
    const killed = await launch(first);
    expect(killed.status).toBe('queued');
    await until(
      async () => {
        const row = await run(killed.id);
        return row.step === 'compute' && row.progress >= 0.85 && childProcessIds(first.child.pid!).length > 0;
      },
      120_000,
      'selection running in the API process',
      50,
    );
    // One job per kind at a time (NEGMINE_WORKERS=1): the second run waits behind the first.
    const waiting = await launch(first);
    expect(await run(waiting.id)).toMatchObject({ status: 'queued', attempts: 0 });

    const computeProcesses = childProcessIds(first.child.pid!);
    await killNow(first.child);
    await expect(fetch(first.url)).rejects.toThrow();
    expect(await run(killed.id)).toMatchObject({ status: 'running', attempts: 1 });
    expect(await negatives(killed.id)).toEqual([]);
    // The crashed API's compute process goes with it (its channel closed).
    await until(() => computeProcesses.every((pid) => !processRunning(pid)), 60_000, 'orphaned compute process exited');

    const second = await startApiProcess(app.db.connection, FAST_RECOVERY_ENV);
    apis.push(second);
    for (const id of [killed.id, waiting.id])
      expect(await waitForRun(app, id, 180_000)).toEqual({ status: 'succeeded', error: null });
    expect(await events(killed.id)).toEqual([
      { event: 'started', attempt: 1 },
      { event: 'stale_requeued', attempt: 1 },
      { event: 'started', attempt: 2 },
      { event: 'succeeded', attempt: 2 },
    ]);
    expect(await events(waiting.id)).toEqual([
      { event: 'started', attempt: 1 },
      { event: 'succeeded', attempt: 1 },
    ]);

    const undisturbed = await launch(second);
    expect(await waitForRun(app, undisturbed.id, 120_000)).toEqual({ status: 'succeeded', error: null });
    const reference = await negatives(undisturbed.id);
    expect(reference.length).toBeGreaterThan(0);
    expect(await negatives(killed.id)).toEqual(reference);
    expect(await negatives(waiting.id)).toEqual(reference);
    expect(await app.db.prisma.miningRun.count({ where: { status: { in: ['queued', 'running'] } } })).toBe(0);
    expect(await app.db.prisma.miningRun.count()).toBe(3);
  }, 400_000);
});
