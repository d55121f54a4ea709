// A compute process runs below the API's priority (its threads inherit the nice value), so its
// kernels give way to the event loop that serves requests; aborting kills it.
import { readFileSync } from 'node:fs';
import {
  COMPUTE_PROCESS_NICENESS,
  liveComputeProcessIds,
  liveComputeProcesses,
  runInComputeProcess,
} from './compute-process';

/** The nice value of a Linux process (field 19 of /proc/<pid>/stat; the name field may hold spaces). */
function niceness(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

const onLinux = process.platform === 'linux' ? it : it.skip;

describe('compute process', () => {
  onLinux('runs at the compute niceness, above the API process’s own', async () => {
    expect(COMPUTE_PROCESS_NICENESS).toBeGreaterThan(niceness(process.pid));
    const controller = new AbortController();
    const before = new Set(liveComputeProcessIds());
    const done = runInComputeProcess('evaluate', {} as never, controller.signal);
    const [pid] = liveComputeProcessIds().filter((id) => !before.has(id));
    expect(pid).toBeDefined();
    // Set right after the fork, before the child has loaded anything.
    expect(niceness(pid!)).toBe(COMPUTE_PROCESS_NICENESS);
    controller.abort(new Error('test over'));
    await expect(done).rejects.toThrow('test over');
    for (let i = 0; i < 100 && liveComputeProcesses() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(liveComputeProcesses()).toBe(0);
  });
});
