// The API's structural lint rules are live: ESLint, run as `npm test` runs it, rejects the
// deliberate import cycle in test/lint-fixtures/import-cycle and the Prisma call outside a
// repository in test/lint-fixtures/prisma-outside-repository (both ignored by the normal lint run
// for exactly that reason).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repositoryRoot } from '@negmine/formats/testing';

interface LintResult {
  readonly filePath: string;
  readonly messages: readonly { ruleId: string | null; message: string }[];
}

function lintFixture(name: string): LintResult[] {
  const root = repositoryRoot();
  const fixture = path.join(root, 'apps', 'api', 'test', 'lint-fixtures', name);
  let results: LintResult[];
  // The report goes to a file: Nx's module-boundary rule may print warnings on stdout.
  const out = mkdtempSync(path.join(tmpdir(), 'negmine-lint-'));
  const report = path.join(out, 'report.json');
  try {
    const eslint = path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
    const result = spawnSync(
      process.execPath,
      [eslint, '--no-ignore', '--format', 'json', '--output-file', report, fixture],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.status).toBe(1);
    results = JSON.parse(readFileSync(report, 'utf8')) as LintResult[];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return results;
}

describe('apps/api structure rules', () => {
  it('import/no-cycle fails lint on a deliberate cycle between two API files', () => {
    const results = lintFixture('import-cycle');
    const cycles = results.flatMap((file) =>
      file.messages.filter((m) => m.ruleId === 'import/no-cycle').map(() => path.basename(file.filePath)),
    );
    expect(cycles.sort()).toEqual(['first.ts', 'second.ts']);
  }, 130_000);

  it('a service importing the Prisma client (not only its types) fails lint', () => {
    const messages = lintFixture('prisma-outside-repository').flatMap((file) => file.messages);
    const restricted = messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports');
    expect(restricted).toHaveLength(1);
    expect(restricted[0]!.message).toMatch(/only a feature's <feature>.repository.ts/);
  }, 130_000);
});
