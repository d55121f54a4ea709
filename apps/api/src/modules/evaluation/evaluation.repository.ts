// Data access of the evaluation feature: evaluation runs, their per-OOD-set results and per-sample
// scores. The only file of the feature that calls Prisma. The columns a run list reads are named
// by the GraphQL fields that need them (EVALUATION_RUN_COLUMNS_OF_FIELD), checked against the
// table by evaluation.repository.spec.ts, so no column is silently left out.
import type { Db, PrismaClient } from '../../db/prisma.service';
import { Prisma } from '../../db/prisma.service';
import type { EvaluationRun } from './evaluation.type';

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

  async page(
    where: Prisma.EvaluationRunWhereInput,
    keyset: Prisma.EvaluationRunWhereInput,
    direction: 'asc' | 'desc',
    take: number,
    select: Prisma.EvaluationRunSelect,
    withCount: boolean,
  ): Promise<{ rows: EvaluationRun[]; totalCount: number }> {
    const [rows, totalCount] = await Promise.all([
      this.prisma.evaluationRun.findMany({
        where: { AND: [where, keyset] },
        orderBy: [{ createdAt: direction }, { id: direction }],
        take,
        select,
      }),
      withCount ? this.prisma.evaluationRun.count({ where }) : Promise.resolve(0),
    ]);
    return { rows: rows as EvaluationRun[], totalCount };
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
    await tx.sampleScores.createMany({
      data: scores.map((set) => ({
        evaluationRunId,
        imageSetId: set.imageSetId,
        scores: new Uint8Array(set.scores.slice().buffer),
      })),
    });
  }
}
