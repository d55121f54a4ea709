// Data access of the evaluation feature: evaluation runs, their per-OOD-set results and per-sample
// scores. The only file of the feature that calls Prisma. The columns a run list reads are named
// by the GraphQL fields that need them (EVALUATION_RUN_COLUMNS_OF_FIELD), checked against the
// table by evaluation.repository.spec.ts, so no column is silently left out.
import type { Db, PrismaClient } from '../../db/prisma.service';
import { Prisma } from '../../db/prisma.service';
import { keysetCondition, orderByClause, type SortPosition, type SqlSortExpression } from '../../db/sql-order';
import { tablesVersion } from '../../db/tables-version';
import type { EvaluationRunFilter, EvaluationRunSortKey } from './evaluation.input';
import type { EvaluationRun } from './evaluation.type';
import type { RunStatus } from '../../shared/enums';

/** A result row without its curves (ROC points, histograms), which are fetched only when asked. */
export type ResultRow = Omit<Prisma.EvaluationResultGetPayload<object>, 'rocPoints' | 'histograms'>;
export type ResultWithCurves = Prisma.EvaluationResultGetPayload<object>;
export type ResultInsert = Prisma.EvaluationResultCreateManyInput;
export type EvaluationRunColumn = keyof Prisma.EvaluationRunSelect & `${Prisma.EvaluationRunScalarFieldEnum}`;

/** The evaluation run with what its job reads. */
export type EvaluationRunForJob = Prisma.EvaluationRunGetPayload<{
  include: { model: true; labelSet: true; miningRun: true };
}>;

/** Columns every list row carries whatever is selected: the keyset cursor. */
const CURSOR_COLUMNS: readonly EvaluationRunColumn[] = ['id', 'createdAt'];

/**
 * The columns each field of EvaluationRun reads when a list selects it. A scalar field reads its
 * own column (the default); a field resolver names what it reads here. A field missing from this
 * table and from the columns is refused by the spec, so a new field cannot silently read nothing.
 */
export const EVALUATION_RUN_COLUMNS_OF_FIELD: Readonly<Record<string, readonly EvaluationRunColumn[]>> = {
  results: ['status'],
  labelSet: ['labelSetId'],
  model: ['modelId'],
  miningRun: ['miningRunId'],
  idImageSet: ['idImageSetId'],
  oodImageSets: ['oodImageSetIds'],
  decodeFailures: ['idImageSetId', 'oodImageSetIds', 'modelId'],
  // The permutation bytes never come with a list: the field resolver loads them by id.
  groupPermutation: [],
  givenOrderData: [],
  __typename: [],
};

/** Columns that a list never reads even when asked (loaded per run by their field resolver). */
const NEVER_LISTED: readonly EvaluationRunColumn[] = ['groupPermutation', 'givenOrderData'];

export const EVALUATION_RUN_COLUMNS = Object.values(Prisma.EvaluationRunScalarFieldEnum) as EvaluationRunColumn[];

/**
 * The columns every list row carries: the cursor and the columns the field resolvers read (a
 * resolver's root must hold them however the query reached it, e.g. through a fragment).
 */
const ALWAYS_LISTED: readonly EvaluationRunColumn[] = [
  ...new Set([...CURSOR_COLUMNS, ...Object.values(EVALUATION_RUN_COLUMNS_OF_FIELD).flat()]),
];

/** The select of a run list for the selected node fields (undefined: every column but the permutation bytes). */
export function runListSelect(fields: ReadonlySet<string> | undefined): Prisma.EvaluationRunSelect {
  const wanted = new Set<EvaluationRunColumn>(fields === undefined ? EVALUATION_RUN_COLUMNS : ALWAYS_LISTED);
  for (const field of fields ?? []) {
    const columns =
      EVALUATION_RUN_COLUMNS_OF_FIELD[field] ??
      (EVALUATION_RUN_COLUMNS.includes(field as EvaluationRunColumn) ? [field as EvaluationRunColumn] : undefined);
    if (columns === undefined)
      throw new Error(`evaluationRuns: field '${field}' names no column; add it to EVALUATION_RUN_COLUMNS_OF_FIELD`);
    for (const column of columns) wanted.add(column);
  }
  for (const column of NEVER_LISTED) wanted.delete(column);
  return Object.fromEntries([...wanted].map((column) => [column, true]));
}

