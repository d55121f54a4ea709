// Concurrent launches through the HTTP server: 20 `launchEvaluation` requests with one
// idempotency key and 20 identical ones without, all at once. The keyed ones are one run (one row,
// one job); the unkeyed ones are 20 runs. Every run succeeds once (one `started`, one `succeeded`,
// one queue job) with the results and scores of an undisturbed run launched alone afterwards, and
// no run is left queued or running.
import { ScoringMethod, SelectionMethod } from '../../src/shared/enums';
import { createImportedSpace, type ImportedSpace } from '../support/imported-space';
import { queueJobs } from '../support/queue-jobs';
import { evaluationOutcome } from '../support/run-outcome';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';

const LAUNCHES = 20;
const KEY = 'concurrent-key';
const LAUNCH = 'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id status } }';

describe('concurrent launches: one idempotency key, and identical requests without one', () => {
  let app: TestApp;
  let space: ImportedSpace;
  let miningRunId: string;

  beforeAll(async () => {
    app = await startTestApp({ workerCount: 2 });
    space = await createImportedSpace(app.services, 'concurrent');
    const run = await app.services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.neglabel,
    });
    miningRunId = run.id;
    expect(await waitForRun(app, miningRunId)).toEqual({ status: 'succeeded', error: null });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  const input = (idempotencyKey?: string) => ({
    miningRunId,
    method: ScoringMethod.neglabel,
    params: { groups: 2 },
    seed: 5,
    idImageSetId: space.idSetId,
    oodImageSetIds: [space.oodSetId],
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  });

  const outcome = (id: string) => evaluationOutcome(app.db.prisma, id);

  it('makes one run of the keyed launches and one run per unkeyed launch, each succeeding once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 2 * LAUNCHES }, (_, i) =>
        app.gqlRaw(LAUNCH, { input: input(i % 2 === 0 ? KEY : undefined) }),
      ),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);
    const ids = responses.map(
      (response) => (response.data as { launchEvaluation: { id: string } }).launchEvaluation.id,
    );
    const keyed = new Set(ids.filter((_, i) => i % 2 === 0));
    const unkeyed = new Set(ids.filter((_, i) => i % 2 === 1));
    expect(keyed.size).toBe(1);
    expect(unkeyed.size).toBe(LAUNCHES);
    const [keyedId] = [...keyed];
    expect(unkeyed.has(keyedId!)).toBe(false);
    expect(await app.db.prisma.evaluationRun.count({ where: { idempotencyKey: KEY } })).toBe(1);
    expect(await app.db.prisma.evaluationRun.count()).toBe(LAUNCHES + 1);

    const runs = [keyedId!, ...unkeyed];
    for (const id of runs) expect(await waitForRun(app, id, 180_000)).toEqual({ status: 'succeeded', error: null });

    const undisturbed = (await app.gql<{ launchEvaluation: { id: string } }>(LAUNCH, { input: input() }))
      .launchEvaluation.id;
    expect(await waitForRun(app, undisturbed, 60_000)).toEqual({ status: 'succeeded', error: null });
    const reference = await outcome(undisturbed);
    expect(reference.results).toHaveLength(1);
    expect(reference.scores).toHaveLength(2);
    for (const id of runs) {
      const history = (await app.services.runs.history('evaluation', id)).map(({ event, attempt }) => ({
        event,
        attempt,
      }));
      expect({ id, history }).toEqual({
        id,
        history: [
          { event: 'started', attempt: 1 },
          { event: 'succeeded', attempt: 1 },
        ],
      });
      expect((await queueJobs(app.db.connection, 'evaluate', 'runId', id)).map(({ state }) => state)).toEqual([
        'completed',
      ]);
      expect(await outcome(id)).toEqual(reference);
    }
    expect(await app.db.prisma.evaluationRun.count({ where: { status: { in: ['queued', 'running'] } } })).toBe(0);
  }, 300_000);
});
