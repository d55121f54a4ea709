#!/usr/bin/env node
// `npm start`: builds the dashboard bundle (esbuild, offline), then runs the API service
// (apps/api/src/main.ts) through swc, no build step for the server.
require('../../apps/api/scripts/build-dashboard')
  .buildDashboard()
  .then(() => require('../../apps/api/scripts/run.js').run('main'))
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
