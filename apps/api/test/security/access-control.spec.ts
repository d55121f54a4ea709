// Access control over real HTTP and graphql-ws: Bearer keys and connectionParams, the field policy
// (viewer cannot mutate), the route guard (undeclared routes 404), last-used times, open mode only
// on loopback, Origin checks on upgrades and state-changing requests, the Host check in open mode.
import WebSocket from 'ws';
import { AccessModeError } from '../../src/auth/access-mode';
import { startSecurityApp, type SecurityApp } from './security-app';

const CREATE = 'mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id name } }';

function codes(body: { errors?: readonly { extensions?: Record<string, unknown> }[] }): unknown[] {
  return (body.errors ?? []).map((error) => error.extensions?.['code']);
}

/** One query over the graphql-ws protocol on a raw socket: its result, or how the socket closed or was refused. */
async function wsQuery(
  url: string,
  query: string,
  options: { key?: string; origin?: string } = {},
): Promise<{
  data?: unknown;
  errors?: { extensions?: { code?: string } }[];
  closeCode?: number;
  refusedStatus?: number;
}> {
  return new Promise((resolve) => {
    const socket = new WebSocket(
      url.replace(/^http/, 'ws'),
      'graphql-transport-ws',
      options.origin === undefined ? {} : { headers: { origin: options.origin } },
    );
    let done = false;
    const finish = (value: {
      data?: unknown;
      errors?: { extensions?: { code?: string } }[];
      closeCode?: number;
      refusedStatus?: number;
    }) => {
      if (done) return;
      done = true;
      socket.close();
      resolve(value);
    };
    socket.on('unexpected-response', (_req, res) => finish({ refusedStatus: res.statusCode }));
    socket.on('error', () => finish({}));
    socket.on('close', (code) => finish({ closeCode: code }));
    socket.on('open', () =>
      socket.send(
        JSON.stringify({
          type: 'connection_init',
          payload: options.key === undefined ? {} : { Authorization: `Bearer ${options.key}` },
        }),
      ),
    );
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as {
        type: string;
        payload?:
          { data?: unknown; errors?: { extensions?: { code?: string } }[] } | { extensions?: { code?: string } }[];
      };
      if (message.type === 'connection_ack')
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      else if (message.type === 'next')
        finish(message.payload as { data?: unknown; errors?: { extensions?: { code?: string } }[] });
      else if (message.type === 'error') finish({ errors: message.payload as { extensions?: { code?: string } }[] });
    });
  });
}

