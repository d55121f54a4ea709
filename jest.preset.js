// Shared jest settings for every project: swc with decorator metadata (type-graphql needs it;
// esbuild-based transforms do not emit it) and workspace imports resolved to sources.
const path = require('node:path');

const root = __dirname;

/** @param {string} projectDir absolute path of the project folder */
function jestConfigFor(projectDir, overrides = {}) {
  const name = path.relative(root, projectDir).replace(/[\\/]/g, '-');
  return {
    displayName: name,
    rootDir: projectDir,
    testEnvironment: `${root}/tools/scripts/jest-node-environment.js`,
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/**/*.spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/generated/'],
    transform: {
      '^.+\\.(t|j)s$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    transformIgnorePatterns: ['/node_modules/'],
    moduleNameMapper: {
      '^@negmine/(formats|metrics|mining|encoders)$': `${root}/libs/$1/src/index.ts`,
      '^@negmine/(formats|metrics|mining|encoders)/testing$': `${root}/libs/$1/src/testing.ts`,
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    reporters: ['default', [`${root}/tools/scripts/jest-count-reporter.js`, { project: name }]],
    ...overrides,
  };
}

module.exports = { jestConfigFor };
