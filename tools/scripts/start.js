#!/usr/bin/env node
// `npm start`: runs the API service (apps/api/src/main.ts) through swc, no build step.
require('../../apps/api/scripts/run.js').run('main');
