// The queue's own rows for a job name, read straight from pg-boss's table: what fault specs check
// to see whether a job was completed, retried or re-sent.
import { Client } from 'pg';
import type { DatabaseConnection } from '../../src/db/connection';

export interface QueueJobRow {
  readonly state: string;
  readonly retry_count: number;
}

/** The `name` jobs whose payload field `field` is `value`, oldest first. */
export async function queueJobs(
  connection: DatabaseConnection,
  name: string,
  field: string,
  value: string,
): Promise<QueueJobRow[]> {
  const client = new Client({ connectionString: connection.url });
  await client.connect();
  try {
    const { rows } = await client.query<QueueJobRow>(
      `SELECT state, retry_count FROM "${connection.queueSchema}".job
        WHERE name = $1 AND data->>$2 = $3 ORDER BY created_on`,
      [name, field, value],
    );
    return rows;
  } finally {
    await client.end();
  }
}
