// Evaluation runs: validate and record a run with every resolved parameter (idempotent per key),
// enqueue its `evaluate` job, list runs with filters and cursors, and compare runs.
import { debiasedPreset, scoringMethod } from '@negmine/mining';
import type { ApiConfig } from '../../config';
import type { Db, PrismaClient } from '../../db/prisma.service';
import { Prisma } from '../../db/prisma.service';
import { badInput, conflict, notFound } from '../../errors';
import type { JobQueue } from '../../jobs/queue';
import { codeVersion } from '../common/code-version';
import { backboneId, ImageSetKind, ModelKind, RunStatus } from '../common/enums';
import { checkPageSize, decodeCursor, encodeCursor, toPage, type Page } from '../common/pagination';
import { EvaluationRunOrder, type EvaluationRunsArgs, type LaunchEvaluationInput } from './evaluation.input';
import type { ComparisonCell, ComparisonRow, EvaluationRun, RunComparison } from './evaluation.type';

export const MAX_COMPARED_RUNS = 20;

export class EvaluationService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly queue: Pick<JobQueue, 'send'>,
    private readonly config: Pick<ApiConfig, 'maxPageSize' | 'shardSize'>,
  ) {}

  async launch(input: LaunchEvaluationInput): Promise<EvaluationRun> {
    if (input.idempotencyKey !== undefined) {
      const existing = await this.prisma.evaluationRun.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (existing !== null) return this.sameRequestOrConflict(existing, input);
    }
    const data = await this.resolveRun(input);
    let run: EvaluationRun;
    try {
      run = await this.prisma.evaluationRun.create({ data });
    } catch (error) {
      // Two launches with one key raced: the loser returns the winner's run.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002' && input.idempotencyKey !== undefined) {
        const existing = await this.prisma.evaluationRun.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
        if (existing !== null) return this.sameRequestOrConflict(existing, input);
      }
      throw error;
    }
    try {
      await this.queue.send('evaluate', { runId: run.id }, `evaluate:${run.id}`);
    } catch (error) {
      // A run whose job never reached the queue would stay queued forever.
      await this.prisma.evaluationRun.update({ where: { id: run.id }, data: { status: 'failed', errorCode: 'ENQUEUE_FAILED', error: String(error), finishedAt: new Date() } });
      throw error;
    }
    return run;
  }

  private sameRequestOrConflict(existing: EvaluationRun, input: LaunchEvaluationInput): EvaluationRun {
    const same =
      existing.method === input.method &&
      existing.idImageSetId === input.idImageSetId &&
      (input.miningRunId === undefined || existing.miningRunId === input.miningRunId) &&
      JSON.stringify([...existing.oodImageSetIds].sort()) === JSON.stringify([...input.oodImageSetIds].sort());
    if (!same) {
      throw conflict(`idempotency key '${input.idempotencyKey ?? ''}' was already used for a different evaluation (run ${existing.id}); use a new key`, {
        evaluationRunId: existing.id,
      });
    }
    return existing;
  }

  private async resolveRun(input: LaunchEvaluationInput): Promise<Prisma.EvaluationRunUncheckedCreateInput> {
    const method = scoringMethod(input.method);
    const miningRun = input.miningRunId === undefined ? null : await this.prisma.miningRun.findUnique({ where: { id: input.miningRunId } });
    if (input.miningRunId !== undefined && miningRun === null) throw notFound('mining run', input.miningRunId);
    if (method.negatives === 'required' && miningRun === null) {
      throw badInput(`method ${method.id} scores against mined negatives: give miningRunId (a succeeded mining run)`);
    }
    if (miningRun !== null && miningRun.status !== RunStatus.succeeded) {
      throw badInput(`mining run ${miningRun.id} is ${miningRun.status}; evaluations need a succeeded mining run`);
    }
    const labelSetId = input.labelSetId ?? miningRun?.labelSetId;
    const modelId = input.modelId ?? miningRun?.modelId;
    if (labelSetId === undefined || modelId === undefined) throw badInput('give labelSetId and modelId (or a miningRunId to take them from)');
    if (miningRun !== null && (miningRun.labelSetId !== labelSetId || miningRun.modelId !== modelId)) {
      throw badInput(`labelSetId and modelId must be those of mining run ${miningRun.id}`);
    }
    const labelSet = await this.prisma.labelSet.findUnique({ where: { id: labelSetId } });
    if (labelSet === null) throw notFound('label set', labelSetId);
    const model = await this.prisma.encoderModel.findUnique({ where: { id: modelId } });
    if (model === null) throw notFound('model', modelId);
    const imageSetIds = [input.idImageSetId, ...input.oodImageSetIds];
    if (new Set(imageSetIds).size !== imageSetIds.length) throw badInput('the ID set and the OOD sets must all be different image sets');
    const imageSets = await this.prisma.imageSet.findMany({ where: { id: { in: imageSetIds } } });
    for (const id of imageSetIds) {
      const imageSet = imageSets.find((set) => set.id === id);
      if (imageSet === undefined) throw notFound('image set', id);
      if (imageSet.kind === ImageSetKind.imported && imageSet.modelId !== model.id) {
        throw badInput(`image set '${imageSet.name}' holds embeddings of another model; evaluate it with that model`);
      }
      if (imageSet.kind === ImageSetKind.folder && model.kind !== ModelKind.onnx_folder) {
        throw badInput(`image set '${imageSet.name}' is a folder of images, which only an ONNX model can encode; model '${model.name}' is an imported space`);
      }
    }
    const overrides: Record<string, number | string> = {};
    const schemaKeys = Object.keys(method.parameters);
    const presetId = input.preset ?? (input.method === 'debiased' && model.backbone !== null ? backboneId(model.backbone) : undefined);
    if (presetId !== undefined) {
      const preset = debiasedPreset(presetId);
      if (preset.method === method.id) Object.assign(overrides, preset.params);
      else throw badInput(`preset '${presetId}' is for method ${preset.method}, not ${method.id}`);
    }
    for (const [key, value] of Object.entries(input.params ?? {})) {
      if (typeof value !== 'number' && typeof value !== 'string') throw badInput(`parameter '${key}' must be a number or a string`);
      overrides[key] = value;
    }
    if (input.seed !== undefined) overrides['seed'] = input.seed;
    if (input.permutations !== undefined) overrides['permutations'] = input.permutations;
    for (const key of ['seed', 'permutations']) {
      if (overrides[key] !== undefined && !schemaKeys.includes(key)) throw badInput(`method ${method.id} takes no ${key}; its parameters: ${schemaKeys.join(', ')}`);
    }
    const params: Record<string, number | string> = { ...method.resolveParams(overrides), ...(presetId === undefined ? {} : { preset: presetId }) };
    return {
      idempotencyKey: input.idempotencyKey,
      labelSetId,
      modelId,
      miningRunId: miningRun?.id,
      method: input.method,
      params,
      seed: typeof params['seed'] === 'number' ? params['seed'] : 0,
      permutations: typeof params['permutations'] === 'number' ? params['permutations'] : 1,
      idImageSetId: input.idImageSetId,
      oodImageSetIds: input.oodImageSetIds,
      modelHash: model.contentHash,
      shardSize: this.config.shardSize,
      codeVersion: codeVersion(),
    };
  }

  async get(id: string, db: Db = this.prisma): Promise<EvaluationRun> {
    const run = await db.evaluationRun.findUnique({ where: { id } });
    if (run === null) throw notFound('evaluation run', id);
    return run;
  }

  async list(args: EvaluationRunsArgs): Promise<Page<EvaluationRun>> {
    checkPageSize(args.first, this.config.maxPageSize);
    const filter = args.filter ?? {};
    const where: Prisma.EvaluationRunWhereInput = {
      labelSetId: filter.labelSetId ?? undefined,
      modelId: filter.modelId ?? undefined,
      method: filter.method ?? undefined,
      status: filter.status ?? undefined,
      createdAt: filter.createdAfter == null && filter.createdBefore == null ? undefined : { gte: filter.createdAfter ?? undefined, lt: filter.createdBefore ?? undefined },
    };
    const direction = args.orderBy === EvaluationRunOrder.created_asc ? 'asc' : 'desc';
    const beyond = direction === 'asc' ? 'gt' : 'lt';
    const after = args.after == null ? undefined : decodeCursor(args.after, 2);
    const keyset: Prisma.EvaluationRunWhereInput =
      after === undefined
        ? {}
        : {
            OR: [
              { createdAt: { [beyond]: new Date(String(after[0])) } },
              { createdAt: new Date(String(after[0])), id: { [beyond]: String(after[1]) } },
            ],
          };
    const [rows, totalCount] = await Promise.all([
      this.prisma.evaluationRun.findMany({ where: { AND: [where, keyset] }, orderBy: [{ createdAt: direction }, { id: direction }], take: args.first + 1 }),
      this.prisma.evaluationRun.count({ where }),
    ]);
    return toPage(rows, args.first, (row) => encodeCursor([row.createdAt.toISOString(), row.id]), totalCount);
  }

  /** Side-by-side metrics of runs per OOD set, best run per set, and an average row over the sets all runs share. */
  async compare(ids: readonly string[]): Promise<RunComparison> {
    if (ids.length < 1 || ids.length > MAX_COMPARED_RUNS) throw badInput(`compare 1 to ${MAX_COMPARED_RUNS} runs; got ${ids.length}`);
    const runs = await this.prisma.evaluationRun.findMany({ where: { id: { in: [...ids] } } });
    const missing = ids.filter((id) => !runs.some((run) => run.id === id));
    if (missing.length > 0) throw notFound('evaluation run', missing.join(', '));
    const ordered = ids.map((id) => runs.find((run) => run.id === id)!);
    const results = await this.prisma.evaluationResult.findMany({ where: { evaluationRunId: { in: [...ids] } } });
    const setIds = [...new Set(results.map((result) => result.oodImageSetId))];
    const sets = await this.prisma.imageSet.findMany({ where: { id: { in: setIds } }, select: { id: true, name: true } });
    const rows: ComparisonRow[] = setIds.map((setId) => {
      const cells: ComparisonCell[] = ordered.flatMap((run) => {
        const result = results.find((r) => r.evaluationRunId === run.id && r.oodImageSetId === setId);
        return result === undefined ? [] : [{ ...result, method: run.method }];
      });
      return { oodImageSetId: setId, oodImageSetName: sets.find((set) => set.id === setId)?.name ?? setId, cells, ...best(cells) };
    });
    const shared = setIds.filter((setId) => ordered.every((run) => results.some((r) => r.evaluationRunId === run.id && r.oodImageSetId === setId)));
    if (shared.length > 0 && ordered.every((run) => run.status === RunStatus.succeeded)) {
      const cells = ordered.map((run) => {
        const own = results.filter((r) => r.evaluationRunId === run.id && shared.includes(r.oodImageSetId));
        const mean = (pick: (r: (typeof own)[number]) => number) => own.reduce((sum, r) => sum + pick(r), 0) / own.length;
        return {
          evaluationRunId: run.id,
          method: run.method,
          fprAtTprId: mean((r) => r.fprAtTprId),
          fprAtTprOod: mean((r) => r.fprAtTprOod),
          auroc: mean((r) => r.auroc),
          auprIn: mean((r) => r.auprIn),
          auprOut: mean((r) => r.auprOut),
        };
      });
      rows.push({ oodImageSetId: 'average', oodImageSetName: `average over ${shared.length} sets`, cells, ...best(cells) });
    }
    return { runs: ordered, rows };
  }
}

function best(cells: readonly ComparisonCell[]): { bestByFprAtTprId: string | null; bestByAuroc: string | null } {
  if (cells.length === 0) return { bestByFprAtTprId: null, bestByAuroc: null };
  const byFpr = cells.reduce((a, b) => (b.fprAtTprId < a.fprAtTprId ? b : a));
  const byAuroc = cells.reduce((a, b) => (b.auroc > a.auroc ? b : a));
  return { bestByFprAtTprId: byFpr.evaluationRunId, bestByAuroc: byAuroc.evaluationRunId };
}
