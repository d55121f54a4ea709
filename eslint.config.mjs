// Lint rules that keep the house's boundaries (see ../shared/STYLE.md and README "Map of the house").
import nx from '@nx/eslint-plugin';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'child_process',
  'os',
  'worker_threads',
  'dgram',
  'cluster',
];
const bannedBuiltinPaths = nodeBuiltins.flatMap((name) => [name, `node:${name}`]);
const dbAndGraphql = [
  '@prisma/*',
  'prisma',
  'pg',
  'pg-boss',
  'graphql',
  'graphql-*',
  'type-graphql',
  '@apollo/*',
  'express',
  'ws',
  'dataloader',
];

export default [
  {
    ignores: [
      'apps/api/test/lint-fixtures/**',
      '**/node_modules/**',
      '**/dist/**',
      '.nx/**',
      'tmp/**',
      'coverage/**',
      '**/generated/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    plugins: { import: importPlugin },
    languageOptions: { parser: tseslint.parser },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:io', 'type:compute', 'type:pure'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:io', 'type:compute', 'type:pure'] },
            {
              sourceTag: 'type:io',
              onlyDependOnLibsWithTags: ['type:pure'],
              bannedExternalImports: dbAndGraphql,
            },
            {
              sourceTag: 'type:compute',
              onlyDependOnLibsWithTags: ['type:pure'],
              bannedExternalImports: ['sharp', 'pino', ...dbAndGraphql],
            },
            {
              sourceTag: 'type:pure',
              onlyDependOnLibsWithTags: ['type:pure'],
              bannedExternalImports: ['onnxruntime-node', 'sharp', 'pino', ...dbAndGraphql],
            },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-extraneous-dependencies': [
        'error',
        {
          packageDir: ['.', 'libs/formats', 'libs/metrics', 'libs/mining', 'libs/encoders', 'apps/api', 'tools'],
          devDependencies: true,
        },
      ],
      // With noUncheckedIndexedAccess, a checked `!` in numeric loops is clearer than re-testing bounds.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Pure and compute libraries: no file system, network or processes, no env, no console.
    files: ['libs/metrics/src/**/*.ts', 'libs/formats/src/**/*.ts', 'libs/mining/src/**/*.ts'],
    ignores: ['libs/mining/src/lib/corpus/wordnet-files.ts', '**/*.spec.ts', '**/src/testing.ts', '**/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: bannedBuiltinPaths.map((name) => ({
            name,
            message: 'pure and compute libraries do no I/O: take data as arguments',
          })),
          patterns: [
            {
              group: ['onnxruntime-node'],
              message: 'onnxruntime-node is used only inside libs/mining/src/lib/kernels/',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'libraries take options; only apps/api/src/config.ts reads the environment',
        },
      ],
    },
  },
  {
    files: ['libs/mining/src/lib/kernels/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: bannedBuiltinPaths.map((name) => ({ name, message: 'kernels do no I/O' })) },
      ],
    },
  },
  {
    files: ['libs/encoders/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/src/testing.ts', '**/src/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'libraries take options; only apps/api/src/config.ts reads the environment',
        },
      ],
    },
  },
  {
    files: ['tools/**/*.ts', '**/*.spec.ts', '**/*.bench.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The API's modules form no import cycle (features are built in dependency order, see
    // apps/api/src/features.ts). Type-only imports are not counted: resolvers name the context's
    // type, which is derived from the features that list them; no code runs through such a loop.
    files: ['apps/api/src/**/*.ts', 'apps/api/test/lint-fixtures/**/*.ts'],
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: { 'import/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Prisma is called only from a feature's <feature>.repository.ts, the shared embedding store and db/.
    files: ['apps/api/src/**/*.ts', 'apps/api/test/lint-fixtures/prisma-outside-repository/**/*.ts'],
    ignores: [
      'apps/api/src/**/*.repository.ts',
      'apps/api/src/db/**',
      'apps/api/src/shared/embedding-store.ts',
      '**/*.spec.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/db/prisma.service', '**/generated/prisma/client*', '@prisma/client', '@prisma/adapter-pg'],
              allowTypeImports: true,
              message: "only a feature's <feature>.repository.ts (and db/) calls Prisma: add a repository method",
            },
          ],
        },
      ],
    },
  },
];
