// The dashboard route serves the built page and its two assets with the right content types and a
// same-origin content security policy; every GraphQL operation of the client is valid against the
// service's schema and sent by the page (so a schema change that breaks a page fails here, not
// silently in a browser); the client writes data to the DOM only as text and loads nothing from
// another origin. The browser behaviour itself is proven in test/dashboard/dashboard.e2e.spec.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { buildApiSchema } from '../schema';
import { DASHBOARD_ASSETS, DASHBOARD_BUILD_DIR, dashboardRouter } from './dashboard.router';

const { buildDashboard } = require('../../scripts/build-dashboard.js') as {
  buildDashboard(options?: { quiet?: boolean }): Promise<unknown>;
};

const CLIENT_DIR = path.join(__dirname, 'client');

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, suffix) : full.endsWith(suffix) ? [full] : [];
  });
}

function built(name: string): string {
  return readFileSync(path.join(DASHBOARD_BUILD_DIR, name), 'utf8');
}

describe('dashboard route', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    await buildDashboard({ quiet: true });
    const app = express();
    app.use(dashboardRouter());
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  it('serves the page at GET /dashboard as HTML with a same-origin content security policy', async () => {
    const response = await fetch(`${base}/dashboard`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/i);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self' ws: wss:");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toBe(built('index.html'));
    expect(html).toContain('<script type="module" src="/dashboard/dashboard.js">');
    expect(html).toContain('<link rel="stylesheet" href="/dashboard/dashboard.css">');
  });

  it('redirects GET / to the dashboard', async () => {
    const response = await fetch(`${base}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/dashboard');
  });

  it.each([
    ['dashboard.js', /^text\/javascript; charset=utf-8/i],
    ['dashboard.css', /^text\/css; charset=utf-8/i],
  ])('serves the built %s with its content type', async (name, type) => {
    const response = await fetch(`${base}/dashboard/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(type);
    expect(await response.text()).toBe(built(name));
  });

  it('serves every local file the page references, and nothing else', async () => {
    const html = built('index.html');
    const references = [...html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((match) => match[1]!);
    expect(references.sort()).toEqual(['/dashboard/dashboard.css', '/dashboard/dashboard.js']);
    expect(Object.keys(DASHBOARD_ASSETS).sort()).toEqual(['dashboard.css', 'dashboard.js']);
    for (const name of ['index.html', 'other.js', '..%2Fdashboard.router.ts', 'main.ts', 'constructor', '__proto__']) {
      const response = await fetch(`${base}/dashboard/${name}`);
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
    }
  });

  it('answers 503 with how to build it when the bundle is missing', async () => {
    const app = express();
    app.use(dashboardRouter(path.join(__dirname, 'no-such-build')));
    const bare = createServer(app);
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/dashboard`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:dashboard');
    } finally {
      await new Promise<void>((resolve) => bare.close(() => resolve()));
    }
  });

  it('loads nothing from another origin and writes data to the DOM only as text', () => {
    for (const text of [built('index.html'), built('dashboard.css')])
      expect(text.match(/(?:src|href|url\()\s*=?\s*["']?(?:https?:)?\/\//g)).toBeNull();
    expect(built('index.html')).not.toMatch(/<script>|<style>| style="| on\w+="/);
    for (const file of filesUnder(CLIENT_DIR, '.ts')) {
      const source = readFileSync(file, 'utf8');
      expect({
        file,
        bad: source.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|https?:\/\//g),
      }).toEqual({ file, bad: null });
    }
  });
});

describe('dashboard GraphQL operations', () => {
  const documents = filesUnder(CLIENT_DIR, '.graphql').map((file) => ({
    file,
    document: parse(readFileSync(file, 'utf8')),
  }));
  const sources = filesUnder(CLIENT_DIR, '.ts')
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const operations = documents.flatMap(({ document }) =>
    document.definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    ),
  );
  const names = operations.map((operation) => operation.name?.value);

  it('are one document per page module at least, every operation named and the names distinct', () => {
    expect(documents.length).toBeGreaterThanOrEqual(9);
    expect(names.every((name) => name !== undefined)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(operations.filter((operation) => operation.operation === 'mutation')).toEqual([]);
  });

  it('are exactly the operations the pages send', () => {
    // An operation is sent as (DOCUMENT, 'OperationName'): gql(), memoCounts(), or a subscription's operationName.
    const sent = new Set(
      [...sources.matchAll(/\b[A-Z][A-Z_]+,\s*'([A-Z]\w*)'/g), ...sources.matchAll(/operationName: '([A-Z]\w*)'/g)].map(
        (match) => match[1],
      ),
    );
    expect([...sent].sort()).toEqual([...names].sort());
  });

  it('validate against the schema the service builds', async () => {
    const schema = await buildApiSchema();
    for (const { file, document } of documents)
      expect({ file: path.basename(file), errors: validate(schema, document).map((error) => error.message) }).toEqual({
        file: path.basename(file),
        errors: [],
      });
  });
});
