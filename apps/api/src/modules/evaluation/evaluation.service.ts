// Evaluation runs: validate and record a run with every resolved parameter (idempotent per key),
// enqueue its `evaluate` job, list runs with filters and cursors, and compare runs.
import { asIndexVector } from '@negmine/formats';
import { debiasedPreset, SCORING_METHOD_IDS, scoringMethod, type OodScoreMethod } from '@negmine/mining';
import type { ApiConfig } from '../../config';
import type { Db, PrismaClient } from '../../db/prisma.service';
import { Prisma } from '../../db/prisma.service';
import { badInput, conflict, notFound } from '../../errors';
import type { JobQueue } from '../../jobs/queue';
import { codeVersion } from '../common/code-version';
import { backboneId, ImageSetKind, ModelKind, RunStatus } from '../common/enums';
import { encodeGroupPermutation } from './group-permutation';
import { ImmutableRowCache } from '../common/immutable-row-cache';
import { hasNpySource, readNpySource } from '../common/npy-source';
import { checkPageSize, decodeCursor, encodeCursor, toPage, type Page } from '../common/pagination';
import { EvaluationRunOrder, type EvaluationRunsArgs, type GroupPermutationInput, type LaunchEvaluationInput } from './evaluation.input';
import type { ComparisonCell, ComparisonRow, EvaluationRun, RunComparison } from './evaluation.type';

export const MAX_COMPARED_RUNS = 20;

/** Results of succeeded runs kept in memory, in rows (one per OOD set, without curves). */
const CACHED_RESULT_ROWS = 100_000;

/** A result row without its curves (ROC points, histograms), which are fetched only when asked. */
export type ResultRow = Omit<Prisma.EvaluationResultGetPayload<object>, 'rocPoints' | 'histograms'>;

/**
 * Columns a run list always reads: the cursor (createdAt, id) and what field resolvers need
 * (status for results, the ids of related rows). Other columns are read when selected; the
 * permutation bytes never are (groupPermutation loads them).
 */
const RUN_LIST_KEYS = ['id', 'createdAt', 'status', 'labelSetId', 'modelId', 'miningRunId', 'idImageSetId', 'oodImageSetIds'] as const;

function runListSelect(fields: ReadonlySet<string> | undefined): Prisma.EvaluationRunSelect {
  const columns = Object.values(Prisma.EvaluationRunScalarFieldEnum).filter(
    (column) => column !== 'groupPermutation' && (fields === undefined || fields.has(column) || (RUN_LIST_KEYS as readonly string[]).includes(column)),
  );
  return Object.fromEntries(columns.map((column) => [column, true]));
}

export class EvaluationService {
  private readonly succeededResults = new ImmutableRowCache<readonly ResultRow[]>(CACHED_RESULT_ROWS, (rows) => rows.length);

  constructor(
    private readonly prisma: PrismaClient,
    private readonly queue: Pick<JobQueue, 'send'>,
    private readonly config: Pick<ApiConfig, 'maxPageSize' | 'shardSize' | 'importRoots'>,
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
      JSON.stringify([...existing.oodImageSetIds].sort()) === JSON.stringify([...input.oodImageSetIds].sort()) &&
      (existing.groupPermutation !== null) === (input.permutation != null);
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
    const groupPermutation = input.permutation == null ? null : await this.resolvePermutation(input.permutation, method, params, miningRun?.id);
    return {
      idempotencyKey: input.idempotencyKey,
      labelSetId,
      modelId,
      miningRunId: miningRun?.id,
      method: input.method,
      params,
      seed: typeof params['seed'] === 'number' ? params['seed'] : 0,
      permutations: typeof params['permutations'] === 'number' ? params['permutations'] : 1,
      groupPermutation: groupPermutation === null ? null : encodeGroupPermutation(groupPermutation),
      idImageSetId: input.idImageSetId,
      oodImageSetIds: input.oodImageSetIds,
      modelHash: model.contentHash,
      shardSize: this.config.shardSize,
      codeVersion: codeVersion(),
    };
  }

