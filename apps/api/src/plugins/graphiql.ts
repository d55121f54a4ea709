// Self-hosted GraphiQL for browsers at GET /graphql: the page and its scripts (graphiql, React,
// graphql-ws UMD builds) are served from node_modules, because Apollo's landing page loads from a
// CDN that offline machines cannot reach. When the service requires API keys, the page asks for
// one (kept for the tab in sessionStorage) and sends it over HTTP and graphql-ws.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Router } from 'express';
import express from 'express';

/** The root folder of an installed package (its exports may hide package.json from require.resolve). */
function packageRoot(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist' || path.basename(dir) === 'cjs') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package root of ${name} not found`);
    dir = parent;
  }
  return dir;
}

const ASSETS: Record<string, () => string> = {
  'react.js': () => path.join(packageRoot('react'), 'umd', 'react.production.min.js'),
  'react-dom.js': () => path.join(packageRoot('react-dom'), 'umd', 'react-dom.production.min.js'),
  'graphiql.js': () => path.join(packageRoot('graphiql'), 'graphiql.min.js'),
  'graphiql.css': () => path.join(packageRoot('graphiql'), 'graphiql.min.css'),
  'graphql-ws.js': () => path.join(packageRoot('graphql-ws'), 'umd', 'graphql-ws.min.js'),
};

const EXAMPLE_QUERY = `# negmine: label sets, models and the latest evaluation runs
query Overview {
  labelSets { id name labelCount }
  models { id name kind embeddingDim }
  evaluationRuns(first: 5) {
    edges { node { id method status progress results { oodImageSet { name } fprAtTprId auroc } } }
  }
}
`;

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>negmine GraphiQL</title>
<link rel="stylesheet" href="/graphiql-assets/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql-assets/react.js"></script>
<script src="/graphiql-assets/react-dom.js"></script>
<script src="/graphiql-assets/graphql-ws.js"></script>
<script src="/graphiql-assets/graphiql.js"></script>
<script>
  // With API keys required (401 on a probe), ask for one once per tab and send it with every request.
  const url = new URL('/graphql', window.location.href).toString();
  const wsUrl = url.replace(/^http/, 'ws');
  const KEY_ITEM = 'negmine.apiKey';
  async function needsKey(key) {
    const headers = { 'content-type': 'application/json' };
    if (key) headers.authorization = 'Bearer ' + key;
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: '{ __typename }' }) });
    return response.status === 401;
  }
  async function apiKey() {
    let key = sessionStorage.getItem(KEY_ITEM) || '';
    let message = 'This negmine service requires an API key (an admin creates one with: npm run keys -- create --role viewer --name <name>). Key:';
    while (await needsKey(key)) {
      key = (window.prompt(message) || '').trim();
      if (!key) return '';
      message = 'That key was not accepted (unknown or revoked). API key:';
    }
    if (key) sessionStorage.setItem(KEY_ITEM, key);
    return key;
  }
  apiKey().then((key) => {
    const authorization = key ? { Authorization: 'Bearer ' + key } : {};
    const fetcher = GraphiQL.createFetcher({ url, headers: authorization, wsClient: graphqlWs.createClient({ url: wsUrl, lazy: true, connectionParams: authorization }) });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(EXAMPLE_QUERY)} }),
    );
  });
</script>
</body>
</html>`;
}

/** Wants HTML: a browser navigation (not a GraphQL GET, which carries ?query=). */
export function wantsGraphiql(req: Request): boolean {
  return req.method === 'GET' && req.query['query'] === undefined && (req.headers.accept ?? '').includes('text/html');
}

export function graphiqlRouter(): Router {
  const router = express.Router();
  router.get('/graphiql-assets/:file', (req: Request, res: Response) => {
    const resolve = ASSETS[String(req.params['file'])];
    if (resolve === undefined) {
      res.status(404).end();
      return;
    }
    res.sendFile(resolve(), { maxAge: '1d' });
  });
  router.get('/graphql', (req, res, next) => {
    if (!wantsGraphiql(req)) {
      next();
      return;
    }
    res.type('html').send(page());
  });
  return router;
}
