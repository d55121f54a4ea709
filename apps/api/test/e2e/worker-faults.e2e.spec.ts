// kill -9 of a worker process at each phase of a run on an imported space: during the mining
// selection, during an evaluation's scoring and inside its result-write transaction. Each phase is
// reached by observing the run, not by a hook: the step and progress the job stores before its
// compute process starts, that process being alive, and (the write) the commit transaction
// waiting on a table the spec holds locked. A second worker takes the run over once its heartbeat
// is stale; the run succeeds once, its history shows the killed attempt, and its results equal an
// undisturbed run's. (Encoding shards: worker-kill.e2e.spec.ts.)
import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { EmbeddingTarget } from '../../src/modules/import/import.input';
import { ScoringMethod, SelectionMethod } from '../../src/shared/enums';
import {
  createImportedSpace,
  importCandidateCorpus,
  npyBase64,
  vectors,
  type ImportedSpace,
} from '../support/imported-space';
import { evaluationOutcome, FAST_RECOVERY_ENV, minedNegatives } from '../support/run-outcome';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';
import {
  childProcessIds,
  killAll,
  killNow,
  processRunning,
  startWorkerProcess,
  until,
} from '../support/worker-process';

const DIM = 64;
const CORPUS = 20_000;
const IMAGES = 6_000;

type Kind = 'mining' | 'evaluation';

interface FaultCase {
  readonly phase: string;
  readonly kind: Kind;
  launch(): Promise<string>;
  /** Resolves once `worker` is inside the phase; returns what to undo after the kill. */
  reach(worker: ChildProcess, runId: string): Promise<() => Promise<void>>;
}

