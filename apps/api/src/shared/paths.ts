// Resolves a user-given path and checks it lies under one of the configured roots, so the API
// never reads arbitrary files of the machine it runs on.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ApiError, ApiErrorCode, badInput } from '../errors';

/** The real absolute path of `given` if it exists inside a root (symlinks resolved); otherwise a typed error. */
export function pathUnderRoots(given: string, roots: readonly string[], what: string, variable: string): string {
  if (!path.isAbsolute(given))
    throw badInput(`${what} '${given}' must be an absolute path under one of: ${roots.join(', ')}`);
  // A missing path is placed by its deepest existing ancestor (symlinks resolved), so a path outside
  // the roots gets the same FORBIDDEN answer whether it exists or not (no existence probe).
  const real = realOrPlaced(path.resolve(given));
  const inside = roots.some((root) => {
    let realRoot: string;
    try {
      realRoot = realpathSync(root);
    } catch {
      return false;
    }
    const relative = path.relative(realRoot, real.path);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  });
  if (!inside) {
    throw new ApiError(
      ApiErrorCode.Forbidden,
      `${what} '${given}' is outside the allowed roots (${roots.join(', ')}); the server's ${variable} lists them`,
      {
        roots: [...roots],
      },
    );
  }
  if (!real.exists) throw badInput(`${what} '${given}' does not exist`);
  return real.path;
}

function realOrPlaced(absolute: string): { path: string; exists: boolean } {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return { path: path.join(realpathSync(current), ...missing.reverse()), exists: missing.length === 0 };
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return { path: absolute, exists: false };
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
