// Validated hyperparameter sweeps (public): every point of a grid is evaluated on VALIDATION sets,
// the best point by the objective is chosen, and (optionally) that point alone is evaluated on the
// test sets, so the test data never influence the choice (OpenOOD's automatic parameter search).
// The CLI's `negmine sweep` and the API's sweep job both call runSweep.
import { MiningError, MiningErrorCode } from '../errors';
import type { ParameterOverrides, ParameterValue } from '../scoring/parameter-schema';
import { scoringMethod } from '../scoring/registry';
import { evaluateMethod, type EvaluateMethodRequest, type MeanMetrics, type MethodEvaluation } from './evaluate-method';

export const SWEEP_OBJECTIVES = ['auroc', 'fprAtTprId', 'fprAtTprOod'] as const;
export type SweepObjective = (typeof SWEEP_OBJECTIVES)[number];
/** Grids larger than this are refused (GRID_TOO_LARGE) unless the caller raises maxPoints. */
export const DEFAULT_SWEEP_MAX_POINTS = 256;

export type SweepGrid = Readonly<Record<string, readonly ParameterValue[]>>;

/** Everything evaluateMethod needs except the method and its parameters. */
export type SweepSets = Omit<EvaluateMethodRequest, 'method' | 'params'>;

export interface SweepRequest {
  readonly method: string;
  /** Values per parameter; default: every declared sweep list that tries more than the default. */
  readonly grid?: SweepGrid;
  /** Fixed parameters under every point (a grid value overrides them). */
  readonly baseParams?: ParameterOverrides;
  readonly objective: SweepObjective;
  readonly validation: SweepSets;
  readonly test?: SweepSets;
  readonly maxPoints?: number;
}

export interface SweepChild {
  readonly params: Readonly<Record<string, ParameterValue>>;
  /** The objective's value: the mean over the validation OOD sets. */
  readonly objectiveValue: number;
  readonly mean: MeanMetrics;
}

export interface SweepResult {
  readonly method: string;
  readonly objective: SweepObjective;
  readonly grid: SweepGrid;
  readonly children: readonly SweepChild[];
  /** Index into children of the chosen point (the first best in grid order on ties). */
  readonly bestIndex: number;
  readonly bestParams: Readonly<Record<string, ParameterValue>>;
  readonly test?: MethodEvaluation;
}

/** Higher AUROC is better; lower FPR is better. */
export function objectiveImproves(objective: SweepObjective, candidate: number, best: number): boolean {
  return objective === 'auroc' ? candidate > best : candidate < best;
}

/** The grid of a sweep: the given one checked, or the method's declared sweep lists. */
export function resolveSweepGrid(
  methodId: string,
  grid: SweepGrid | undefined,
  maxPoints = DEFAULT_SWEEP_MAX_POINTS,
): { grid: SweepGrid; points: ParameterOverrides[] } {
  const method = scoringMethod(methodId);
  const resolved: Record<string, readonly ParameterValue[]> = {};
  if (grid === undefined) {
    for (const [name, spec] of Object.entries(method.parameters)) {
      const values = spec.sweep as readonly ParameterValue[];
      if (values.length > 1 || (values.length === 1 && values[0] !== spec.default)) resolved[name] = values;
    }
  } else {
    for (const [name, values] of Object.entries(grid)) {
      if (!(name in method.parameters)) {
        throw new MiningError(
          MiningErrorCode.InvalidParameter,
          `${method.id} has no parameter '${name}'; accepted: ${Object.keys(method.parameters).join(', ')}`,
          { parameter: name },
        );
      }
      if (values.length === 0)
        throw new MiningError(MiningErrorCode.InvalidParameter, `the grid of '${name}' is empty`, { parameter: name });
      resolved[name] = values;
    }
  }
  const count = Object.values(resolved).reduce((n, values) => n * values.length, 1);
  if (!Number.isInteger(maxPoints) || maxPoints < 1)
    throw new MiningError(MiningErrorCode.InvalidParameter, `maxPoints must be a positive integer; got ${maxPoints}`, {
      parameter: 'maxPoints',
    });
  if (count > maxPoints) {
    throw new MiningError(
      MiningErrorCode.GridTooLarge,
      `the grid has ${count} points, more than the cap of ${maxPoints}; give fewer values or raise the cap`,
      {
        points: count,
        maxPoints,
        grid: resolved,
      },
    );
  }
  let points: Array<Record<string, ParameterValue>> = [{}];
  for (const [name, values] of Object.entries(resolved))
    points = points.flatMap((point) => values.map((value) => ({ ...point, [name]: value })));
  // Every point is validated before any evaluation starts.
  for (const point of points) method.resolveParams(point);
  return { grid: resolved, points };
}

/** Evaluates every grid point on the validation sets, picks the best, then evaluates it on the test sets. */
export async function runSweep(
  request: SweepRequest,
  /** Called after each point (awaited): its summary and its whole evaluation, for callers that store the children. */
  onChild?: (child: SweepChild, index: number, total: number, evaluation: MethodEvaluation) => void | Promise<void>,
): Promise<SweepResult> {
  if (!(SWEEP_OBJECTIVES as readonly string[]).includes(request.objective)) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `objective must be one of ${SWEEP_OBJECTIVES.join(', ')}; got ${String(request.objective)}`,
      { parameter: 'objective' },
    );
  }
  const method = scoringMethod(request.method);
  const { grid, points } = resolveSweepGrid(method.id, request.grid, request.maxPoints);
  for (const point of points) method.resolveParams({ ...request.baseParams, ...point });
  const children: SweepChild[] = [];
  let bestIndex = 0;
  for (const [index, point] of points.entries()) {
    const evaluation = await evaluateMethod({
      ...request.validation,
      method: method.id,
      params: { ...request.baseParams, ...point },
    });
    const child: SweepChild = {
      params: evaluation.params,
      objectiveValue: evaluation.mean[request.objective],
      mean: evaluation.mean,
    };
    children.push(child);
    if (index > 0 && objectiveImproves(request.objective, child.objectiveValue, children[bestIndex]!.objectiveValue))
      bestIndex = index;
    await onChild?.(child, index, points.length, evaluation);
  }
  const bestParams = children[bestIndex]!.params;
  const test =
    request.test === undefined
      ? undefined
      : await evaluateMethod({ ...request.test, method: method.id, params: bestParams });
  return { method: method.id, objective: request.objective, grid, children, bestIndex, bestParams, test };
}
