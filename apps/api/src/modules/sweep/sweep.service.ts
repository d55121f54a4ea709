// Validated sweeps: launch (every grid point resolved and validated as an evaluation before
// anything is stored; idempotent per key), read one, page through them. The `sweep` job does the work.
import { resolveSweepGrid, scoringMethod, type ParameterValue, type SweepGrid } from '@negmine/mining';
import type { ApiConfig } from '../../config';
import type { Prisma } from '../../db/prisma.service';
import { badInput, conflict, notFound } from '../../errors';
import type { RunService } from '../../runs/run.service';
import { canonicalJson } from '../../shared/canonical-json';
import { codeVersion } from '../../shared/code-version';
import { checkPageSize, decodeCursor, encodeCursor, toPage, type Page } from '../../shared/pagination';
import type { EvaluationRepository, EvaluationService } from '../evaluation';
import type { LaunchEvaluationInput } from '../evaluation/evaluation.input';
import type { EvaluationRun } from '../evaluation/evaluation.type';
import type { LaunchSweepInput, SweepObjective, SweepsArgs } from './sweep.input';
import type { SweepRepository, SweepRow } from './sweep.repository';
import type { Sweep, SweepChild } from './sweep.type';

/** The launch data of one child evaluation, as stored in the sweep (JSON). */
export type ChildRequest = Omit<Prisma.EvaluationRunUncheckedCreateInput, 'params'> & {
  readonly params: Record<string, ParameterValue>;
};

/** JSON as stored (undefined fields dropped). */
function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** What an idempotency key stands for: the resolved request, whatever code version recorded it. */
function requestSignature(row: Pick<SweepRow, RequestColumn>): string {
  const children = row.childRequests as unknown as ChildRequest[];
  return canonicalJson({
    labelSetId: row.labelSetId,
    modelId: row.modelId,
    miningRunId: row.miningRunId ?? null,
    method: row.method,
    objective: row.objective,
    grid: row.grid,
    baseParams: row.baseParams,
    validation: [row.validationIdImageSetId, row.validationOodImageSetIds],
    test: [row.testIdImageSetId ?? null, row.testOodImageSetIds ?? []],
    points: children.map((child) => [child.params, child.streamSeed ?? null, child.seed]),
  });
}

type RequestColumn =
  | 'labelSetId'
  | 'modelId'
  | 'miningRunId'
  | 'method'
  | 'objective'
  | 'grid'
  | 'baseParams'
  | 'validationIdImageSetId'
  | 'validationOodImageSetIds'
  | 'testIdImageSetId'
  | 'testOodImageSetIds'
  | 'childRequests';

/** A JSON object of parameter values (numbers or strings), or a typed error naming the field. */
function parameterObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw badInput(`${field} must be an object of parameter names to values`, { field });
  return value as Record<string, unknown>;
}

function checkGrid(value: unknown): SweepGrid | undefined {
  if (value === undefined || value === null) return undefined;
  const grid = parameterObject(value, 'grid');
  for (const [name, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.some((item) => typeof item !== 'number' && typeof item !== 'string'))
      throw badInput(`grid.${name} must be a list of numbers or strings (the values to try)`, { parameter: name });
  }
  return grid as SweepGrid;
}

export class SweepService {
  constructor(
    private readonly repository: SweepRepository,
    private readonly evaluations: EvaluationService,
    private readonly evaluationRuns: EvaluationRepository,
    private readonly runs: RunService,
    private readonly config: Pick<ApiConfig, 'maxPageSize' | 'shardSize'>,
  ) {}

  async launch(input: LaunchSweepInput): Promise<Sweep> {
    const existing =
      input.idempotencyKey === undefined ? null : await this.repository.byIdempotencyKey(input.idempotencyKey);
    const data = await this.resolve(input);
    if (existing !== null) return this.view(this.sameRequestOrConflict(existing, data), []);
    const created = await this.repository.createUnlessKeyTaken(data);
    if ('winner' in created) return this.get(this.sameRequestOrConflict(created.winner, data).id);
    await this.runs.enqueue('sweep', created.sweep.id);
    return this.view(created.sweep, []);
  }

  private sameRequestOrConflict(existing: SweepRow, requested: Prisma.SweepUncheckedCreateInput): SweepRow {
    if (requestSignature(existing) !== requestSignature(requested as unknown as SweepRow)) {
      throw conflict(
        `idempotency key '${existing.idempotencyKey ?? ''}' was already used for a different sweep (sweep ${existing.id}); use a new key`,
        { sweepId: existing.id },
      );
    }
    return existing;
  }

