#!/usr/bin/env node
// Runs a TypeScript script of apps/api (e.g. create-migration.ts) with the same swc registration as the service.
const path = require('node:path');
const { registerTypeScript } = require('./run');
const { generatePrismaClient } = require('./generate-prisma');

const [script, ...args] = process.argv.slice(2);
if (script === undefined) throw new Error('usage: run-script.js <file.ts> [args...]');
generatePrismaClient();
registerTypeScript();
process.argv = [process.argv[0], path.resolve(script), ...args];
require(path.resolve(script));
