// The code version recorded on every run: the package version plus the git commit when the
// service runs from a checkout (NEGMINE_CODE_VERSION overrides, e.g. for container images).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function gitCommit(): string | undefined {
  try {
    const head = readFileSync(path.join(ROOT, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head.slice(0, 12);
    const refFile = path.join(ROOT, '.git', head.slice(5));
    if (existsSync(refFile)) return readFileSync(refFile, 'utf8').trim().slice(0, 12);
    const packed = readFileSync(path.join(ROOT, '.git', 'packed-refs'), 'utf8');
    const line = packed.split('\n').find((l) => l.endsWith(` ${head.slice(5)}`));
    return line?.slice(0, 12);
  } catch {
    return undefined;
  }
}

let cached: string | undefined;

export function codeVersion(override?: string): string {
  if (override !== undefined && override !== '') return override;
  if (cached === undefined) {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const commit = gitCommit();
    cached = commit === undefined ? version : `${version}+${commit}`;
  }
  return cached;
}
