// HTTP limits and errors on a small express app: JSON 400 for invalid JSON and 413 for a too large
// body (never HTML, never a stack), JSON 404 for unknown routes, masked 500 for unexpected errors,
// the response-size guard, per-caller rate limits with Retry-After, and the limits configuration.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ConfigError, limitsFromEnv } from '../config';
import { jsonBody, jsonErrorHandler, jsonNotFound } from './http-errors';
import { DEFAULT_MAX_BODY_BYTES } from './limits-config';
import { CallerRateLimiter, rateLimitKey } from './rate-limit';
import { responseSizeGuard } from './response-size-guard';

describe('HTTP limits and errors', () => {
  let server: Server;
  let base: string;
  const unexpected: unknown[] = [];

  beforeAll(async () => {
    const app = express();
    const limiter = new CallerRateLimiter({ requestsPerWindow: 3, windowSeconds: 60 });
    app.use('/limited', limiter.middleware());
    app.get('/limited', (_req, res) => void res.json({ ok: true }));
    app.use(responseSizeGuard(2_000));
    app.post('/echo', jsonBody(1_000), (req, res) => void res.json({ got: req.body as unknown }));
    app.get('/big', (_req, res) => void res.json({ data: 'x'.repeat(5_000) }));
    app.get('/boom', () => {
      throw new Error(`secret internals at ${__filename}`);
    });
    app.use(jsonNotFound());
    app.use(jsonErrorHandler((error) => unexpected.push(error)));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function json(
    response: Response,
  ): Promise<{ status: number; type: string | null; body: unknown; text: string }> {
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: JSON.parse(text) as unknown,
      text,
    };
  }

  it('answers invalid JSON with 400 INVALID_JSON and a too large body with 413 PAYLOAD_TOO_LARGE, as JSON', async () => {
    const invalid = await json(
      await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a": ' }),
    );
    expect(invalid).toMatchObject({
      status: 400,
      type: expect.stringMatching(/application\/json/),
      body: { errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'INVALID_JSON' } }] },
    });
    const large = await json(
      await fetch(`${base}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ a: 'y'.repeat(2_000) }),
      }),
    );
    expect(large).toMatchObject({ status: 413, body: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] } });
    expect(large.text).not.toMatch(/<html|at .*\.js/i);
    const ok = await json(
      await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }),
    );
    expect(ok).toMatchObject({ status: 200, body: { got: { a: 1 } } });
  });

  it('answers unknown routes with 404 JSON and masks unexpected errors without stack or paths', async () => {
    expect(await json(await fetch(`${base}/nope`))).toMatchObject({
      status: 404,
      body: { errors: [{ extensions: { code: 'NOT_FOUND' } }] },
    });
    const boom = await json(await fetch(`${base}/boom`));
    expect(boom).toMatchObject({
      status: 500,
      body: { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
    });
    expect(boom.text).not.toContain(__filename);
    expect(unexpected).toHaveLength(1);
  });

  it('replaces a too large response by a 413 RESPONSE_TOO_LARGE error', async () => {
    const big = await json(await fetch(`${base}/big`));
    expect(big).toMatchObject({
      status: 413,
      body: { errors: [{ extensions: { code: 'RESPONSE_TOO_LARGE', maxBytes: 2_000 } }] },
    });
    expect(big.text.length).toBeLessThan(500);
  });

  it('rate-limits each caller, with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(`${base}/limited`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await fetch(`${base}/limited`);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
  });

  it('keys the limiter by API key, else by address', async () => {
    expect(rateLimitKey({ kind: 'key', keyId: 'k1', name: 'ci', role: 'viewer' }, '1.2.3.4')).toBe('key:k1');
    expect(rateLimitKey({ kind: 'open' }, '1.2.3.4')).toBe('addr:1.2.3.4');
    const limiter = new CallerRateLimiter({ requestsPerWindow: 1, windowSeconds: 60 });
    await limiter.consume('key:a');
    await limiter.consume('key:b');
    await expect(limiter.consume('key:a')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('limits configuration', () => {
  it('has defaults and reads validated numbers, origins and hosts', () => {
    const defaults = limitsFromEnv({});
    expect(defaults.maxBodyBytes).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(defaults.query.maxAliases).toBe(20);
    const custom = limitsFromEnv(
      {
        NEGMINE_MAX_QUERY_DEPTH: '8',
        NEGMINE_ALLOWED_ORIGINS: 'https://dash.example.com, http://10.0.0.5:8080',
        NEGMINE_ALLOWED_HOSTS: 'api.team.example:4000',
      },
      100,
    );
    expect(custom.query).toMatchObject({ maxDepth: 8, maxPageSize: 100 });
    expect(custom.allowedOrigins).toEqual(['https://dash.example.com', 'http://10.0.0.5:8080']);
    expect(custom.allowedHosts).toEqual(['api.team.example:4000']);
  });

  it('refuses bad values naming the variable', () => {
    expect(() => limitsFromEnv({ NEGMINE_MAX_QUERY_DEPTH: 'deep' })).toThrow(ConfigError);
    expect(() => limitsFromEnv({ NEGMINE_RATE_LIMIT: '0' })).toThrow(/NEGMINE_RATE_LIMIT/);
    expect(() => limitsFromEnv({ NEGMINE_ALLOWED_ORIGINS: 'https://x.example/path' })).toThrow(
      /NEGMINE_ALLOWED_ORIGINS/,
    );
    expect(() => limitsFromEnv({ NEGMINE_ALLOWED_HOSTS: 'bad host' })).toThrow(/NEGMINE_ALLOWED_HOSTS/);
  });
});
