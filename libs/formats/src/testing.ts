// Test helpers shared by every project's specs (not part of the public runtime API):
// locating the shared conformance fixtures and reading .npy/JSON files from them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNpy, type NpyArray } from './lib/npy';

/** The repository root: the nearest folder above this file whose package.json declares workspaces. */
export function repositoryRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found above ' + __dirname);
    dir = parent;
  }
}

/**
 * The folder `../shared/fixtures/<name>` beside the repository, or undefined when it is absent.
 * Conformance suites use `describeWithSharedFixtures`, which fails (never skips) under CI=true.
 */
export function sharedFixturePath(name: string): string | undefined {
  const dir = path.resolve(repositoryRoot(), '..', 'shared', 'fixtures', name);
  return existsSync(dir) ? dir : undefined;
}

/**
 * `describe` for suites that need `../shared/fixtures/<name>`: runs when the folder exists; when it
 * is missing the suite is skipped locally but FAILS when CI=true, because CI always has it.
 */
export function describeWithSharedFixtures(name: string, title: string, body: (dir: string) => void): void {
  const dir = sharedFixturePath(name);
  if (dir !== undefined) {
    describe(title, () => body(dir));
    return;
  }
  if (process.env['CI'] === 'true') {
    describe(title, () => {
      it(`needs ../shared/fixtures/${name}`, () => {
        throw new Error(`../shared/fixtures/${name} is missing, and CI=true requires the conformance fixtures`);
      });
    });
    return;
  }
  describe.skip(`${title} (../shared/fixtures/${name} not present)`, () => {
    it('skipped', () => undefined);
  });
}

export function readNpy(file: string): NpyArray {
  const bytes = readFileSync(file);
  return parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
