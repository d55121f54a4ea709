// How a worker thread of the API starts. The API runs from TypeScript sources (scripts/run.js, swc
// in jest), but a worker starts as a bare Node isolate: a .ts entry gets @swc-node/register
// preloaded with the repository's tsconfig (for the @negmine/* paths); a compiled .js entry needs
// nothing.
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** The entry file `<dir>/<name>.ts|.js` (sources or build, like this file), and the execArgv and env to start it with. */
export function threadEntry(dir: string, name: string): { file: string; execArgv: string[]; env: NodeJS.ProcessEnv } {
  const file = path.join(dir, `${name}${path.extname(__filename)}`);
  if (!file.endsWith('.ts')) return { file, execArgv: [...process.execArgv], env: process.env };
  return {
    file,
    execArgv: [...process.execArgv, '--require', require.resolve('@swc-node/register')],
    env: { ...process.env, SWC_NODE_PROJECT: process.env['SWC_NODE_PROJECT'] ?? path.join(REPO_ROOT, 'tsconfig.json') },
  };
}
