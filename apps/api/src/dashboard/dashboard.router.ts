// The dashboard at GET /dashboard (and GET / redirects there): the page, one ES module and one
// stylesheet, built from ./client by apps/api/scripts/build-dashboard.js into dist/dashboard (npm start
// and npm test build it; nothing is committed) and served as they are, same-origin only. The page
// reads /graphql (queries over HTTP, runProgress over graphql-ws); it never mutates anything.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Router } from 'express';
import express from 'express';

/** Where the build writes the bundle: <repo>/dist/dashboard. */
export const DASHBOARD_BUILD_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'dashboard');

/** The files the page may load, with their content types; anything else under /dashboard/ is a 404. */
export const DASHBOARD_ASSETS: Readonly<Record<string, string>> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

/** Same-origin only: no inline script or style, no other origin; ws: for the runProgress subscription. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(res: Response, buildDir: string, file: string, type: string): void {
  if (!existsSync(path.join(buildDir, file))) {
    res
      .status(503)
      .type('text/plain')
      .send('The dashboard is not built: run `npm run build:dashboard` (npm start and npm test build it).');
    return;
  }
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Cache-Control', 'no-cache');
  res.sendFile(file, { root: buildDir, headers: { 'Content-Type': type } });
}

export function dashboardRouter(buildDir: string = DASHBOARD_BUILD_DIR): Router {
  const router = express.Router();
  router.get('/', (_req: Request, res: Response) => {
    res.redirect(302, '/dashboard');
  });
  router.get('/dashboard', (_req: Request, res: Response) => {
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    send(res, buildDir, 'index.html', 'text/html; charset=utf-8');
  });
  router.get('/dashboard/:file', (req: Request, res: Response) => {
    const file = String(req.params['file']);
    const type = Object.hasOwn(DASHBOARD_ASSETS, file) ? DASHBOARD_ASSETS[file] : undefined;
    if (type === undefined) {
      res.status(404).json({
        errors: [
          {
            message: `no dashboard file '${file.slice(0, 100)}'; the dashboard is served at /dashboard`,
            extensions: { code: 'NOT_FOUND' },
          },
        ],
      });
      return;
    }
    send(res, buildDir, file, type);
  });
  return router;
}
