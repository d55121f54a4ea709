// The RunJob shell on Postgres: a run's body runs once however often its job is delivered (two
// concurrent claims, a crash between commit and ack), failures are classified, and a run waits for
// its shards without planning them twice.
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { createImportedSpace, type ImportedSpace } from '../../test/support/imported-space';
import { RecordingQueue, testServices } from '../../test/support/test-services';
import type { AllServices } from '../app';
import { badInput } from '../errors';
import type { QueuedJob } from '../jobs/queue';
import { RunStatus, SelectionMethod } from '../shared/enums';
import { RunJobShell, type RunJobBody, type RunJobContext, type RunOutcome, type ShardRequest } from './run-job';
import { RunStep, RunStore, ShardKind } from './run.repository';

const silent = pino({ level: 'silent' });

/** A body that counts its calls, optionally waits on a gate, and writes nothing but the status flip. */
function countingBody(options: { shards?: ShardRequest[]; gate?: Promise<void>; fail?: () => Error } = {}) {
  const calls = { prepare: 0, compute: 0, write: 0 };
  const body: RunJobBody = {
    kind: 'mining',
    async prepare(): Promise<ShardRequest[]> {
      calls.prepare += 1;
      return options.shards ?? [];
    },
    async compute(_context: RunJobContext): Promise<RunOutcome> {
      calls.compute += 1;
      await options.gate;
      if (options.fail !== undefined) throw options.fail();
      return {
        runFields: { statusReason: null },
        write: async () => {
          calls.write += 1;
        },
      };
    },
  };
  return { body, calls };
}

function job(runId: string, id: string, retryCount = 0): QueuedJob<'mine'> {
  return { id, data: { runId }, retryCount, retryLimit: 2 };
}

