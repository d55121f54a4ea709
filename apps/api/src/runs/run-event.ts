// What can happen to a run, as stored in run_events.event (RunStore writes them; GraphQL registers
// its enum from this list in run.type.ts).
export const RUN_EVENT_KINDS = [
  'started',
  'attempt_failed',
  'handed_back',
  'resumed',
  'requeued',
  'stale_requeued',
  'failed',
  'cancelled',
  'succeeded',
] as const;

export type RunEventKind = (typeof RUN_EVENT_KINDS)[number];
