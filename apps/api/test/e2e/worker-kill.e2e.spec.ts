// A worker process killed (SIGKILL) inside an evaluation's encode-images shard — after the shard's
// first step reached the embedding cache, before its last: the run's heartbeat goes stale, a second
// worker takes it over (a new attempt re-plans the unfinished shards, encoding only what the cache
// lacks), the run completes exactly once, and its results equal an undisturbed run's. (Kills during
// mining, scoring and the result write: worker-faults.e2e.spec.ts.)
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { IMAGE_ENCODE_STEP } from '../../src/modules/embedding/encoding.service';
import { createOnnxFixtures, type OnnxFixtures } from '../support/onnx-fixtures';
import { FAST_RECOVERY_ENV } from '../support/run-outcome';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';
import { killAll, killNow, startWorkerProcess, until } from '../support/worker-process';

/** Three steps of the shard encoding (IMAGE_ENCODE_STEP each), so a shard is mid-way for two of them. */
const SHARD_SIZE = 3 * IMAGE_ENCODE_STEP;
const WORKER_ENV = { ...FAST_RECOVERY_ENV, NEGMINE_SHARD_WORKERS: '1' };

describe('killing a worker mid-evaluation', () => {
  let app: TestApp;
  let fixtures: OnnxFixtures;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    fixtures = createOnnxFixtures();
    // This process only enqueues: the evaluation runs in separate worker processes.
    app = await startTestApp({
      workerCount: 0,
      shardSize: SHARD_SIZE,
      modelRoots: [path.join(fixtures.root, 'models')],
      imageRoots: [path.join(fixtures.root, 'images')],
    });
  }, 60_000);

  afterAll(async () => {
    killAll(workers);
    await app?.stop();
    fixtures?.remove();
  });

  it('completes the run once, with the results of an undisturbed run', async () => {
    const { registerModel } = await app.gql<{ registerModel: { id: string } }>(
      'mutation($f: String!) { registerModel(input: { name: "tiny", folder: $f }) { id } }',
      {
        f: fixtures.modelDir,
      },
    );
    const { createLabelSet } = await app.gql<{ createLabelSet: { id: string } }>(
      'mutation { createLabelSet(input: { name: "kill", labels: ["red", "green", "blue"] }) { id } }',
    );
    const register = async (name: string, count: number, seed: number) =>
      (
        await app.gql<{ registerImageSet: { id: string } }>(
          'mutation($n: String!, $f: String!) { registerImageSet(input: { name: $n, folder: $f }) { id } }',
          {
            n: name,
            f: await fixtures.imageFolder(name, count, seed),
          },
        )
      ).registerImageSet.id;
    const idSet = await register('id', SHARD_SIZE, 1);
    const oodSet = await register('ood', SHARD_SIZE, 2);
    const launch = async (key: string) =>
      (
        await app.gql<{ launchEvaluation: { id: string } }>(
          'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id } }',
          {
            input: {
              labelSetId: createLabelSet.id,
              modelId: registerModel.id,
              method: 'mcm',
              idImageSetId: idSet,
              oodImageSetIds: [oodSet],
              idempotencyKey: key,
            },
          },
        )
      ).launchEvaluation.id;

    const runId = await launch('disturbed');
    const first = startWorkerProcess(app.db.connection, WORKER_ENV);
    workers.push(first);
    // Kill the first worker inside a shard: some of its steps are stored, not all (one shard runs at a time).
    const stored = () => app.db.prisma.imageEmbedding.count();
    await until(
      async () => {
        const count = await stored();
        return count % SHARD_SIZE !== 0;
      },
      120_000,
      'a shard part-way through its steps',
      20,
    );
    await killNow(first);
    const storedAtKill = await stored();
    expect(storedAtKill % SHARD_SIZE).not.toBe(0);
    const doneAtKill = await app.db.prisma.encodeShard.count({ where: { runId, status: 'done' } });
    const totalShards = await app.db.prisma.encodeShard.count({ where: { runId } });
    expect(totalShards).toBe(2);
    expect(doneAtKill).toBeLessThan(totalShards);

    workers.push(startWorkerProcess(app.db.connection, WORKER_ENV));
    expect(await waitForRun(app, runId, 180_000)).toEqual({ status: 'succeeded', error: null });
    expect(await app.db.prisma.evaluationResult.count({ where: { evaluationRunId: runId } })).toBe(1);
    expect(await stored()).toBe(2 * SHARD_SIZE);
    // The killed worker's shard never ended: the run's heartbeat went stale and a new attempt re-planned.
    expect(
      (await app.services.runs.history('evaluation', runId)).map(({ event, attempt }) => ({ event, attempt })),
    ).toEqual([
      { event: 'started', attempt: 1 },
      { event: 'stale_requeued', attempt: 1 },
      { event: 'started', attempt: 2 },
      { event: 'succeeded', attempt: 2 },
    ]);
    expect(await app.db.prisma.sampleScores.count({ where: { evaluationRunId: runId } })).toBe(2);

    const undisturbed = await launch('undisturbed');
    expect(await waitForRun(app, undisturbed, 120_000)).toEqual({ status: 'succeeded', error: null });
    const [a, b] = await Promise.all(
      [runId, undisturbed].map((id) =>
        app.db.prisma.evaluationResult.findFirstOrThrow({ where: { evaluationRunId: id } }),
      ),
    );
    expect({ ...a, evaluationRunId: '' }).toEqual({ ...b, evaluationRunId: '' });
    const scores = await Promise.all(
      [runId, undisturbed].map((id) =>
        app.db.prisma.sampleScores.findFirstOrThrow({ where: { evaluationRunId: id, imageSetId: idSet } }),
      ),
    );
    expect(Buffer.from(scores[0]!.scores).equals(Buffer.from(scores[1]!.scores))).toBe(true);
  }, 400_000);
});
