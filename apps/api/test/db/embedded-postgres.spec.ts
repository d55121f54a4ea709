// The embedded Postgres path (no DATABASE_URL): a cluster is initialised in a fresh folder,
// migrated, used through a service, attached to by a second opener (as a worker process does),
// shows real-server semantics (LISTEN/NOTIFY across connections), and a different folder on the
// same port is refused rather than silently connected to. Runs in a child Node process (see the probe).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repositoryRoot } from '@negmine/formats/testing';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('embedded Postgres', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'negmine-embedded-'));
    // As root the server runs as the OS user `postgres`, which must be able to enter this folder.
    chmodSync(root, 0o755);
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('initialises, migrates, serves the API, is shared by a second opener, and never adopts a foreign server', async () => {
    const port = await freePort();
    const result = spawnSync(
      process.execPath,
      [
        path.join(repositoryRoot(), 'apps', 'api', 'scripts', 'run-script.js'),
        path.join(__dirname, 'embedded-postgres.probe.ts'),
        path.join(root, 'pg'),
        path.join(root, 'other'),
        String(port),
      ],
      { encoding: 'utf8', timeout: 180_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({
      embedded: true,
      labels: ['a', 'b'],
      attachedPort: port,
      notification: 'hello',
      migrationsOnReopen: 0,
      otherFolderOnTakenPort: expect.stringMatching(/did not start|serves|could not log in/),
    });
  }, 200_000);
});
