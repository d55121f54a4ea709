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
