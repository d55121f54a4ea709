const path = require('node:path');
const { jestConfigFor } = require('../../jest.preset');

// ESM-only dependencies (pg-boss with serialize-error and non-error, Prisma's wasm schema engine) are compiled
// to CommonJS for jest, which cannot require ES modules on Node 20.
const ESM_PACKAGES = ['pg-boss', 'serialize-error', 'non-error', '@prisma/schema-engine-wasm'];
const base = jestConfigFor(__dirname);

// type-graphql needs the reflect-metadata polyfill before any decorated class loads; the Prisma
// client is generated (if missing or stale) once before the run.
module.exports = {
  ...base,
  // Every spec file gets a fresh worker process (recycled past this tiny limit after each file), even
  // with one worker: the specs start servers, pg-boss, worker threads and child processes, and a
  // library loop that outlives its file (pg-boss's offWork re-check) must not fire inside the next one.
  workerIdleMemoryLimit: '1MB',
  setupFiles: ['reflect-metadata'],
  globalSetup: path.join(__dirname, 'test', 'support', 'jest-global-setup.js'),
  transform: {
    [`node_modules/(${ESM_PACKAGES.join('|')})/.+\\.js$`]: [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'ecmascript', importAttributes: true }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
    ...base.transform,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
};
