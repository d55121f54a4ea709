// SIGTERM to a worker process while an encode-images shard that outlasts the shutdown grace is
// encoding: the shard stops between its steps, the steps it stored stay in the embedding cache,
// its queue job completes without spending a retry and is re-sent, and the process exits within
// the grace; a second worker encodes only the rest and the run succeeds once.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { IMAGE_ENCODE_STEP } from '../../src/modules/embedding/encoding.service';
import { ScoringMethod } from '../../src/shared/enums';
import { createOnnxFixtures, type OnnxFixtures } from '../support/onnx-fixtures';
import { queueJobs } from '../support/queue-jobs';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';
import { exited, killAll, startWorkerProcess, until } from '../support/worker-process';

/** One shard of this many images encodes for about three times the grace with the tiny model. */
const IMAGES = 768;
const GRACE_SECONDS = 1;
const WORKER_ENV = {
  NEGMINE_SHARD_WORKERS: '1',
  NEGMINE_PREPROCESS_THREADS: '1',
  NEGMINE_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
};

describe('SIGTERM while a shard outlasts the shutdown grace', () => {
  let app: TestApp;
  let fixtures: OnnxFixtures;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    fixtures = createOnnxFixtures();
    // This process only enqueues: the run executes in worker processes.
    app = await startTestApp({
      workerCount: 0,
      // Recorded with the run at launch: the ID set is one shard.
      shardSize: IMAGES,
      modelRoots: [path.join(fixtures.root, 'models')],
      imageRoots: [path.join(fixtures.root, 'images')],
    });
  }, 60_000);

  afterAll(async () => {
    killAll(workers);
    await app?.stop();
    fixtures?.remove();
  });

  it('keeps the stored steps and spends no retry; another worker encodes the rest', async () => {
    const model = await app.services.models.register({ name: 'tiny', folder: fixtures.modelDir });
    const labelSet = await app.services.labelSets.create({ name: 'shard', labels: ['red', 'green', 'blue'] });
    const imageSet = async (name: string, count: number, seed: number) =>
      (await app.services.imageSets.registerFolder({ name, folder: await fixtures.imageFolder(name, count, seed) })).id;
    const idSet = await imageSet('id', IMAGES, 1);
    const oodSet = await imageSet('ood', 4, 2);
    const run = await app.services.evaluations.launch({
      labelSetId: labelSet.id,
      modelId: model.id,
      method: ScoringMethod.mcm,
      idImageSetId: idSet,
      oodImageSetIds: [oodSet],
    });
    const stored = () => app.db.prisma.imageEmbedding.count();

    const first = startWorkerProcess(app.db.connection, WORKER_ENV);
    workers.push(first);
    // The long shard has stored its first step (the other shard holds only 4 images).
    await until(async () => (await stored()) >= IMAGE_ENCODE_STEP, 120_000, 'first step stored', 50);
    const storedAtSignal = await stored();
    expect(storedAtSignal).toBeLessThan(IMAGES);
    const signalledAt = Date.now();
    first.kill('SIGTERM');
    expect(await exited(first)).toBe(0);
    // The grace, then closing the queue (its drain and one offWork tick) and the database.
    expect(Date.now() - signalledAt).toBeLessThan(GRACE_SECONDS * 1000 + 4_000);

    const storedAtExit = await stored();
    expect(storedAtExit).toBeGreaterThanOrEqual(storedAtSignal);
    expect(storedAtExit).toBeLessThan(IMAGES);
    // The stopped shard's job completed (no retry spent); its re-sent successor waits for a worker.
    expect(await queueJobs(app.db.connection, 'encode-images', 'imageSetId', idSet)).toEqual([
      { state: 'completed', retry_count: 0 },
      { state: 'created', retry_count: 0 },
    ]);

    workers.push(startWorkerProcess(app.db.connection, WORKER_ENV));
    expect(await waitForRun(app, run.id, 180_000)).toEqual({ status: 'succeeded', error: null });
    expect(await stored()).toBe(IMAGES + 4);
    expect(await app.db.prisma.evaluationRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      attempts: 1,
    });
    expect(await app.db.prisma.evaluationResult.count({ where: { evaluationRunId: run.id } })).toBe(1);
  }, 300_000);
});
