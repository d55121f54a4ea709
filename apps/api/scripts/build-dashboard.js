#!/usr/bin/env node
// Builds the dashboard (apps/api/src/dashboard/client) into dist/dashboard with esbuild: one
// minified ES module, one stylesheet (uPlot's included) and index.html. Offline, about 0.2 s;
// `npm start` and `npm test` run it first, and the dashboard e2e spec runs it itself. The output
// is gitignored (dist/). Prints the byte sizes (raw and gzip) of what a browser downloads.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const root = path.resolve(__dirname, '..', '..', '..');
const clientDir = path.join(root, 'apps', 'api', 'src', 'dashboard', 'client');
const outDir = path.join(root, 'dist', 'dashboard');

/**
 * Builds into a private folder beside `outDir`, then renames each file into place (atomic per
 * file), so a server reading `outDir` while another process rebuilds never sees a half-written file.
 * @returns {Promise<{ outDir: string, files: { name: string, bytes: number, gzipBytes: number }[] }>}
 */
async function buildDashboard({ quiet = false } = {}) {
  const esbuild = require('esbuild');
  fs.mkdirSync(outDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(outDir), '.dashboard-build-'));
  try {
    await build(esbuild, staging, quiet);
    for (const name of fs.readdirSync(staging)) fs.renameSync(path.join(staging, name), path.join(outDir, name));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const files = fs
    .readdirSync(outDir)
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(outDir, name));
      return { name, bytes: bytes.length, gzipBytes: zlib.gzipSync(bytes, { level: 9 }).length };
    });
  if (!quiet) {
    const total = files.reduce((sum, file) => sum + file.bytes, 0);
    const gzip = files.reduce((sum, file) => sum + file.gzipBytes, 0);
    const list = files.map((file) => `${file.name} ${file.bytes} B (${file.gzipBytes} B gzip)`).join(', ');
    process.stderr.write(`dashboard built into dist/dashboard: ${list}; total ${total} B (${gzip} B gzip)\n`);
  }
  return { outDir, files };
}

async function build(esbuild, dir, quiet) {
  await esbuild.build({
    entryPoints: { dashboard: path.join(clientDir, 'main.ts') },
    outdir: dir,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    loader: { '.graphql': 'text' },
    legalComments: 'none',
    logLevel: quiet ? 'silent' : 'warning',
    absWorkingDir: root,
  });
  fs.copyFileSync(path.join(clientDir, 'index.html'), path.join(dir, 'index.html'));
}

module.exports = { buildDashboard, DASHBOARD_OUT_DIR: outDir };

if (require.main === module) {
  buildDashboard().catch((error) => {
    process.stderr.write(`dashboard build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
