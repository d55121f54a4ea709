// The worker side of a TaskThread: answers each task with its value (buffers that a value owns
// whole are transferred, not copied) or its error as data; on dispose, runs the cleanup and closes.
import { parentPort } from 'node:worker_threads';
import type { TaskReply, TaskRequest } from './task-thread-protocol';
import { toThreadError } from './thread-errors';

/** The buffer under `view` when the view spans all of it (transferable without a copy), else none. */
export function wholeBuffer(view: ArrayBufferView | undefined): ArrayBuffer[] {
  if (view === undefined || !(view.buffer instanceof ArrayBuffer)) return [];
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? [view.buffer] : [];
}

export interface TaskOutcome {
  readonly value: unknown;
  /** Buffers of `value` to transfer (each must be owned by the value alone). */
  readonly transfer?: ArrayBuffer[];
}

export function serveTasks<Task>(run: (task: Task) => Promise<TaskOutcome>, cleanup: () => Promise<void>): void {
  const port = parentPort!;
  port.on('message', (request: TaskRequest<Task>) => {
    if (request.kind === 'dispose') {
      void cleanup()
        .catch(() => undefined)
        .finally(() => port.close());
      return;
    }
    const fail = (error: unknown) =>
      port.postMessage({ kind: 'failed', id: request.id, error: toThreadError(error) } satisfies TaskReply);
    run(request.task).then(
      ({ value, transfer }) => {
        try {
          port.postMessage({ kind: 'done', id: request.id, value } satisfies TaskReply, transfer);
        } catch (error) {
          // A value that cannot be cloned (or a bad transfer list) fails its own task, not the thread.
          fail(error);
        }
      },
      (error: unknown) => {
        try {
          fail(error);
        } catch {
          // Details that cannot be cloned: the error without them.
          const { name, message, code } = toThreadError(error);
          fail(Object.assign(new Error(message), { name, ...(code === undefined ? {} : { code }) }));
        }
      },
    );
  });
}
