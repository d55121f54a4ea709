// The messages between a run job and its compute process: the one task to run, progress reports, and the one reply
// (the task's output, or its error as plain data: an Error's class does not survive the process
// boundary; name, code and details do). Sent with the 'advanced' serialization, so typed arrays
// cross as typed arrays. Internal.
import type { ComputeTaskName } from './compute-tasks';

export interface ComputeProcessRequest {
  readonly task: ComputeTaskName;
  readonly input: unknown;
}

export type ComputeProcessReply =
  | { readonly kind: 'progress'; readonly fraction: number }
  | { readonly kind: 'done'; readonly output: unknown }
  | {
      readonly kind: 'error';
      readonly name: string;
      readonly message: string;
      readonly code?: string;
      readonly details?: Record<string, unknown>;
    };
