// Messages between a TaskThread (the owner's side) and its worker (serveTasks): tasks by id, each
// answered once with its value or its error as data.
import type { ThreadError } from './thread-errors';

export type TaskRequest<Task> =
  { readonly kind: 'task'; readonly id: number; readonly task: Task } | { readonly kind: 'dispose' };

export type TaskReply =
  | { readonly kind: 'done'; readonly id: number; readonly value: unknown }
  | { readonly kind: 'failed'; readonly id: number; readonly error: ThreadError };
