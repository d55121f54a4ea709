// The code version a CLI export records: the repository's package version plus its git commit when
// run from a checkout (plain or worktree); --code-version overrides it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function gitDir(root: string): string | undefined {
  const dotGit = path.join(root, '.git');
  if (!existsSync(dotGit)) return undefined;
  if (statSync(dotGit).isDirectory()) return dotGit;
  // A worktree: .git is a file "gitdir: <path>".
  const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  return match === null ? undefined : path.resolve(root, match[1]!.trim());
}

function gitCommit(root: string): string | undefined {
  try {
    const dir = gitDir(root);
    if (dir === undefined) return undefined;
    const head = readFileSync(path.join(dir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head.slice(0, 12);
    const ref = head.slice(5);
    // Refs live in the common folder of a worktree's repository.
    const commonFile = path.join(dir, 'commondir');
    const common = existsSync(commonFile) ? path.resolve(dir, readFileSync(commonFile, 'utf8').trim()) : dir;
    for (const base of [dir, common]) {
      const refFile = path.join(base, ref);
      if (existsSync(refFile)) return readFileSync(refFile, 'utf8').trim().slice(0, 12);
    }
    const packed = path.join(common, 'packed-refs');
    if (!existsSync(packed)) return undefined;
    return readFileSync(packed, 'utf8')
      .split('\n')
      .find((l) => l.endsWith(` ${ref}`))
      ?.slice(0, 12);
  } catch {
    return undefined;
  }
}

export function cliCodeVersion(override?: string): string {
  if (override !== undefined && override !== '') return override;
  // tools/cli/commands → the repository root.
  const root = path.resolve(__dirname, '..', '..', '..');
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const commit = gitCommit(root);
  return commit === undefined ? version : `${version}+${commit}`;
}
