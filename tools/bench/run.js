#!/usr/bin/env node
// `npm run bench -- <name> [flags]`: runs tools/bench/<name>.bench.ts, which prints one JSON
// object per line per figure: {"bench","metric","value","unit","params"}.
const fs = require('node:fs');
const path = require('node:path');

const [name, ...args] = process.argv.slice(2);
const available = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
if (name === undefined || name === '--help' || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [flags]\navailable: ${available.join(', ') || '(none)'}\n`);
  process.exit(name === undefined || name === '--help' ? 0 : 2);
}
process.env.SWC_NODE_PROJECT ??= path.resolve(__dirname, '..', '..', 'tsconfig.json');
require('@swc-node/register');
Promise.resolve(require(path.join(__dirname, `${name}.bench.ts`)).main(args)).catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
