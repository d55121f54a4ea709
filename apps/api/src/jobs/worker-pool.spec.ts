// Worker slots per job kind (Postgres + pg-boss): the configuration's defaults come from the core
// count and bad values are refused; with one slot per kind, a long mining job occupying its slot
// holds back a second mining job but neither an evaluation nor an encoding shard.
import { availableParallelism } from 'node:os';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { silentLogger } from '../../test/support/test-services';
import { ConfigError, loadConfig } from '../config';
import type { RunService } from '../runs/run.service';
import type { JobHandlers } from './job-handlers';
import { JOB_CLASS, JobQueue, type JobName } from './queue';
import { startWorkers, type WorkerPool } from './worker-pool';

const env = { NEGMINE_DATA_DIR: '/nonexistent-negmine-test' };

describe('worker concurrency per job kind: configuration', () => {
  it('defaults from the core count, and takes NEGMINE_WORKERS / NEGMINE_SHARD_WORKERS', () => {
    const cores = availableParallelism();
    expect(loadConfig(env)).toMatchObject({
      workerCount: Math.max(1, Math.floor(cores / 4)),
      shardWorkerCount: Math.max(1, Math.floor(cores / 2)),
    });
    expect(loadConfig({ ...env, NEGMINE_WORKERS: '0', NEGMINE_SHARD_WORKERS: '3' })).toMatchObject({
      workerCount: 0,
      shardWorkerCount: 3,
    });
    expect(() => loadConfig({ ...env, NEGMINE_SHARD_WORKERS: '0' })).toThrow(
      new ConfigError('NEGMINE_SHARD_WORKERS', "'0' is not accepted: expected an integer from 1 to 64"),
    );
  });

  it('classes every job: run jobs and encoding shards', () => {
    expect(JOB_CLASS).toEqual({
      mine: 'run',
      evaluate: 'run',
      sweep: 'run',
      'encode-images': 'shard',
      'encode-text': 'shard',
    });
  });
});

describe('worker concurrency per job kind: a long job does not hold back short ones', () => {
  let db: TestDatabase;
  let queue: JobQueue;
  let pool: WorkerPool | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = await JobQueue.start(db.connection, { retryLimit: 0, heartbeatSeconds: 10 }, silentLogger);
  }, 60_000);

  afterAll(async () => {
    pool?.stop();
    await queue?.stop(1_000);
    // pg-boss 10's offWork loop polls once a second after stop() resolves (see test-app.ts).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await db?.drop();
  });

  it('runs an evaluation and a shard while a mining job occupies the one mining slot', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handlers = {
      async run(name: JobName, job: { data: { runId: string } }) {
        const label = `${name}:${job.data.runId}`;
        started.push(label);
        if (name === 'mine') await gate;
        finished.push(label);
        return 'committed';
      },
    } as unknown as JobHandlers;
    const runs = { sweepStaleRuns: async () => 0, resendOrphanedRuns: async () => 0 } as unknown as RunService;
    pool = await startWorkers(queue, handlers, runs, silentLogger, {
      concurrency: { run: 1, shard: 1 },
      sweepSeconds: 3600,
      stale: { staleAfterSeconds: 120, maxAttempts: 3 },
    });
    const until = async (condition: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`not reached; started ${started.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await queue.send('mine', { runId: 'long' });
    await until(() => started.includes('mine:long'));
    await queue.send('mine', { runId: 'second' });
    await queue.send('evaluate', { runId: 'short' });
    await queue.send('encode-text', { runId: 'shard', corpusId: 'c', start: 0, end: 1 });
    await until(() => finished.includes('evaluate:short') && finished.includes('encode-text:shard'));
    // The long job still holds the only mining slot, so the second mining job waits.
    expect(finished).not.toContain('mine:long');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(started).not.toContain('mine:second');
    release();
    await until(() => finished.includes('mine:second'));
  }, 60_000);
});