/** The means the runs list sorts by, over a run's results (null without results), as the migration backfilled them. */
export function meansOfResults(results: readonly Pick<ResultInsert, 'fprAtTprId' | 'fprAtTprOod' | 'auroc'>[]): {
  meanFprAtTprId: number | null;
  meanFprAtTprOod: number | null;
  meanAuroc: number | null;
} {
  const mean = (value: (result: (typeof results)[number]) => number): number | null =>
    results.length === 0 ? null : results.reduce((sum, result) => sum + value(result), 0) / results.length;
  return {
    meanFprAtTprId: mean((result) => result.fprAtTprId),
    meanFprAtTprOod: mean((result) => result.fprAtTprOod),
    meanAuroc: mean((result) => result.auroc),
  };
}

/**
 * The SQL value each evaluationRuns ordering sorts by (over `evaluation_runs r`), the type its
 * cursor value is cast back to, and the join it needs. Enums sort by their names (not their
 * declaration order), as a person reads the column.
 */
const SORT_EXPRESSIONS: Readonly<Record<EvaluationRunSortKey, SqlSortExpression>> = {
  created: { sql: Prisma.sql`r.created_at`, type: Prisma.sql`timestamp(3)`, nullable: false },
  method: { sql: Prisma.sql`r.method::text`, type: Prisma.sql`text`, nullable: false },
  status: { sql: Prisma.sql`r.status::text`, type: Prisma.sql`text`, nullable: false },
  labelSet: {
    sql: Prisma.sql`l.name`,
    type: Prisma.sql`text`,
    nullable: false,
    join: Prisma.sql`JOIN label_sets l ON l.id = r.label_set_id`,
  },
  model: {
    sql: Prisma.sql`m.name`,
    type: Prisma.sql`text`,
    nullable: false,
    join: Prisma.sql`JOIN encoder_models m ON m.id = r.model_id`,
  },
  meanFprAtTprId: { sql: Prisma.sql`r.mean_fpr_at_tpr_id`, type: Prisma.sql`float8`, nullable: true },
  meanFprAtTprOod: { sql: Prisma.sql`r.mean_fpr_at_tpr_ood`, type: Prisma.sql`float8`, nullable: true },
  meanAuroc: { sql: Prisma.sql`r.mean_auroc`, type: Prisma.sql`float8`, nullable: true },
  duration: {
    sql: Prisma.sql`EXTRACT(EPOCH FROM r.finished_at - r.started_at)`,
    type: Prisma.sql`numeric`,
    nullable: true,
  },
  oodSets: { sql: Prisma.sql`cardinality(r.ood_image_set_ids)`, type: Prisma.sql`int`, nullable: false },
};

function filterConditions(filter: EvaluationRunFilter): Prisma.Sql[] {
  const conditions = [Prisma.sql`TRUE`];
  if (filter.labelSetId != null) conditions.push(Prisma.sql`r.label_set_id = ${filter.labelSetId}::uuid`);
  if (filter.modelId != null) conditions.push(Prisma.sql`r.model_id = ${filter.modelId}::uuid`);
  if (filter.method != null) conditions.push(Prisma.sql`r.method::text = ${filter.method}`);
  if (filter.status != null) conditions.push(Prisma.sql`r.status::text = ${filter.status}`);
  // Prisma keeps DateTime columns as UTC wall-clock timestamps (without time zone).
  if (filter.createdAfter != null)
    conditions.push(Prisma.sql`r.created_at >= ${filter.createdAfter.toISOString()}::timestamptz AT TIME ZONE 'UTC'`);
  if (filter.createdBefore != null)
    conditions.push(Prisma.sql`r.created_at < ${filter.createdBefore.toISOString()}::timestamptz AT TIME ZONE 'UTC'`);
  return conditions;
}

