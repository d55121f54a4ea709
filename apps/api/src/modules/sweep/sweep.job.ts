// The `sweep` job body, run by the RunJob shell: prepare plans the image shards of every set
// (validation and test) the cache lacks; compute gathers the embeddings once per half and hands
// them to @negmine/mining's runSweep (every grid point on the validation sets, the choice by the
// objective, the chosen point on the test sets), then the commit writes every child as a finished
// evaluation run — results, curves and scores — with the sweep's choice, in one transaction.
import { randomUUID } from 'node:crypto';
import type { SweepSets as LibrarySweepSets } from '@negmine/mining';
import type { Prisma } from '../../db/prisma.service';
import { runInComputeProcess } from '../../runs/compute-process';
import type { RunJobBody, RunJobContext, RunOutcome, ShardRequest } from '../../runs/run-job';
import { RunStatus, RunStep, SweepRole } from '../../generated/prisma/enums.js';
import {
  evaluationRecord,
  scoringParams,
  type EvaluationInputs,
  type EvaluationRecord,
  type EvaluationRepository,
  type EvaluationSource,
  type GatheredInputs,
} from '../evaluation';
import type { ChildRequest } from './sweep.service';
import type { SweepForJob, SweepRepository } from './sweep.repository';

/** A child evaluation computed by the job, written at commit. */
interface ComputedChild {
  readonly id: string;
  readonly request: ChildRequest;
  readonly record: EvaluationRecord;
}

function canonicalParams(params: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((key) => [key, params[key]]),
  );
}

export class SweepJob implements RunJobBody {
  readonly kind = 'sweep' as const;

  constructor(
    private readonly sweeps: SweepRepository,
    private readonly evaluationRuns: EvaluationRepository,
    private readonly inputs: EvaluationInputs,
    private readonly options: { threads: number },
  ) {}

  async prepare(context: RunJobContext): Promise<ShardRequest[]> {
    const sweep = await this.sweeps.forJob(context.runId);
    return this.inputs.imageShards(sweep, [
      sweep.validationIdImageSetId,
      ...sweep.validationOodImageSetIds,
      ...(sweep.testIdImageSetId === null ? [] : [sweep.testIdImageSetId, ...sweep.testOodImageSetIds]),
    ]);
  }

  async compute(context: RunJobContext): Promise<RunOutcome> {
    const startedAt = new Date();
    const sweep = await this.sweeps.forJob(context.runId);
    const requests = sweep.childRequests as unknown as ChildRequest[];
    const testRequest = sweep.testRequest as unknown as ChildRequest | null;
    const first = requests[0]!;
    const validation = await this.inputs.gather(
      source(sweep, sweep.validationIdImageSetId, sweep.validationOodImageSetIds),
    );
    const test =
      sweep.testIdImageSetId === null
        ? undefined
        : await this.inputs.gather(source(sweep, sweep.testIdImageSetId, sweep.testOodImageSetIds));
    await context.progress(0.1);
    context.throwIfStopped();
    const streamSeed = first.streamSeed ?? first.seed ?? 0;
    const sets = (gathered: GatheredInputs): LibrarySweepSets => ({
      options: { threads: this.options.threads },
      idText: gathered.idText,
      negText: gathered.negText,
      idImages: gathered.idImages,
      oodSets: gathered.oodSets,
      stream: { seed: streamSeed, orders: {} },
      inputs: gathered.extra?.inputs,
    });
    const grid = sweep.grid as Record<string, readonly (number | string)[]>;
    // Every grid point in one compute process: no event loop is held, and a cancellation (or a
    // shutdown's hand-back) kills it mid-point.
    let reported = Promise.resolve();
    const { result, evaluations } = await runInComputeProcess(
      'sweep',
      {
        method: sweep.method,
        grid,
        baseParams: scoringParams(sweep.baseParams),
        objective: sweep.objective,
        validation: sets(validation),
        test: test === undefined ? undefined : sets(test),
        maxPoints: requests.length,
      },
      context.signal,
      (fraction) => {
        reported = reported.then(() => context.progress(0.1 + 0.85 * fraction)).catch(() => undefined);
      },
    );
    await reported;
    context.throwIfStopped();
    const children: ComputedChild[] = evaluations.map((evaluation, index) => {
      const request = requests[index]!;
      // The launch resolved every point as launchEvaluation would; the job must score exactly those.
      if (canonicalParams(evaluation.params) !== canonicalParams(scoringParams(request.params))) {
        throw new Error(
          `sweep ${sweep.id}: grid point ${index} resolved to ${JSON.stringify(evaluation.params)}, but was launched as ${JSON.stringify(request.params)}`,
        );
      }
      const id = randomUUID();
      return { id, request, record: evaluationRecord(id, request.idImageSetId, evaluation, validation) };
    });
    const best = requests[result.bestIndex]!;
    const tested =
      result.test === undefined || testRequest === null || test === undefined
        ? undefined
        : (() => {
            const id = randomUUID();
            const request: ChildRequest = { ...testRequest, params: best.params };
            return { id, request, record: evaluationRecord(id, request.idImageSetId, result.test, test) };
          })();
    return {
      runFields: { bestIndex: result.bestIndex, bestParams: best.params },
      write: async (tx) => {
        const finishedAt = new Date();
        const write = (child: ComputedChild, role: SweepRole, index: number) =>
          this.evaluationRuns.createFinished(
            tx,
            {
              ...child.request,
              ...child.record.runFields,
              id: child.id,
              idempotencyKey: null,
              params: child.request.params,
              warnings: child.record.runFields.warnings as Prisma.InputJsonValue,
              diagnostics: child.record.runFields.diagnostics as Prisma.InputJsonValue,
              meanMetrics: child.record.runFields.meanMetrics as unknown as Prisma.InputJsonValue,
              streamOrders: (child.record.runFields.streamOrders ??
                child.request.streamOrders ??
                []) as Prisma.InputJsonValue,
              status: RunStatus.succeeded,
              step: RunStep.compute,
              progress: 1,
              attempts: 1,
              startedAt,
              finishedAt,
              sweepId: sweep.id,
              sweepRole: role,
              sweepIndex: index,
            },
            child.record.results,
            child.record.scores,
          );
        for (const [index, child] of children.entries()) await write(child, SweepRole.validation, index);
        if (tested !== undefined) await write(tested, SweepRole.test, result.bestIndex);
      },
    };
  }
}

/** The sweep seen as one evaluation source: its model, labels and negatives, with one half's image sets. */
function source(sweep: SweepForJob, idImageSetId: string, oodImageSetIds: string[]): EvaluationSource {
  return {
    method: sweep.method,
    model: sweep.model,
    modelId: sweep.modelId,
    modelHash: sweep.modelHash,
    labelSet: sweep.labelSet,
    miningRun: sweep.miningRun,
    miningRunId: sweep.miningRunId,
    idImageSetId,
    oodImageSetIds,
    shardSize: sweep.shardSize,
    givenOrderData: null,
    streamOrders: [],
  };
}
