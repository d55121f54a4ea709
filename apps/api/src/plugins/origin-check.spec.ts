// Origin and Host checks: own origins pass, other sites and `null` do not, requests without Origin
// (curl, server-to-server) pass; Host is checked only in open mode; the express guard checks Origin
// only on state-changing methods; WebSocket upgrades always.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { defaultOriginPolicy, hostProblem, originGuard, originProblem, upgradeProblem } from './origin-check';

describe('origin policy', () => {
  const open = defaultOriginPolicy({
    host: '127.0.0.1',
    port: 4000,
    openMode: true,
    extraOrigins: ['https://dash.example.com/'],
  });
  const keyed = defaultOriginPolicy({ host: '0.0.0.0', port: 4000, openMode: false });

  it('allows the own origins and configured ones, refuses other sites and null', () => {
    for (const origin of [
      undefined,
      'http://localhost:4000',
      'http://127.0.0.1:4000',
      'HTTP://LOCALHOST:4000',
      'http://[::1]:4000',
      'https://dash.example.com',
    ]) {
      expect(originProblem(origin, open)).toBeUndefined();
    }
    for (const origin of [
      'http://evil.example',
      'null',
      'http://localhost:4001',
      'http://localhost.evil.example:4000',
      'http://127.0.0.1:4000.evil.example',
    ]) {
      expect(originProblem(origin, open)?.code).toBe('FORBIDDEN_ORIGIN');
    }
    expect(originProblem('http://evil.example', keyed)?.message).toMatch(/NEGMINE_ALLOWED_ORIGINS/);
  });

  it('checks Host only in open mode (DNS rebinding)', () => {
    for (const host of ['localhost:4000', '127.0.0.1:4000', '[::1]:4000', 'localhost'])
      expect(hostProblem(host, open)).toBeUndefined();
    for (const host of ['rebound.evil.example:4000', undefined, '10.0.0.1:4000'])
      expect(hostProblem(host, open)?.code).toBe('FORBIDDEN_HOST');
    expect(hostProblem('api.team.example', keyed)).toBeUndefined();
  });

  it('checks WebSocket upgrades for Host and Origin', () => {
    expect(
      upgradeProblem({ headers: { host: 'localhost:4000', origin: 'http://localhost:4000' } }, open),
    ).toBeUndefined();
    expect(upgradeProblem({ headers: { host: 'localhost:4000', origin: 'http://evil.example' } }, open)?.code).toBe(
      'FORBIDDEN_ORIGIN',
    );
    expect(upgradeProblem({ headers: { host: 'evil.example', origin: 'http://localhost:4000' } }, open)?.code).toBe(
      'FORBIDDEN_HOST',
    );
  });
});

describe('originGuard', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const app = express();
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    app.use(originGuard(defaultOriginPolicy({ host: '127.0.0.1', port, openMode: true })));
    app.all('/x', (_req, res) => void res.json({ ok: true }));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a cross-site POST with 403 JSON, lets reads and own-origin or origin-less writes through', async () => {
    const url = `http://127.0.0.1:${port}/x`;
    const cross = await fetch(url, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(cross.status).toBe(403);
    expect(await cross.json()).toEqual({
      errors: [{ message: expect.stringContaining('evil.example'), extensions: { code: 'FORBIDDEN_ORIGIN' } }],
    });
    expect((await fetch(url, { headers: { origin: 'http://evil.example' } })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', headers: { origin: `http://127.0.0.1:${port}` } })).status).toBe(200);
    expect((await fetch(url, { method: 'POST' })).status).toBe(200);
  });
});