export class EvaluationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records a run; when its idempotency key was taken meanwhile (a concurrent launch), returns the winner instead. */
  async createUnlessKeyTaken(
    data: Prisma.EvaluationRunUncheckedCreateInput,
  ): Promise<{ run: EvaluationRun } | { winner: EvaluationRun }> {
    try {
      return { run: await this.prisma.evaluationRun.create({ data }) };
    } catch (error) {
      if (
        error instanceof Prisma.PrismaClientKnownRequestError &&
        error.code === 'P2002' &&
        typeof data.idempotencyKey === 'string'
      ) {
        const winner = await this.byIdempotencyKey(data.idempotencyKey);
        if (winner !== null) return { winner };
      }
      throw error;
    }
  }

  status(id: string): Promise<RunStatus | undefined> {
    return this.prisma.evaluationRun
      .findUnique({ where: { id }, select: { status: true } })
      .then((row) => row?.status as RunStatus | undefined);
  }

  find(id: string, db: Db = this.prisma): Promise<EvaluationRun | null> {
    return db.evaluationRun.findUnique({ where: { id } });
  }

  byIdempotencyKey(key: string): Promise<EvaluationRun | null> {
    return this.prisma.evaluationRun.findUnique({ where: { idempotencyKey: key } });
  }

  byIds(ids: readonly string[]): Promise<EvaluationRun[]> {
    return this.prisma.evaluationRun.findMany({ where: { id: { in: [...ids] } } });
  }

  forJob(id: string): Promise<EvaluationRunForJob> {
    return this.prisma.evaluationRun.findUniqueOrThrow({
      where: { id },
      include: { model: true, labelSet: true, miningRun: true },
    });
  }

  /** Input hashes of the noise-image embeddings imported for a model (empty when none were). */
  async noiseInputHashes(modelId: string): Promise<string[]> {
    const model = await this.prisma.encoderModel.findUnique({
      where: { id: modelId },
      select: { noiseInputHashes: true },
    });
    return model?.noiseInputHashes ?? [];
  }

  /** The model folder and hash of a run, for its image shards. */
  forImageShard(id: string): Promise<{ modelId: string; modelHash: string; model: { folder: string | null } } | null> {
    return this.prisma.evaluationRun.findUnique({
      where: { id },
      select: { modelId: true, modelHash: true, model: { select: { folder: true } } },
    });
  }

  /**
   * One page of runs in `sort` order after `after` (the sort value and id of the previous page's
   * last row), with each row's sort value for the next cursor (db/sql-order.ts); the rows'
   * columns are then read by id with `select`.
   */
  async page(
    filter: EvaluationRunFilter,
    sort: { key: EvaluationRunSortKey; direction: 'asc' | 'desc' },
    after: SortPosition | undefined,
    take: number,
    select: Prisma.EvaluationRunSelect,
    withCount: boolean,
  ): Promise<{ rows: { run: EvaluationRun; sortValue: string | null }[]; totalCount: number }> {
    const expression = SORT_EXPRESSIONS[sort.key];
    const where = filterConditions(filter);
    const conditions = after === undefined ? where : [...where, keysetCondition(expression, sort.direction, after)];
    const [ordered, totalCount] = await Promise.all([
      this.prisma.$queryRaw<{ id: string; sort_value: string | null }[]>`
        SELECT r.id::text AS id, (${expression.sql})::text AS sort_value
          FROM evaluation_runs r ${expression.join ?? Prisma.empty}
         WHERE ${Prisma.join(conditions, ' AND ')}
         ${orderByClause(expression, sort.direction)}
         LIMIT ${take}`,
      withCount
        ? this.prisma.$queryRaw<{ count: number }[]>`
            SELECT count(*)::int AS count FROM evaluation_runs r WHERE ${Prisma.join(where, ' AND ')}`.then(
            (rows) => rows[0]?.count ?? 0,
          )
        : Promise.resolve(0),
    ]);
    const runs = await this.prisma.evaluationRun.findMany({
      where: { id: { in: ordered.map((row) => row.id) } },
      select: { ...select, id: true },
    });
    const byId = new Map(runs.map((run) => [run.id, run as EvaluationRun]));
    const rows = ordered.flatMap((row) => {
      const run = byId.get(row.id);
      // A run deleted between the two reads is left out of the page.
      return run === undefined ? [] : [{ run, sortValue: row.sort_value }];
    });
    return { rows, totalCount };
  }

  /** The version of what a run list reads: the runs (with their results) and their label sets and models. */
  listingVersion(): Promise<string> {
    return tablesVersion(this.prisma, ['evaluation_runs', 'label_sets', 'encoder_models']);
  }

  groupPermutations(ids: readonly string[]): Promise<{ id: string; groupPermutation: Uint8Array | null }[]> {
    return this.prisma.evaluationRun.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, groupPermutation: true },
    });
  }

  resultsOf(runIds: readonly string[]): Promise<ResultRow[]> {
    return this.prisma.evaluationResult.findMany({
      where: { evaluationRunId: { in: [...runIds] } },
      omit: { rocPoints: true, histograms: true },
    });
  }

  curves(
    pairs: readonly (readonly [string, string])[],
  ): Promise<{ evaluationRunId: string; oodImageSetId: string; rocPoints: unknown; histograms: unknown }[]> {
    return this.prisma.evaluationResult.findMany({
      where: { OR: pairs.map(([evaluationRunId, oodImageSetId]) => ({ evaluationRunId, oodImageSetId })) },
      select: { evaluationRunId: true, oodImageSetId: true, rocPoints: true, histograms: true },
    });
  }

  /** The stored per-sample scores of a run (float32 little-endian bytes, set order), one row per image set. */
  sampleScores(evaluationRunId: string): Promise<{ imageSetId: string; scores: Uint8Array }[]> {
    return this.prisma.sampleScores.findMany({
      where: { evaluationRunId },
      select: { imageSetId: true, scores: true },
    });
  }

  /** Records a finished evaluation (a sweep's child) with its results and scores, inside the caller's transaction. */
  async createFinished(
    tx: Db,
    data: Prisma.EvaluationRunUncheckedCreateInput & { id: string },
    results: readonly ResultInsert[],
    scores: readonly { imageSetId: string; scores: Float32Array }[],
  ): Promise<void> {
    await tx.evaluationRun.create({ data, select: { id: true } });
    await this.writeResults(tx, data.id, results, scores);
  }

  /** The evaluation runs of sweeps (children by role and grid index). */
  sweepChildren(sweepIds: readonly string[]): Promise<EvaluationRun[]> {
    return this.prisma.evaluationRun.findMany({
      where: { sweepId: { in: [...sweepIds] } },
      orderBy: [{ sweepId: 'asc' }, { sweepRole: 'asc' }, { sweepIndex: 'asc' }],
    });
  }

  /** Written inside the RunJob commit, after the status guard flipped (replaces any partial rows). */
  async writeResults(
    tx: Db,
    evaluationRunId: string,
    results: readonly ResultInsert[],
    scores: readonly { imageSetId: string; scores: Float32Array }[],
  ): Promise<void> {
    await tx.evaluationResult.deleteMany({ where: { evaluationRunId } });
    await tx.sampleScores.deleteMany({ where: { evaluationRunId } });
    await tx.evaluationResult.createMany({ data: [...results] });
    await tx.evaluationRun.update({
      where: { id: evaluationRunId },
      data: meansOfResults(results),
      select: { id: true },
    });
    await tx.sampleScores.createMany({
      data: scores.map((set) => ({
        evaluationRunId,
        imageSetId: set.imageSetId,
        scores: new Uint8Array(set.scores.slice().buffer),
      })),
    });
  }
}
