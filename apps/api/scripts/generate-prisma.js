#!/usr/bin/env node
// Generates the Prisma client into apps/api/src/generated/prisma (gitignored) when it is missing or
// older than prisma/schema.prisma. Run by `npm start`, `npm run worker`, `npm test` and the api jest setup.
// Prisma 7's CLI downloads a native schema engine before `generate`; pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that download (generate never runs it).
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..', '..', '..');
const schemaFile = path.join(root, 'prisma', 'schema.prisma');
const outputDir = path.join(root, 'apps', 'api', 'src', 'generated', 'prisma');
const stampFile = path.join(outputDir, '.schema-sha256');

function generatePrismaClient() {
  const schemaHash = createHash('sha256').update(readFileSync(schemaFile)).digest('hex');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === schemaHash) return false;
  const cli = require.resolve('prisma/build/index.js', { paths: [root] });
  const result = spawnSync(process.execPath, [cli, 'generate', '--schema', schemaFile], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: __filename,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
  if (result.status !== 0) throw new Error(`prisma generate failed (exit ${result.status ?? result.signal})`);
  writeFileSync(stampFile, schemaHash);
  return true;
}

module.exports = { generatePrismaClient };

if (require.main === module) {
  generatePrismaClient();
}