describe('keys mode', () => {
  let app: SecurityApp;

  beforeAll(async () => {
    app = await startSecurityApp({ withKeys: true });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('requires a key: none or a wrong one is 401 UNAUTHENTICATED, with WWW-Authenticate', async () => {
    expect(app.server.accessMode).toBe('keys');
    const none = await app.post({ query: '{ labelSets { id } }' });
    expect({ status: none.status, codes: codes(none.body) }).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    const wrong = await app.post({ query: '{ labelSets { id } }' }, { key: 'nmk_abcdefgh_notavalidsecretatall' });
    expect({ status: wrong.status, codes: codes(wrong.body) }).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
    const get = await fetch(`${app.server.url}?query=${encodeURIComponent('{ labelSets { id } }')}`);
    expect(get.status).toBe(401);
  });

  it('lets a viewer read but not mutate (FORBIDDEN, nothing written); an operator creates; only an admin deletes', async () => {
    const read = await app.post({ query: '{ labelSets { id } }' }, { key: app.keys.viewer });
    expect(read).toMatchObject({ status: 200, body: { data: { labelSets: [] } } });
    const denied = await app.post(
      { query: CREATE, variables: { input: { name: 'a', labels: ['cat', 'dog'] } } },
      { key: app.keys.viewer },
    );
    expect(codes(denied.body)).toEqual(['FORBIDDEN']);
    expect(await app.db.prisma.labelSet.count()).toBe(0);
    const created = await app.post(
      { query: CREATE, variables: { input: { name: 'a', labels: ['cat', 'dog'] } } },
      { key: app.keys.operator },
    );
    expect(codes(created.body)).toEqual([]);
    const id = (created.body.data!['createLabelSet'] as { id: string }).id;
    const del = 'mutation($id: ID!) { deleteLabelSet(id: $id) { id } }';
    expect(codes((await app.post({ query: del, variables: { id } }, { key: app.keys.operator })).body)).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes((await app.post({ query: del, variables: { id } }, { key: app.keys.admin })).body)).toEqual([]);
  });

  it('records the last-used time of a key', async () => {
    await app.post({ query: '{ __typename }' }, { key: app.keys.admin });
    for (let i = 0; i < 50; i += 1) {
      const keys = await app.services.apiKeys.list();
      if (keys.find((key) => key.role === 'admin')?.lastUsedAt != null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const admin = (await app.services.apiKeys.list()).find((key) => key.role === 'admin');
    expect(admin?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('guards every route: public health, 404 JSON for undeclared routes whatever the key', async () => {
    expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
    const unknown = await fetch(`${app.base}/admin/secret`, { headers: { authorization: `Bearer ${app.keys.admin}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
  });

  it('authenticates graphql-ws connections by connectionParams and enforces the same field policy', async () => {
    const none = await wsQuery(app.server.url, '{ labelSets { id } }');
    expect(none.closeCode).toBe(4401);
    const viewer = await wsQuery(app.server.url, '{ labelSets { name } }', { key: app.keys.viewer });
    expect(viewer.errors).toBeUndefined();
    const mutate = await wsQuery(
      app.server.url,
      'mutation { createLabelSet(input: { name: "ws", labels: ["x"] }) { id } }',
      { key: app.keys.viewer },
    );
    expect(mutate.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('refuses WebSocket upgrades and POSTs from foreign origins; same-origin and non-browser clients pass', async () => {
    const foreign = await wsQuery(app.server.url, '{ __typename }', {
      key: app.keys.viewer,
      origin: 'https://evil.example',
    });
    expect(foreign).toEqual({ refusedStatus: 403 });
    const post = await app.post(
      { query: '{ __typename }' },
      { key: app.keys.viewer, headers: { origin: 'https://evil.example' } },
    );
    expect({ status: post.status, codes: codes(post.body) }).toEqual({ status: 403, codes: ['FORBIDDEN_ORIGIN'] });
    const own = await app.post({ query: '{ __typename }' }, { key: app.keys.viewer, headers: { origin: app.base } });
    expect(own.status).toBe(200);
    const ownWs = await wsQuery(app.server.url, '{ __typename }', { key: app.keys.viewer, origin: app.base });
    expect(ownWs.data).toEqual({ __typename: 'Query' });
  });

  it('serves GraphiQL without a key; the page asks for one when the probe answers 401 and sends it on HTTP and graphql-ws', async () => {
    const page = await fetch(app.server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('window.prompt(');
    expect(html).toContain('connectionParams: authorization');
    expect(html).toContain('response.status === 401');
  });

  it('sends no CORS headers', async () => {
    const response = await fetch(app.server.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('open mode', () => {
  let app: SecurityApp;

  beforeAll(async () => {
    app = await startSecurityApp({ withKeys: false });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('on loopback without keys everything works without a key', async () => {
    expect(app.server.accessMode).toBe('open');
    const created = await app.post({ query: CREATE, variables: { input: { name: 'open', labels: ['cat'] } } });
    expect(codes(created.body)).toEqual([]);
  });

  it('checks the Host header (DNS rebinding): only the service names pass', async () => {
    const { request } = await import('node:http');
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${app.base}/healthz`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    const port = new URL(app.base).port;
    expect(await status(`rebound.evil.example:${port}`)).toBe(403);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
  });

  it('ends open mode once a key exists (keys are then required)', async () => {
    await app.services.apiKeys.create('late', 'viewer');
    const deadline = Date.now() + 8_000;
    while (app.server.accessMode === 'open' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.server.accessMode).toBe('keys');
    expect((await app.post({ query: '{ __typename }' })).status).toBe(401);
  }, 15_000);
});

describe('open mode off loopback', () => {
  it('refuses to start without keys on a non-loopback HOST, saying how to create a key', async () => {
    await expect(startSecurityApp({ withKeys: false, host: '0.0.0.0' })).rejects.toThrow(AccessModeError);
    await expect(startSecurityApp({ withKeys: false, host: '0.0.0.0' })).rejects.toThrow(
      /npm run keys -- create --role admin/,
    );
  }, 60_000);

  it('starts on a non-loopback HOST once a key exists', async () => {
    const app = await startSecurityApp({ withKeys: true, host: '0.0.0.0' });
    try {
      expect(app.server.accessMode).toBe('keys');
    } finally {
      await app.stop();
    }
  }, 60_000);
});
