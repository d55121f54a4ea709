// Runs one CPU-bound step of a run job in a child process of its own, so that onnxruntime's
// synchronous kernel calls and the JavaScript loops around them never hold the event loop that
// serves requests, heartbeats and cancellation checks. Aborting the job's signal kills the process
// at once (the work stops mid-kernel) and rejects with the signal's reason. A process, not a worker
// thread: terminating a worker thread inside an onnxruntime call aborts the whole API process
// ("terminate called after throwing an instance of 'Napi::Error'"), killing a child is always safe.
// Internal to apps/api.
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import path from 'node:path';
import type { ComputeProcessReply, ComputeProcessRequest } from './compute-process-protocol';
import type { ComputeTaskName, ComputeTasks } from './compute-tasks';

/**
 * The nice value of a compute process. Its kernels would otherwise take the cores at the same
 * priority as the process serving requests, whose event loop then waits for a time slice behind
 * them (at 200 connections the API's p99 grew to seconds). Below-normal priority costs the job
 * nothing on an idle machine and gives the request path the CPU when both want it. Set on the
 * child's main thread right after the fork, so every thread it creates later (onnxruntime's pool)
 * inherits it.
 */
export const COMPUTE_PROCESS_NICENESS = 10;

/** Compute processes started here that have not exited yet (for logs and tests). */
const live = new Set<ChildProcess>();

export function liveComputeProcesses(): number {
  return live.size;
}

/** Process ids of the live compute processes (for tests). */
export function liveComputeProcessIds(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}

/**
 * The entry file and how to start it. Sources run without a build step (@swc-node/register in the
 * API, swc inside jest); a .ts entry gets the swc-node register hook preloaded, a compiled .js
 * entry needs nothing.
 */
function entry(): { file: string; execArgv: string[] } {
  const file = path.join(__dirname, `compute-process.child${path.extname(__filename)}`);
  if (!file.endsWith('.ts')) return { file, execArgv: [] };
  return { file, execArgv: ['--require', require.resolve('@swc-node/register')] };
}

/** An error posted by the child, rebuilt with its name, code and details (so library codes stay public). */
function rebuilt(reply: Extract<ComputeProcessReply, { kind: 'error' }>): Error {
  const error = new Error(reply.message) as Error & { code?: string; details?: Record<string, unknown> };
  error.name = reply.name;
  if (reply.code !== undefined) error.code = reply.code;
  if (reply.details !== undefined) error.details = reply.details;
  return error;
}

export function runInComputeProcess<N extends ComputeTaskName>(
  task: N,
  input: ComputeTasks[N]['input'],
  signal: AbortSignal,
  /** Progress reports of the task, 0..1. */
  onProgress: (fraction: number) => void = () => undefined,
): Promise<ComputeTasks[N]['output']> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  const { file, execArgv } = entry();
  return new Promise((resolve, reject) => {
    const child = fork(file, [], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(child);
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, COMPUTE_PROCESS_NICENESS);
      } catch {
        // Lowering a priority is always allowed; a child that already exited fails in 'close'.
      }
    }
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      finish();
    };
    const onAbort = (): void => {
      settle(() => reject(signal.reason as Error));
      child.kill('SIGKILL');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('message', (reply: ComputeProcessReply) => {
      if (reply.kind === 'progress') {
        if (!settled) onProgress(reply.fraction);
        return;
      }
      settle(() =>
        reply.kind === 'done' ? resolve(reply.output as ComputeTasks[N]['output']) : reject(rebuilt(reply)),
      );
    });
    child.on('error', (error) => settle(() => reject(error)));
    // 'close', not 'exit': it comes after every message of the channel was delivered.
    child.on('close', (code, exitSignal) => {
      live.delete(child);
      settle(() =>
        reject(new Error(`the compute process of '${task}' exited (${exitSignal ?? `code ${code}`}) before answering`)),
      );
    });
    child.send({ task, input } satisfies ComputeProcessRequest);
  });
}