  /**
   * Reads and checks a given group permutation against the run it will group: a grouped method,
   * one permutation, and exactly the indices 0..kept − 1 where kept = N − N mod G (the contract of
   * `negmine score --permutation` and ScoringOptions.permutation).
   */
  private async resolvePermutation(
    given: GroupPermutationInput,
    method: OodScoreMethod,
    params: Readonly<Record<string, number | string>>,
    miningRunId: string | undefined,
  ): Promise<Int32Array> {
    if (!('groups' in method.parameters)) {
      const grouped = SCORING_METHOD_IDS.filter((id) => 'groups' in scoringMethod(id).parameters);
      throw badInput(`method ${method.id} does not group negatives, so it takes no permutation; methods that do: ${grouped.join(', ')}`);
    }
    if (params['permutations'] !== 1) {
      throw badInput(`a given permutation fixes the grouping, so permutations must be 1 (or left out); got ${String(params['permutations'])}`);
    }
    const sources = (given.indices == null ? 0 : 1) + (hasNpySource(given) ? 1 : 0);
    if (sources !== 1 || (given.npyBase64 != null && given.npyPath != null)) {
      throw badInput('give the permutation as exactly one of permutation.indices (a list), permutation.npyBase64 or permutation.npyPath (a 1-D int64 .npy)');
    }
    const indices =
      given.indices != null ? Int32Array.from(given.indices) : asIndexVector(await readNpySource(given, this.config.importRoots, 'the permutation .npy'), 'the permutation .npy');
    if (miningRunId === undefined) throw badInput(`a permutation orders mined negatives: give miningRunId`);
    const negativeCount = await this.prisma.negativeLabel.count({ where: { miningRunId } });
    const groups = params['groups'] as number;
    const kept = groups * Math.floor(negativeCount / groups);
    if (kept === 0) throw badInput(`mining run ${miningRunId} has ${negativeCount} negatives, fewer than groups = ${groups}; nothing to permute`);
    if (indices.length !== kept) {
      throw badInput(
        `the permutation must have N − (N mod G) = ${kept} indices (mining run ${miningRunId}: N = ${negativeCount} negatives, G = ${groups} groups); got ${indices.length}`,
        { expected: kept, length: indices.length },
      );
    }
    const seen = new Uint8Array(kept);
    for (let i = 0; i < kept; i++) {
      const index = indices[i]!;
      if (index < 0 || index >= kept || seen[index] === 1) {
        const why = index < 0 || index >= kept ? 'out of range' : 'a repeat';
        throw badInput(`the permutation must contain each of 0..${kept - 1} exactly once; index ${index} at position ${i} is ${why}`, { position: i, value: index, kept });
      }
      seen[index] = 1;
    }
    return indices;
  }

  async get(id: string, db: Db = this.prisma): Promise<EvaluationRun> {
    const run = await db.evaluationRun.findUnique({ where: { id } });
    if (run === null) throw notFound('evaluation run', id);
    return run;
  }

  /**
   * Results (without curves) of runs the caller has just read as succeeded, per run id. They were
   * written with the status flip and never change, so they are cached; the caller's read of the run
   * row is the existence check.
   */
  async resultsOfSucceededRuns(runIds: readonly string[]): Promise<(readonly ResultRow[])[]> {
    const missing = runIds.filter((id) => this.succeededResults.get(id) === undefined);
    if (missing.length > 0) {
      const rows = await this.prisma.evaluationResult.findMany({ where: { evaluationRunId: { in: missing } }, omit: { rocPoints: true, histograms: true } });
      for (const id of missing) {
        const own = rows.filter((row) => row.evaluationRunId === id);
        // A run deleted between the caller's read and this one has none: nothing is cached for it.
        if (own.length > 0) this.succeededResults.set(id, own);
      }
      return runIds.map((id) => this.succeededResults.get(id) ?? rows.filter((row) => row.evaluationRunId === id));
    }
    return runIds.map((id) => this.succeededResults.get(id)!);
  }

  /** `options.fields`: the node fields the query selects (default: every column). */
  async list(args: EvaluationRunsArgs, options: { totalCount?: boolean; fields?: ReadonlySet<string> } = {}): Promise<Page<EvaluationRun>> {
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
      this.prisma.evaluationRun.findMany({ where: { AND: [where, keyset] }, orderBy: [{ createdAt: direction }, { id: direction }], take: args.first + 1, select: runListSelect(options.fields) }),
      options.totalCount === false ? Promise.resolve(0) : this.prisma.evaluationRun.count({ where }),
    ]);
    return toPage(rows as EvaluationRun[], args.first, (row) => encodeCursor([row.createdAt.toISOString(), row.id]), totalCount);
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
