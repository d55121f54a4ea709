#!/usr/bin/env node
// `npm start`: runs the API service (apps/api/src/main.ts) through swc, no build step.
const path = require('node:path');

process.env.SWC_NODE_PROJECT ??= path.resolve(__dirname, '..', '..', 'tsconfig.json');
require('@swc-node/register');
require('../../apps/api/src/main.ts');
