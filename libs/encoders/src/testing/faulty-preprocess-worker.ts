// A preprocessing worker entry for tests: the real handler, except that a file whose name holds
// `slow-<ms>` waits that long first (to reorder completions) and one holding `crash` ends the worker
// thread abruptly, as a native crash or an out-of-memory abort would.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultPreprocessHandler, servePreprocessRequests } from '../lib/preprocess-worker-protocol';

servePreprocessRequests(async (file, target, decode, allocate) => {
  const name = path.basename(file);
  const delay = /slow-(\d+)/.exec(name);
  if (delay !== null) await sleep(Number(delay[1]));
  if (name.includes('crash')) process.exit(7);
  return defaultPreprocessHandler(file, target, decode, allocate);
});
