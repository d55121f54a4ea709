// A TCP port free on the loopback interface now, for a server a spec starts itself (an embedded
// Postgres): the OS picks it, the probe socket closes, the spec binds it next.
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
