// The HTTP guard on a small express app: public routes need nothing; declared routes need a valid
// key with the role (401 with WWW-Authenticate, 403, both JSON); open mode lets keyless callers in;
// the caller reaches the handler.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { unauthenticated } from './auth-errors';
import { httpAccessGuard, requestCaller, type AuthSettings } from './http-auth';
import type { RouteAccess } from './api-access-policy';

const ROUTES: RouteAccess[] = [
  { method: 'GET', path: '/health', access: 'public' },
  { method: 'GET', path: '/read', access: 'viewer' },
  { method: 'POST', path: '/admin', access: 'admin' },
];

const store: AuthSettings['store'] = {
  async verify(key: string) {
    if (key === 'viewer-key') return { keyId: 'v', name: 'v', role: 'viewer' };
    if (key === 'admin-key') return { keyId: 'a', name: 'a', role: 'admin' };
    throw unauthenticated('the API key is unknown or revoked');
  },
};

async function listen(mode: AuthSettings['mode']): Promise<{ server: Server; base: string }> {
  const app = express();
  app.use(httpAccessGuard({ mode, store }, ROUTES));
  app.get('/health', (_req, res) => void res.json({ ok: true }));
  app.get('/read', (_req, res) => void res.json({ caller: requestCaller(res) }));
  app.post('/admin', (_req, res) => void res.json({ caller: requestCaller(res) }));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('httpAccessGuard', () => {
  let keys: { server: Server; base: string };
  let open: { server: Server; base: string };

  beforeAll(async () => {
    keys = await listen('keys');
    open = await listen('open');
  });

  afterAll(async () => {
    await Promise.all([keys, open].map(({ server }) => new Promise((resolve) => server.close(resolve))));
  });

  it('serves public routes without a key', async () => {
    expect((await fetch(`${keys.base}/health`)).status).toBe(200);
  });

  it('answers 401 JSON with WWW-Authenticate without or with a bad key, 403 for a low role', async () => {
    const missing = await fetch(`${keys.base}/read`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(missing.headers.get('content-type')).toMatch(/application\/json/);
    expect(await missing.json()).toEqual({
      errors: [{ message: expect.stringContaining('Authorization: Bearer'), extensions: { code: 'UNAUTHENTICATED' } }],
    });
    expect((await fetch(`${keys.base}/read`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${keys.base}/read`, { headers: { authorization: 'Basic x' } })).status).toBe(401);
    const low = await fetch(`${keys.base}/admin`, { method: 'POST', headers: { authorization: 'Bearer viewer-key' } });
    expect(low.status).toBe(403);
    expect(await low.json()).toEqual({
      errors: [
        {
          message: expect.stringContaining("'admin'"),
          extensions: { code: 'FORBIDDEN', needed: 'admin', held: 'viewer' },
        },
      ],
    });
  });

  it('passes the verified caller on', async () => {
    const ok = await fetch(`${keys.base}/admin`, { method: 'POST', headers: { authorization: 'Bearer admin-key' } });
    expect(await ok.json()).toEqual({ caller: { kind: 'key', keyId: 'a', name: 'a', role: 'admin' } });
  });

  it('in open mode lets keyless callers in, but still refuses a bad key', async () => {
    expect(await (await fetch(`${open.base}/admin`, { method: 'POST' })).json()).toEqual({ caller: { kind: 'open' } });
    expect((await fetch(`${open.base}/read`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });
});
