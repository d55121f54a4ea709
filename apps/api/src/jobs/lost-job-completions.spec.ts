// pg-boss's own completion and failure calls, over a database that refuses connections, are the
// rejections the tolerance recognises; other errors (even from pg-boss's other calls) are not.
import { freePort } from '../../test/support/free-port';
import { isLostJobCompletion } from './lost-job-completions';

interface PgBossManager {
  complete(name: string, id: string): Promise<unknown>;
  fail(name: string, id: string, data?: unknown): Promise<unknown>;
  getJobById(name: string, id: string): Promise<unknown>;
}

async function unreachableManager(): Promise<{ manager: PgBossManager; close(): Promise<void> }> {
  // pg-boss's internals, as its index.js composes them, on a port nothing listens on.
  const Db = require('pg-boss/src/db') as new (config: object) => { open(): Promise<void>; close(): Promise<void> };
  const Manager = require('pg-boss/src/manager') as new (db: object, config: object) => PgBossManager;
  const db = new Db({ connectionString: `postgresql://postgres@127.0.0.1:${await freePort()}/none` });
  await db.open();
  return { manager: new Manager(db, { schema: 'pgboss' }), close: () => db.close() };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('isLostJobCompletion', () => {
  it("recognises pg-boss's complete and fail on an unreachable database", async () => {
    const { manager, close } = await unreachableManager();
    try {
      const failed = await rejection(manager.fail('mine', '00000000-0000-0000-0000-000000000000', new Error('x')));
      const completed = await rejection(manager.complete('mine', '00000000-0000-0000-0000-000000000000'));
      expect(failed).toMatchObject({ code: 'ECONNREFUSED' });
      expect(isLostJobCompletion(failed)).toBe(true);
      expect(isLostJobCompletion(completed)).toBe(true);
      // Other pg-boss calls are awaited by their callers: their errors are not lost completions.
      const read = await rejection(manager.getJobById('mine', '00000000-0000-0000-0000-000000000000'));
      expect(isLostJobCompletion(read)).toBe(false);
    } finally {
      await close();
    }
  });

  it('leaves every other rejection alone', () => {
    expect(isLostJobCompletion(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(false);
    expect(isLostJobCompletion('Manager.fail (pg-boss/src/manager.js:1:1)')).toBe(false);
    expect(isLostJobCompletion(undefined)).toBe(false);
  });
});