describe('kill -9 of a worker process at each phase of a run', () => {
  let app: TestApp;
  let space: ImportedSpace;
  let corpusId: string;
  let idSetId: string;
  let oodSetId: string;
  let miningRunId: string | undefined;
  const workers: ChildProcess[] = [];
  /** A live worker with no job, kept from one case to the next (a worker start costs seconds). */
  let idle: ChildProcess | undefined;

  const runRow = (kind: Kind, id: string) =>
    kind === 'mining'
      ? app.db.prisma.miningRun.findUniqueOrThrow({ where: { id } })
      : app.db.prisma.evaluationRun.findUniqueOrThrow({ where: { id } });

  const results = (kind: Kind, id: string) =>
    kind === 'mining' ? minedNegatives(app.db.prisma, id) : evaluationOutcome(app.db.prisma, id);

  /** The job stored the compute step's progress (0.8 + 0.2 × 0.25) and its compute process is alive. */
  const inComputeProcess = async (worker: ChildProcess, kind: Kind, runId: string): Promise<void> => {
    await until(
      async () => {
        const run = await runRow(kind, runId);
        return run.step === 'compute' && run.progress >= 0.85 && childProcessIds(worker.pid!).length > 0;
      },
      120_000,
      'compute process running',
      50,
    );
  };

  const launchEvaluation = async () =>
    (
      await app.services.evaluations.launch({
        miningRunId: miningRunId!,
        method: ScoringMethod.neglabel,
        idImageSetId: idSetId,
        oodImageSetIds: [oodSetId],
      })
    ).id;

  const cases: FaultCase[] = [
    {
      phase: 'mining selection',
      kind: 'mining',
      async launch() {
        const run = await app.services.mining.mineNegatives({
          labelSetId: space.labelSetId,
          modelId: space.modelId,
          corpusId,
          selectionMethod: SelectionMethod.knn_density,
          params: { k: 10 },
        });
        miningRunId ??= run.id;
        return run.id;
      },
      async reach(worker, runId) {
        await inComputeProcess(worker, 'mining', runId);
        return async () => undefined;
      },
    },
    {
      phase: 'evaluation scoring',
      kind: 'evaluation',
      launch: launchEvaluation,
      async reach(worker, runId) {
        await inComputeProcess(worker, 'evaluation', runId);
        return async () => undefined;
      },
    },
    {
      phase: 'evaluation result write',
      kind: 'evaluation',
      launch: launchEvaluation,
      async reach(_worker, runId) {
        // Writes to sample_scores wait while this client holds the table; reads go on.
        const lock = new Client({ connectionString: app.db.connection.url });
        await lock.connect();
        const table = `"${app.db.connection.schema}"."sample_scores"`;
        const release = async () => {
          await lock.query('COMMIT');
          await lock.end();
        };
        try {
          await lock.query('BEGIN');
          await lock.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
          // The commit transaction flipped the status and wrote the metrics, then waits for the table.
          await until(
            async () => {
              const { rows } = await lock.query<{ waiting: number }>(
                'SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = $1::regclass AND NOT granted',
                [table],
              );
              return rows[0]!.waiting > 0;
            },
            120_000,
            `result write of run ${runId} waiting on ${table}`,
            50,
          );
        } catch (error) {
          await release();
          throw error;
        }
        return release;
      },
    },
  ];

  beforeAll(async () => {
    // This process only enqueues: runs execute in worker processes the cases start and kill.
    app = await startTestApp({ workerCount: 0 });
    space = await createImportedSpace(app.services, 'faults', DIM);
    corpusId = await importCandidateCorpus(app.services, space.modelId, CORPUS, DIM);
    const imageSet = async (name: string, seed: number) =>
      (
        await app.services.imports.importEmbeddings({
          target: EmbeddingTarget.image_set,
          modelId: space.modelId,
          imageSetName: name,
          npyBase64: npyBase64(vectors(IMAGES, DIM, seed), IMAGES, DIM),
        })
      ).imageSetId!;
    idSetId = await imageSet('faults-id-large', 11);
    oodSetId = await imageSet('faults-ood-large', 12);
  }, 120_000);

  afterAll(async () => {
    killAll(workers);
    await app?.stop();
  });

  it.each(cases)(
    'during the $phase: the run succeeds once, shows the killed attempt and equals an undisturbed run',
    async (fault) => {
      const runId = await fault.launch();
      // The previous case's rescuer is idle now: it takes this run and is the one killed.
      const first = idle ?? startWorkerProcess(app.db.connection, FAST_RECOVERY_ENV);
      idle = undefined;
      if (!workers.includes(first)) workers.push(first);
      const release = await fault.reach(first, runId);
      const computeProcesses = childProcessIds(first.pid!);
      await killNow(first);
      await release();
      expect(await runRow(fault.kind, runId)).toMatchObject({ status: 'running', attempts: 1 });
      expect(await results(fault.kind, runId)).toEqual(fault.kind === 'mining' ? [] : { results: [], scores: [] });
      // A killed worker's compute process goes with it (its channel closed).
      await until(
        () => computeProcesses.every((pid) => !processRunning(pid)),
        60_000,
        'orphaned compute process exited',
      );

      const second = startWorkerProcess(app.db.connection, FAST_RECOVERY_ENV);
      workers.push(second);
      expect(await waitForRun(app, runId, 120_000)).toEqual({ status: 'succeeded', error: null });
      const history = (await app.services.runs.history(fault.kind, runId)).map(({ event, attempt }) => ({
        event,
        attempt,
      }));
      expect(history).toEqual([
        { event: 'started', attempt: 1 },
        { event: 'stale_requeued', attempt: 1 },
        { event: 'started', attempt: 2 },
        { event: 'succeeded', attempt: 2 },
      ]);

      const undisturbed = await fault.launch();
      expect(await waitForRun(app, undisturbed, 120_000)).toEqual({ status: 'succeeded', error: null });
      const [disturbedResults, reference] = await Promise.all([
        results(fault.kind, runId),
        results(fault.kind, undisturbed),
      ]);
      expect(disturbedResults).toEqual(reference);
      if (fault.kind === 'mining') expect((disturbedResults as unknown[]).length).toBeGreaterThan(0);
      idle = second;
      expect(
        (await app.db.prisma.miningRun.count({ where: { status: { in: ['queued', 'running'] } } })) +
          (await app.db.prisma.evaluationRun.count({ where: { status: { in: ['queued', 'running'] } } })),
      ).toBe(0);
    },
    240_000,
  );
});
