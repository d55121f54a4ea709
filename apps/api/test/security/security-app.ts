// A service for the security specs: a test database with API keys created before the server starts
// (so it runs in keys mode), no workers, and raw fetch helpers that send a key or not.
import { createServices, type AllServices } from '../../src/app';
import type { ApiConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { RecordingQueue, silentLogger, testConfig } from '../support/test-services';

export interface SecurityApp {
  readonly db: TestDatabase;
  readonly services: AllServices;
  readonly server: RunningServer;
  /** The created keys by role. */
  readonly keys: Readonly<Record<'viewer' | 'operator' | 'admin', string>>;
  readonly base: string;
  post(
    body: unknown,
    options?: { key?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: GraphQLBody; text: string; headers: Headers }>;
  stop(): Promise<void>;
}

export interface GraphQLBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

export async function startSecurityApp(options: {
  withKeys: boolean;
  config?: Partial<ApiConfig>;
  host?: string;
}): Promise<SecurityApp> {
  const db = await createTestDatabase();
  let server: RunningServer | undefined;
  const config = testConfig(options.config);
  const services = createServices(db.prisma, new RecordingQueue(), config, silentLogger);
  try {
    const keys = { viewer: '', operator: '', admin: '' };
    if (options.withKeys) {
      for (const role of ['viewer', 'operator', 'admin'] as const)
        keys[role] = (await services.apiKeys.create(`${role} key`, role)).key;
    }
    server = await startServer(services, { port: 0, host: options.host ?? '127.0.0.1' });
    const base = new URL('/', server.url).toString().replace(/\/$/, '');
    const running = server;
    return {
      db,
      services,
      server,
      keys,
      base,
      async post(body, { key, headers = {} } = {}) {
        const response = await fetch(running.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
            ...headers,
          },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        const text = await response.text();
        let parsed: GraphQLBody = {};
        try {
          parsed = JSON.parse(text) as GraphQLBody;
        } catch {
          parsed = {};
        }
        return { status: response.status, body: parsed, text, headers: response.headers };
      },
      async stop() {
        await running.stop();
        await db.drop();
      },
    };
  } catch (error) {
    await server?.stop();
    await db.drop();
    throw error;
  }
}
