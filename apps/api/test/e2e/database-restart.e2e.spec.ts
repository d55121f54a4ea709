// The database stopped during a run and brought back: a worker process is selecting negatives when
// the Postgres it uses (a private embedded server of this spec, never the machine's shared one) is
// stopped; the selection ends while it is down, so the commit cannot happen. /readyz says not
// ready while the server is down and ready once it is back; the run then ends succeeded once, with
// the negatives of an undisturbed run, and no run is left queued or running.
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { SelectionMethod } from '../../src/shared/enums';
import { freePort } from '../support/free-port';
import { createImportedSpace, importCandidateCorpus } from '../support/imported-space';
import { FAST_RECOVERY_ENV, minedNegatives } from '../support/run-outcome';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';
import { silentLogger } from '../support/test-services';
import { childProcessIds, killAll, killNow, startWorkerProcess, until } from '../support/worker-process';

const DIM = 64;
const CORPUS = 20_000;

describe('stopping the database during a run and bringing it back', () => {
  let root: string;
  let port: number;
  let server: EmbeddedPostgres | undefined;
  let app: TestApp;
  const workers: ChildProcess[] = [];
  const unrecoverable: Error[] = [];

  const startServer = async () =>
    startEmbeddedPostgres(path.join(root, 'pg'), port, silentLogger, {
      pollMs: 100,
      onUnrecoverable: (error) => unrecoverable.push(error),
    });

  const readiness = async () => {
    const response = await fetch(new URL('/readyz', app.server.url));
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'negmine-db-restart-'));
    // As root the server runs as the OS user `postgres`, which must be able to enter this folder.
    chmodSync(root, 0o755);
    port = await freePort();
    server = await startServer();
    // This process only enqueues and serves /readyz: the run executes in a worker process.
    app = await startTestApp({ workerCount: 0 }, server.url);
  }, 180_000);

  afterAll(async () => {
    killAll(workers);
    // The schema is dropped through the server: bring it back if a failed expectation left it down.
    if (server === undefined && app !== undefined) server = await startServer();
    await app?.stop();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('ends the run once with the undisturbed negatives; /readyz is not ready while the server is down', async () => {
    const space = await createImportedSpace(app.services, 'restart', DIM);
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
    expect(await readiness()).toEqual({ status: 200, body: { status: 'ready', database: 'ok' } });

    const worker = startWorkerProcess(app.db.connection, FAST_RECOVERY_ENV);
    workers.push(worker);
    await until(
      async () => {
        const row = await run();
        return row.step === 'compute' && row.progress >= 0.85 && childProcessIds(worker.pid!).length > 0;
      },
      120_000,
      'selection running in its compute process',
      50,
    );
    await server!.stop();
    server = undefined;
    expect(await readiness()).toEqual({ status: 503, body: { status: 'unavailable', database: 'unreachable' } });
    // The selection finishes while the server is down: the commit has no database.
    await until(() => childProcessIds(worker.pid!).length === 0, 60_000, 'selection finished');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await readiness()).toMatchObject({ status: 503 });
    expect(worker.exitCode).toBeNull();

    server = await startServer();
    await until(async () => (await readiness()).status === 200, 30_000, '/readyz ready again');
    expect(await waitForRun(app, runId, 120_000)).toEqual({ status: 'succeeded', error: null });
    // The commit failed with the server down and so did recording that; the stale-run sweep took over.
    const history = await app.services.runs.history('mining', runId);
    expect(history.map(({ event, attempt }) => ({ event, attempt }))).toEqual([
      { event: 'started', attempt: 1 },
      { event: 'stale_requeued', attempt: 1 },
      { event: 'started', attempt: 2 },
      { event: 'succeeded', attempt: 2 },
    ]);

    const undisturbed = await launch();
    expect(await waitForRun(app, undisturbed, 120_000)).toEqual({ status: 'succeeded', error: null });
    const negatives = (id: string) => minedNegatives(app.db.prisma, id);
    const [restarted, reference] = await Promise.all([negatives(runId), negatives(undisturbed)]);
    expect(restarted.length).toBeGreaterThan(0);
    expect(restarted).toEqual(reference);
    expect(await app.db.prisma.miningRun.count({ where: { status: { in: ['queued', 'running'] } } })).toBe(0);
    expect(worker.exitCode).toBeNull();
    await killNow(worker);
    expect(unrecoverable).toEqual([]);
  }, 300_000);
});
