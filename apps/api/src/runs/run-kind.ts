// The kinds of run the service executes, as a domain type (workers and stores use it; GraphQL
// registers its own enum from this list in run.type.ts).
export const RUN_KINDS = ['mining', 'evaluation', 'sweep'] as const;

export type RunKind = (typeof RUN_KINDS)[number];

/** The queue job that executes a run of each kind. */
export const RUN_JOB_OF_KIND = { mining: 'mine', evaluation: 'evaluate', sweep: 'sweep' } as const satisfies Record<
  RunKind,
  string
>;
