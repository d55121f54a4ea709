// Failed authentications per client address: a presented key that does not verify costs a scrypt
// hash, so after NEGMINE_AUTH_FAILURE_LIMIT failures in a window the address's keys are refused with
// 429 before any hashing, over HTTP and on graphql-ws connections. A missing key never counts.
import WebSocket from 'ws';
import { testConfig } from '../support/test-services';
import { startSecurityApp, type SecurityApp } from './security-app';

const FAILURES = 4;

/** How a graphql-ws connection presenting `key` ends: acknowledged, or the close code. */
async function wsConnect(url: string, key: string): Promise<'ack' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${key}` } })),
    );
    socket.on('message', (raw) => {
      if ((JSON.parse(String(raw)) as { type: string }).type === 'connection_ack') {
        socket.close();
        resolve('ack');
      }
    });
    socket.on('close', (code) => resolve(code));
  });
}

describe('failed authentications per address', () => {
  let app: SecurityApp;
  let forged: string;

  beforeAll(async () => {
    const base = testConfig();
    app = await startSecurityApp({
      withKeys: true,
      config: { limits: { ...base.limits, failedAuthPerWindow: FAILURES } },
    });
    // A real lookup id with a wrong secret: the store finds the row and hashes (the expensive case).
    forged = app.keys.viewer.replace(/_[A-Za-z0-9_-]{43}$/, `_${'A'.repeat(43)}`);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('answers 401 up to the limit, then 429 with Retry-After without verifying any key', async () => {
    const missing = await app.post({ query: '{ __typename }' });
    expect(missing.status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < FAILURES; i += 1)
      statuses.push((await app.post({ query: '{ __typename }' }, { key: forged })).status);
    expect(statuses).toEqual(Array(FAILURES).fill(401));

    const verify = jest.spyOn(app.services.apiKeys, 'verify');
    const blocked = await app.post({ query: '{ __typename }' }, { key: forged });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body.errors?.map((e) => e.extensions?.['code'])).toEqual(['RATE_LIMITED']);
    expect(blocked.body.errors?.[0]?.message).toMatch(/failed authentications.*at most 4 per 60 s/);
    // While blocked, even a valid key from this address is refused before hashing.
    expect((await app.post({ query: '{ __typename }' }, { key: app.keys.admin })).status).toBe(429);
    expect(await wsConnect(app.server.url, app.keys.admin)).toBe(4429);
    expect(verify).not.toHaveBeenCalled();
    verify.mockRestore();
  });
});
