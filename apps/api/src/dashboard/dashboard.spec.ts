// The dashboard route serves the page and its assets with the right content types, and every
// GraphQL operation the page sends is valid against the service's schema (so a schema change that
// breaks the page fails here, not silently in a browser).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { buildApiSchema } from '../schema';
import { DASHBOARD_ASSETS, DASHBOARD_ASSETS_DIR, dashboardRouter } from './dashboard.router';

function asset(name: string): string {
  return readFileSync(path.join(DASHBOARD_ASSETS_DIR, name), 'utf8');
}

describe('dashboard route', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(dashboardRouter());
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  it('serves the page at GET /dashboard as HTML with a same-origin content security policy', async () => {
    const response = await fetch(`${base}/dashboard`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/i);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toBe(asset('index.html'));
    expect(html).toContain('<script src="/dashboard/dashboard.js"');
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
    ['dashboard-queries.graphql', /^application\/graphql; charset=utf-8/i],
  ])('serves %s from disk with its content type', async (name, type) => {
    const response = await fetch(`${base}/dashboard/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(type);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(asset(name));
  });

  it('serves every local file the page references, and nothing else', async () => {
    const html = asset('index.html');
    const references = [...html.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((match) => match[1]!);
    expect(references.sort()).toEqual(['/dashboard/dashboard.css', '/dashboard/dashboard.js']);
    expect(Object.keys(DASHBOARD_ASSETS).sort()).toEqual(['dashboard-queries.graphql', 'dashboard.css', 'dashboard.js']);
    for (const name of ['index.html', 'other.js', '..%2Fdashboard.router.ts', 'dashboard.spec.ts', 'constructor', '__proto__']) {
      const response = await fetch(`${base}/dashboard/${name}`);
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
    }
  });

  it('loads nothing from another origin and writes data to the DOM only as text', () => {
    for (const name of ['index.html', 'dashboard.js', 'dashboard.css']) {
      expect({ name, external: asset(name).match(/(?:src|href|url\()\s*=?\s*["']?(?:https?:)?\/\//g) }).toEqual({ name, external: null });
    }
    const script = asset('dashboard.js');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    expect(asset('index.html')).not.toMatch(/<script>|<style>| style="| on\w+="/);
  });
});

describe('dashboard GraphQL operations', () => {
  const document = parse(asset('dashboard-queries.graphql'));
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const defined = operations.map((operation) => operation.name?.value);

  it('are all named, distinct queries', () => {
    expect(operations.length).toBe(document.definitions.length);
    expect(defined.every((name) => name !== undefined)).toBe(true);
    expect(new Set(defined).size).toBe(defined.length);
    expect(operations.every((operation) => operation.operation === 'query')).toBe(true);
  });

  it('are exactly the operations the page sends', () => {
    const sent = [...asset('dashboard.js').matchAll(/\bgql\(\s*'([A-Za-z_]\w*)'/g)].map((match) => match[1]);
    expect(sent.length).toBeGreaterThan(0);
    expect([...new Set(sent)].sort()).toEqual([...defined].sort());
  });

  it('validate against the schema the service builds', async () => {
    const schema = await buildApiSchema();
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });
});
