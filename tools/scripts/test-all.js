#!/usr/bin/env node
// `npm test`: lint, type-check, then every project's jest suite through Nx. Every step runs even
// when an earlier one fails, so one run shows everything; the exit code is non-zero on any failure.
// Ends with the plain line "N passed, N failed" (jest's own summary is per project).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const resultsDir = path.join(root, '.test-results');
fs.rmSync(resultsDir, { recursive: true, force: true });

const env = { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_SKIP_NX_CACHE: 'true' };

function step(title, command, args) {
  process.stderr.write(`\n=== ${title}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  const ok = result.status === 0;
  process.stderr.write(`=== ${title}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`}\n`);
  return ok;
}

// The module-boundary lint rule reads Nx's project graph; build it first so it is never skipped.
step('project graph', 'npx', ['nx', 'show', 'projects']);
// The API's Prisma client is generated (gitignored); type-checking and the API specs need it.
step('prisma client', 'node', ['apps/api/scripts/generate-prisma.js']);
// The API serves the dashboard bundle from dist/dashboard (gitignored); its specs load it.
const dashboardBuilt = step('dashboard build', 'node', ['apps/api/scripts/build-dashboard.js']);
const checks = [
  // Lint is ESLint (boundaries, cycles, rules) and Prettier's check (one format, .prettierrc.json).
  [
    'lint',
    step('lint', 'npx', ['eslint', '--max-warnings', '0', '.']) && step('format', 'npx', ['prettier', '--check', '.']),
  ],
  ['typecheck', step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'])],
  ['dashboard build', dashboardBuilt],
];
const projectsOk = step('tests', 'npx', ['nx', 'run-many', '-t', 'test', '--parallel=1', '--outputStyle=stream']);

let passed = 0;
let failed = 0;
let skipped = 0;
let failedSuites = 0;
const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json')) : [];
for (const file of files.sort()) {
  const r = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'));
  process.stderr.write(
    `  ${r.project}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped, ${r.failedSuites} failed suites\n`,
  );
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
  failedSuites += r.failedSuites;
}
// A suite that failed to load, or a failing lint/type-check, counts as one failure each.
failed += failedSuites;
for (const [name, ok] of checks) {
  if (!ok) {
    process.stderr.write(`  ${name}: failed\n`);
    failed += 1;
  } else {
    passed += 1;
  }
}
if (!projectsOk && failed === 0) failed += 1;
if (files.length === 0) {
  process.stderr.write('  no project reported test results\n');
  failed += 1;
}
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed === 0 && projectsOk ? 0 : 1);
