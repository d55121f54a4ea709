#!/usr/bin/env node
// Entry point of the `negmine` CLI: compiles the TypeScript sources on the fly (swc, with the
// repository's tsconfig), so `npx negmine` works right after `npm ci` with no build step.
const path = require('node:path');

process.env.SWC_NODE_PROJECT ??= path.resolve(__dirname, '..', '..', '..', 'tsconfig.json');
require('@swc-node/register');
require('../negmine.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
