// pg-boss 10 would run against a queue schema made by pg-boss 12 and fail query by query; the queue
// refuses such a schema at start with what to do, and starts on a fresh one.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import { connectionFromUrl } from '../../src/db/connection';
import { JobQueue } from '../../src/jobs/queue';
import { TEST_SERVER_URL } from '../support/test-database';

describe('job queue schema version', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = new URL(TEST_SERVER_URL);
  url.searchParams.set('schema', schema);
  const connection = connectionFromUrl(url.toString(), 2);
  const logger = pino({ level: 'silent' });

  async function sql(statement: string): Promise<void> {
    const client = new Client({ connectionString: TEST_SERVER_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  afterAll(async () => {
    await sql(`DROP SCHEMA IF EXISTS "${connection.queueSchema}" CASCADE`);
  });

  it('refuses a schema made by a newer pg-boss, naming the schema and the fix', async () => {
    await sql(`CREATE SCHEMA "${connection.queueSchema}"`);
    await sql(`CREATE TABLE "${connection.queueSchema}".version (version int primary key)`);
    await sql(`INSERT INTO "${connection.queueSchema}".version VALUES (46)`);
    await expect(JobQueue.start(connection, { retryLimit: 1, heartbeatSeconds: 10 }, logger)).rejects.toMatchObject({
      code: 'QUEUE_SCHEMA_TOO_NEW',
      message: expect.stringContaining(`DROP SCHEMA "${connection.queueSchema}" CASCADE`),
    });
  });

  it('installs and uses its own schema when there is none', async () => {
    await sql(`DROP SCHEMA IF EXISTS "${connection.queueSchema}" CASCADE`);
    const queue = await JobQueue.start(connection, { retryLimit: 1, heartbeatSeconds: 10 }, logger);
    try {
      const id = await queue.send('mine', { runId: '00000000-0000-0000-0000-000000000000' });
      expect(typeof id).toBe('string');
      expect(await queue.jobState('mine', id!)).toBe('created');
    } finally {
      await queue.stop();
    }
  });
});
