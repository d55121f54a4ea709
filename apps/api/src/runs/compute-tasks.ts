// The CPU-bound steps of run jobs that run on a compute process (compute-process.ts), by name, with
// their inputs and outputs: negative selection and the evaluation protocol of @negmine/mining.
// Inputs and outputs are plain data (typed arrays and objects), so they cross the process boundary
// by structured clone. Internal to apps/api; imported by the compute process's entry file.
import {
  evaluateMethod,
  runSweep,
  selectionStrategy,
  type EvaluateMethodRequest,
  type KernelOptions,
  type MethodEvaluation,
  type SelectionInput,
  type SelectionResult,
  type SweepRequest,
  type SweepResult,
} from '@negmine/mining';

export interface ComputeTasks {
  /** One selection strategy over the candidate and ID-label embeddings. */
  readonly select: {
    readonly input: {
      /** A selection method id (unknown ones are refused by the registry). */
      readonly method: string;
      readonly input: SelectionInput;
      readonly params: Record<string, unknown>;
      readonly kernel: KernelOptions;
    };
    readonly output: SelectionResult;
  };
  /** The one evaluation protocol (score every set, metrics, mean). */
  readonly evaluate: { readonly input: EvaluateMethodRequest; readonly output: MethodEvaluation };
  /** A sweep: every grid point's whole evaluation (in grid order) and the sweep's result. */
  readonly sweep: {
    readonly input: SweepRequest;
    readonly output: { readonly result: SweepResult; readonly evaluations: readonly MethodEvaluation[] };
  };
}

/** Reports a task's progress, 0..1, to the job (which maps it onto the run's progress). */
export type ReportProgress = (fraction: number) => void;

export type ComputeTaskName = keyof ComputeTasks;

export const COMPUTE_TASKS: {
  readonly [N in ComputeTaskName]: (
    input: ComputeTasks[N]['input'],
    report: ReportProgress,
  ) => Promise<ComputeTasks[N]['output']>;
} = {
  select: ({ method, input, params, kernel }) => selectionStrategy(method).select(input, params, kernel),
  evaluate: (request) => evaluateMethod(request),
  sweep: async (request, report) => {
    const evaluations: MethodEvaluation[] = [];
    const testStep = request.test === undefined ? 0 : 1;
    const result = await runSweep(request, (_child, index, total, evaluation) => {
      evaluations.push(evaluation);
      report((index + 1) / (total + testStep));
    });
    return { result, evaluations };
  },
};
