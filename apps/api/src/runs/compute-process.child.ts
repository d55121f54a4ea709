// Entry file of a compute process (started by compute-process.ts): runs the one task it is sent,
// reports its progress, posts the output or the error with its name, code and details, and exits. If the job's process
// goes away (killed), the channel closes and this process exits too, between kernel calls. Internal.
import { COMPUTE_TASKS } from './compute-tasks';
import type { ComputeProcessReply, ComputeProcessRequest } from './compute-process-protocol';

function reply(message: ComputeProcessReply): void {
  process.send!(message, undefined, {}, () => process.disconnect());
}

process.on('disconnect', () => process.exit(0));
process.once('message', (request: ComputeProcessRequest) => {
  const report = (fraction: number): void =>
    void process.send!({ kind: 'progress', fraction } satisfies ComputeProcessReply);
  COMPUTE_TASKS[request.task](request.input as never, report).then(
    (output) => reply({ kind: 'done', output }),
    (error: unknown) => {
      const { name, message, code, details } = error as Partial<Record<'name' | 'message' | 'code', unknown>> & {
        details?: unknown;
      };
      reply({
        kind: 'error',
        name: typeof name === 'string' ? name : 'Error',
        message: typeof message === 'string' ? message : String(error),
        ...(typeof code === 'string' ? { code } : {}),
        ...(details !== null && typeof details === 'object' ? { details: details as Record<string, unknown> } : {}),
      });
    },
  );
});
