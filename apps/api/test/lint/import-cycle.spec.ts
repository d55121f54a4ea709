// The import-cycle rule is live: ESLint, run as `npm test` runs it, rejects the deliberate cycle
// in test/lint-fixtures/import-cycle (ignored by the normal lint run for exactly that reason).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repositoryRoot } from '@negmine/formats/testing';

interface LintResult {
  readonly filePath: string;
  readonly messages: readonly { ruleId: string | null; message: string }[];
}

describe('import/no-cycle', () => {
  it('fails lint on a deliberate cycle between two API files', () => {
    const root = repositoryRoot();
    const fixture = path.join(root, 'apps', 'api', 'test', 'lint-fixtures', 'import-cycle');
    let results: LintResult[];
    // The report goes to a file: Nx's module-boundary rule may print warnings on stdout.
    const out = mkdtempSync(path.join(tmpdir(), 'negmine-lint-'));
    const report = path.join(out, 'report.json');
    try {
      const eslint = path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
      const result = spawnSync(process.execPath, [eslint, '--no-ignore', '--format', 'json', '--output-file', report, fixture], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      expect(result.status).toBe(1);
      results = JSON.parse(readFileSync(report, 'utf8')) as LintResult[];
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const cycles = results.flatMap((file) => file.messages.filter((m) => m.ruleId === 'import/no-cycle').map(() => path.basename(file.filePath)));
    expect(cycles.sort()).toEqual(['first.ts', 'second.ts']);
  }, 130_000);
});
