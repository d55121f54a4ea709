#!/usr/bin/env node
// Runs an apps/api entry point (src/main.ts or src/worker.ts) from TypeScript sources, without a
// build: generates the Prisma client if needed, registers @swc-node/register (decorator metadata
// from tsconfig), and resolves the `.js` specifiers of the generated ESM-style imports to `.ts`.
const { existsSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { generatePrismaClient } = require('./generate-prisma');

const root = path.resolve(__dirname, '..', '..', '..');
const ENTRIES = { main: 'main.ts', worker: 'worker.ts' };

function registerTypeScript() {
  process.env.SWC_NODE_PROJECT ??= path.join(root, 'tsconfig.json');
  require('@swc-node/register');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveTsForJs(request, parent, ...rest) {
    if (request.startsWith('.') && request.endsWith('.js') && parent?.filename) {
      const asTs = path.resolve(path.dirname(parent.filename), request.slice(0, -3) + '.ts');
      if (!existsSync(path.resolve(path.dirname(parent.filename), request)) && existsSync(asTs)) {
        return resolve.call(this, asTs, parent, ...rest);
      }
    }
    return resolve.call(this, request, parent, ...rest);
  };
}

function run(entry) {
  const file = ENTRIES[entry];
  if (file === undefined) throw new Error(`unknown entry '${entry}'; accepted: ${Object.keys(ENTRIES).join(', ')}`);
  generatePrismaClient();
  registerTypeScript();
  require(path.join(root, 'apps', 'api', 'src', file));
}

module.exports = { run, registerTypeScript };

if (require.main === module) run(process.argv[2] ?? 'main');
