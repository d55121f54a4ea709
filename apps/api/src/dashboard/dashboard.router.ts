// The run-history dashboard at GET /dashboard (and GET / redirects there): one HTML page, a small
// vanilla script, a stylesheet and the GraphQL document of every operation the page sends, all
// read from ./assets and served as they are (no build step, no CDN). The page talks to /graphql.
import path from 'node:path';
import type { Request, Response, Router } from 'express';
import express from 'express';

export const DASHBOARD_ASSETS_DIR = path.join(__dirname, 'assets');

/** The files the page may load, with their content types; anything else under /dashboard/ is a 404. */
export const DASHBOARD_ASSETS: Readonly<Record<string, string>> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard-queries.graphql': 'application/graphql; charset=utf-8',
};

/** Same-origin only: the page loads nothing from elsewhere and has no inline script or style. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(res: Response, file: string, type: string): void {
  res.set('Content-Type', type);
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Cache-Control', 'no-cache');
  res.sendFile(file, { root: DASHBOARD_ASSETS_DIR, headers: { 'Content-Type': type } });
}

export function dashboardRouter(): Router {
  const router = express.Router();
  router.get('/', (_req: Request, res: Response) => {
    res.redirect(302, '/dashboard');
  });
  router.get('/dashboard', (_req: Request, res: Response) => {
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    send(res, 'index.html', 'text/html; charset=utf-8');
  });
  router.get('/dashboard/:file', (req: Request, res: Response) => {
    const file = String(req.params['file']);
    const type = Object.hasOwn(DASHBOARD_ASSETS, file) ? DASHBOARD_ASSETS[file] : undefined;
    if (type === undefined) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    send(res, file, type);
  });
  return router;
}