  /** Every child resolved and validated as launchEvaluation would (nothing is stored on a bad input). */
  private async resolve(input: LaunchSweepInput): Promise<Prisma.SweepUncheckedCreateInput> {
    const method = scoringMethod(input.method);
    const { grid, points } = resolveSweepGrid(method.id, checkGrid(input.grid));
    const given = parameterObject(input.baseParams, 'baseParams');
    const validationIds = [input.validation.idImageSetId, ...input.validation.oodImageSetIds];
    const testIds = input.test === undefined ? [] : [input.test.idImageSetId, ...input.test.oodImageSetIds];
    const shared = testIds.filter((id) => validationIds.includes(id));
    if (shared.length > 0) {
      throw badInput(
        `image set(s) ${shared.join(', ')} are both validation and test sets; the choice must not see the test data, so give disjoint sets`,
        { imageSetIds: shared },
      );
    }
    const common: Omit<LaunchEvaluationInput, 'idImageSetId' | 'oodImageSetIds'> = {
      miningRunId: input.miningRunId,
      labelSetId: input.labelSetId,
      modelId: input.modelId,
      method: input.method,
      preset: input.preset,
      seed: input.seed,
      streamSeed: input.streamSeed,
      batchSize: input.batchSize,
    };
    const children: ChildRequest[] = [];
    for (const point of points) {
      const child = await this.evaluations.resolveLaunch({
        ...common,
        params: { ...given, ...point },
        idImageSetId: input.validation.idImageSetId,
        oodImageSetIds: input.validation.oodImageSetIds,
      });
      children.push(asJson(child) as ChildRequest);
    }
    const first = children[0]!;
    const testRequest =
      input.test === undefined
        ? null
        : asJson(
            await this.evaluations.resolveLaunch({
              ...common,
              params: { ...given, ...points[0] },
              idImageSetId: input.test.idImageSetId,
              oodImageSetIds: input.test.oodImageSetIds,
            }),
          );
    // The parameters under every point, resolved (defaults, preset, the fixed ones given): what the job scores with.
    const baseParams = Object.fromEntries(Object.entries(first.params).filter(([name]) => !(name in grid)));
    return {
      idempotencyKey: input.idempotencyKey,
      labelSetId: first.labelSetId,
      modelId: first.modelId,
      miningRunId: first.miningRunId ?? null,
      method: input.method,
      objective: input.objective,
      grid: grid as Prisma.InputJsonValue,
      baseParams: baseParams as Prisma.InputJsonValue,
      childRequests: children as unknown as Prisma.InputJsonValue,
      testRequest: testRequest === null ? undefined : (testRequest as unknown as Prisma.InputJsonValue),
      validationIdImageSetId: input.validation.idImageSetId,
      validationOodImageSetIds: input.validation.oodImageSetIds,
      testIdImageSetId: input.test?.idImageSetId ?? null,
      testOodImageSetIds: input.test?.oodImageSetIds ?? [],
      modelHash: first.modelHash,
      shardSize: this.config.shardSize,
      codeVersion: codeVersion(),
    };
  }

  async get(id: string): Promise<Sweep> {
    const row = await this.repository.find(id);
    if (row === null) throw notFound('sweep', id);
    return this.view(row, await this.evaluationRuns.sweepChildren([id]));
  }

  async list(args: SweepsArgs, options: { totalCount: boolean }): Promise<Page<Sweep>> {
    checkPageSize(args.first, this.config.maxPageSize);
    let after: { createdAt: Date; id: string } | undefined;
    if (args.after != null) {
      const [createdAt, id] = decodeCursor(args.after, 2);
      after = { createdAt: new Date(createdAt as string), id: id as string };
    }
    const { rows, totalCount } = await this.repository.page(args.first + 1, after, options.totalCount);
    const children = await this.evaluationRuns.sweepChildren(rows.slice(0, args.first).map((row) => row.id));
    const sweeps = rows.map((row) =>
      this.view(
        row,
        children.filter((child) => child.sweepId === row.id),
      ),
    );
    return toPage(sweeps, args.first, (sweep) => encodeCursor([sweep.createdAt.toISOString(), sweep.id]), totalCount);
  }

  private view(row: SweepRow, runs: readonly EvaluationRun[]): Sweep {
    const objective: SweepObjective = row.objective;
    const children: SweepChild[] = runs
      .filter((run) => run.sweepRole === 'validation')
      .map((run) => ({
        index: run.sweepIndex ?? 0,
        params: run.params,
        objectiveValue: (run.meanMetrics as Record<string, number> | null)?.[objective] ?? Number.NaN,
        evaluationRunId: run.id,
      }))
      .sort((a, b) => a.index - b.index);
    return {
      ...row,
      points: (row.childRequests as unknown[]).length,
      validation: { idImageSetId: row.validationIdImageSetId, oodImageSetIds: row.validationOodImageSetIds },
      test:
        row.testIdImageSetId === null
          ? null
          : { idImageSetId: row.testIdImageSetId, oodImageSetIds: row.testOodImageSetIds },
      children,
      testRunId: runs.find((run) => run.sweepRole === 'test')?.id ?? null,
    };
  }
}
