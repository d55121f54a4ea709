// Services over a test database, a silent logger and a test configuration; the queue is either a
// recorder (service specs: jobs are asserted, not run) or a real pg-boss queue (job specs).
import pino from 'pino';
import { createServices, type AllServices } from '../../src/app';
import { loadConfig, type ApiConfig } from '../../src/config';
import { createContext, type ApiContext } from '../../src/context';
import type { PrismaClient } from '../../src/db/prisma.service';
import type { JobName, JobPayloads, JobQueue } from '../../src/jobs/queue';

export const silentLogger = pino({ level: 'silent' });

export function testConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return loadConfig(
    { NEGMINE_DATA_DIR: '/nonexistent-negmine-test', NODE_ENV: 'test' },
    { workerCount: 0, threads: 1, ...overrides },
  );
}

export interface SentJob {
  readonly name: JobName;
  readonly data: JobPayloads[JobName];
}

export class RecordingQueue implements Pick<JobQueue, 'send'> {
  readonly sent: SentJob[] = [];

  async send<N extends JobName>(name: N, data: JobPayloads[N]): Promise<string> {
    this.sent.push({ name, data });
    return `job-${this.sent.length}`;
  }
}

export function testServices(
  prisma: PrismaClient,
  queue: Pick<JobQueue, 'send'> = new RecordingQueue(),
  config: ApiConfig = testConfig(),
): AllServices {
  return createServices(prisma, queue, config, silentLogger);
}

export function testContext(services: AllServices): ApiContext {
  return createContext(services);
}

let jobCounter = 0;

/** Runs one queue job in this process as a worker would (a fresh job id unless one is given). */
export function runJob<N extends JobName>(
  services: AllServices,
  name: N,
  data: JobPayloads[N],
  options: { jobId?: string; retryCount?: number } = {},
) {
  jobCounter += 1;
  return services.jobs.run(name, {
    id: options.jobId ?? `test-job-${jobCounter}`,
    data,
    retryCount: options.retryCount ?? 0,
    retryLimit: 2,
  });
}