describe('RunJobShell (Postgres)', () => {
  let db: TestDatabase;
  let services: AllServices;
  let queue: RecordingQueue;
  let space: ImportedSpace;
  let store: RunStore;
  let shell: RunJobShell;

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = new RecordingQueue();
    services = testServices(db.prisma, queue);
    space = await createImportedSpace(services, 'shell');
    store = new RunStore(db.prisma);
    shell = new RunJobShell(store, queue, silent, 60);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const newRun = async () =>
    (
      await services.mining.mineNegatives({
        labelSetId: space.labelSetId,
        modelId: space.modelId,
        corpusId: space.corpusId,
        selectionMethod: SelectionMethod.knn_density,
        params: { k: 5 },
      })
    ).id;

  it('claimed twice at once, the body runs once', async () => {
    const runId = await newRun();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { body, calls } = countingBody({ gate });
    const first = shell.run(body, job(runId, 'job-a'));
    const second = shell.run(body, job(runId, 'job-b'));
    // Whichever lost the claim returns at once; the winner waits on the gate.
    const loser = await Promise.race([first, second]);
    expect(loser).toBe('not-claimed');
    open();
    expect((await Promise.all([first, second])).sort()).toEqual(['committed', 'not-claimed']);
    expect(calls).toEqual({ prepare: 1, compute: 1, write: 1 });
    expect(await store.findOfKind('mining', runId)).toMatchObject({
      status: RunStatus.succeeded,
      attempts: 1,
      claimedBy: null,
    });
  });

  it('a crash between commit and ack re-delivers the job, which runs nothing and writes nothing', async () => {
    const runId = await newRun();
    const { body, calls } = countingBody();
    expect(await shell.run(body, job(runId, 'job-c'))).toBe('committed');
    // The worker died before acknowledging: the queue delivers the same job again, then a re-sent one.
    expect(await shell.run(body, job(runId, 'job-c', 1))).toBe('not-claimed');
    expect(await shell.run(body, job(runId, 'job-d'))).toBe('not-claimed');
    expect(calls).toEqual({ prepare: 1, compute: 1, write: 1 });
    expect(await store.findOfKind('mining', runId)).toMatchObject({ status: RunStatus.succeeded, attempts: 1 });
  });

  it('the same job retried after its worker died resumes the run it holds', async () => {
    const runId = await newRun();
    const crashed = countingBody({ fail: () => new Error('worker lost its connection') });
    await expect(shell.run(crashed.body, job(runId, 'job-e'))).rejects.toThrow('worker lost its connection');
    expect(await store.findOfKind('mining', runId)).toMatchObject({
      status: RunStatus.running,
      claimedBy: 'job-e',
      statusReason: expect.stringMatching(/attempt 1 failed/),
    });
    // Another job cannot take a run held by a live job …
    const other = countingBody();
    expect(await shell.run(other.body, job(runId, 'job-f'))).toBe('not-claimed');
    // … but the queue's retry of the same job can.
    const retried = countingBody();
    expect(await shell.run(retried.body, job(runId, 'job-e', 1))).toBe('committed');
    expect(other.calls.compute).toBe(0);
    expect(await store.findOfKind('mining', runId)).toMatchObject({ status: RunStatus.succeeded, attempts: 1 });
  });

  it('fails the run at once on a user-fixable error, and after the last retry on anything else', async () => {
    const fixable = await newRun();
    const bad = countingBody({ fail: () => badInput('k must be at most the number of candidates') });
    expect(await shell.run(bad.body, job(fixable, 'job-g'))).toBe('failed');
    expect(await store.findOfKind('mining', fixable)).toMatchObject({
      status: RunStatus.failed,
      error: 'k must be at most the number of candidates',
    });

    const flaky = await newRun();
    const broken = countingBody({ fail: () => new Error('disk full') });
    await expect(shell.run(broken.body, job(flaky, 'job-h', 0))).rejects.toThrow('disk full');
    await expect(shell.run(broken.body, job(flaky, 'job-h', 1))).rejects.toThrow('disk full');
    expect(await shell.run(broken.body, job(flaky, 'job-h', 2))).toBe('failed');
    expect(await store.findOfKind('mining', flaky)).toMatchObject({
      status: RunStatus.failed,
      errorCode: 'JOB_FAILED',
      error: 'disk full',
    });
    // Every try of the job and its failure are on the run, in order (the queue's retries resume the
    // run's one attempt).
    const history = (await store.events('mining', [flaky])).get(flaky)!;
    expect(history.map(({ attempt, event, message, code }) => ({ attempt, event, message, code }))).toEqual([
      { attempt: 1, event: 'started', message: null, code: null },
      { attempt: 1, event: 'attempt_failed', message: 'disk full', code: 'JOB_FAILED' },
      { attempt: 1, event: 'resumed', message: 'resumed by job attempt 2', code: null },
      { attempt: 1, event: 'attempt_failed', message: 'disk full', code: 'JOB_FAILED' },
      { attempt: 1, event: 'resumed', message: 'resumed by job attempt 3', code: null },
      { attempt: 1, event: 'failed', message: 'disk full', code: 'JOB_FAILED' },
    ]);
    expect((await store.events('mining', [fixable])).get(fixable)!.map((e) => e.event)).toEqual(['started', 'failed']);
  });

  it('plans shards once, parks, and the last shard continues the run without planning again', async () => {
    const runId = await newRun();
    const shards: ShardRequest[] = [
      {
        kind: ShardKind.text,
        targetId: space.corpusId,
        ranges: [
          [0, 10],
          [10, 20],
        ],
      },
    ];
    const { body, calls } = countingBody({ shards });
    const sentBefore = queue.sent.length;
    expect(await shell.run(body, job(runId, 'job-i'))).toBe('parked');
    expect(queue.sent.slice(sentBefore).map((sent) => sent.name)).toEqual(['encode-text', 'encode-text']);
    expect(await store.findOfKind('mining', runId)).toMatchObject({
      status: RunStatus.running,
      step: RunStep.encode,
      claimedBy: null,
    });
    // A duplicate delivery of the first job while shards are pending plans nothing.
    expect(await shell.run(body, job(runId, 'job-i', 1))).toBe('parked');
    expect(calls.prepare).toBe(1);

    const encoded: number[] = [];
    const shardBody = {
      kind: 'mining' as const,
      encode: async (shard: { start: number }) => void encoded.push(shard.start),
    };
    for (const start of [0, 10]) {
      await shell.runShard(shardBody, {
        id: `shard-${start}`,
        data: { runId, corpusId: space.corpusId, start, end: start + 10 },
        retryCount: 0,
        retryLimit: 2,
      });
    }
    expect(encoded).toEqual([0, 10]);
    expect(queue.sent.at(-1)).toEqual({ name: 'mine', data: { runId } });
    expect(await shell.run(body, job(runId, 'job-j'))).toBe('committed');
    expect(calls).toEqual({ prepare: 1, compute: 1, write: 1 });
  });

  it('writes nothing for a run cancelled while its body computed', async () => {
    const runId = await newRun();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { body, calls } = countingBody({ gate });
    const running = shell.run(body, job(runId, 'job-k'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await services.runs.cancel(runId);
    open();
    expect(await running).toBe('discarded');
    expect(calls.write).toBe(0);
    expect(await store.findOfKind('mining', runId)).toMatchObject({ status: RunStatus.cancelled });
  });
});
