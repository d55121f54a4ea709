// Data access of decode failures: the files of folder image sets that a model could not decode,
// written by the `encode-images` shards and read (paged, counted, batched over many requests) by
// ImageSet.decodeFailures and EvaluationRun.decodeFailures. The only file that reads or writes
// image_decode_failures.
import type { PrismaClient } from '../../db/prisma.service';

/** What one shard learnt about its files for one model: which failed (and why) and which encoded. */
export interface ShardDecodeOutcome {
  readonly imageSetId: string;
  readonly modelHash: string;
  readonly modelId: string;
  readonly failed: readonly { readonly position: number; readonly code: string; readonly message: string }[];
  /** Positions that have an embedding now (encoded by the shard or already cached). */
  readonly encoded: readonly number[];
}

/** One stored failure with its file's path. */
export interface DecodeFailureRow {
  readonly imageSetId: string;
  readonly position: number;
  readonly path: string | null;
  readonly modelHash: string;
  readonly modelId: string;
  readonly code: string;
  readonly message: string;
  readonly updatedAt: Date;
  /** Index of the row's image set in the request's list (the first sort key). */
  readonly setIndex: number;
}

/** A page of failures of some sets, in set order then position then model hash. */
export interface FailurePageRequest {
  readonly imageSetIds: readonly string[];
  /** Failures for this model hash only; null: for every model. */
  readonly modelHash: string | null;
  readonly first: number;
  /** Sort key of the last row of the previous page: [set index, position, model hash]. */
  readonly after: readonly [number, number, string] | null;
}

/** Counts over some sets: failure entries (a file per model hash) and distinct files. */
export interface FailureCountRequest {
  readonly imageSetIds: readonly string[];
  readonly modelHash: string | null;
}

export interface FailureCounts {
  readonly entries: number;
  readonly files: number;
}

export class DecodeFailureRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Records a shard's outcome in one transaction: failed files are upserted (a retried shard
   * rewrites its rows instead of adding any), files that have an embedding now lose theirs.
   */
  async recordShard(outcome: ShardDecodeOutcome): Promise<void> {
    const rows = outcome.failed.map((failure) => ({
      position: failure.position,
      code: failure.code,
      message: failure.message,
    }));
    await this.prisma.$transaction([
      this.prisma.imageDecodeFailure.deleteMany({
        where: {
          imageSetId: outcome.imageSetId,
          modelHash: outcome.modelHash,
          position: { in: [...outcome.encoded] },
        },
      }),
      this.prisma.$executeRaw`
        INSERT INTO image_decode_failures (image_set_id, position, model_hash, model_id, code, message, updated_at)
        SELECT ${outcome.imageSetId}::uuid, r.position, ${outcome.modelHash}, ${outcome.modelId}::uuid, r.code, r.message, now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(position int, code text, message text)
        ON CONFLICT (image_set_id, model_hash, position) DO UPDATE
          SET model_id = EXCLUDED.model_id, code = EXCLUDED.code, message = EXCLUDED.message, updated_at = now()`,
    ]);
  }

  /** For each request, up to `first + 1` rows after its cursor (the extra row tells whether there is a next page); one query. */
  async pages(requests: readonly FailurePageRequest[]): Promise<DecodeFailureRow[][]> {
    const wanted = requests.flatMap((request, index) =>
      request.imageSetIds.map((imageSetId, setIndex) => ({
        request: index,
        set_index: setIndex,
        image_set_id: imageSetId,
        model_hash: request.modelHash,
        take: request.first + 1,
        after_set: request.after?.[0] ?? null,
        after_position: request.after?.[1] ?? null,
        after_hash: request.after?.[2] ?? null,
      })),
    );
    const rows = await this.prisma.$queryRaw<
      (Omit<DecodeFailureRow, 'path'> & { path: string | null; request: number })[]
    >`
      WITH req AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) AS r(
          request int, set_index int, image_set_id uuid, model_hash text, take int,
          after_set int, after_position int, after_hash text)
      ), ranked AS (
        SELECT req.request, req.set_index, req.take, f.image_set_id, f.position, f.model_hash, f.model_id, f.code,
               f.message, f.updated_at, i.path,
               row_number() OVER (PARTITION BY req.request ORDER BY req.set_index, f.position, f.model_hash) AS rn
        FROM req
        JOIN image_decode_failures f
          ON f.image_set_id = req.image_set_id AND (req.model_hash IS NULL OR f.model_hash = req.model_hash)
        JOIN image_set_items i ON i.image_set_id = f.image_set_id AND i.position = f.position
        WHERE req.after_set IS NULL
           OR (req.set_index, f.position, f.model_hash) > (req.after_set, req.after_position, req.after_hash)
      )
      SELECT request, set_index AS "setIndex", image_set_id::text AS "imageSetId", position, model_hash AS "modelHash",
             model_id::text AS "modelId", code, message, updated_at AS "updatedAt", path
      FROM ranked WHERE rn <= take ORDER BY request, rn`;
    const byRequest = requests.map((): DecodeFailureRow[] => []);
    for (const { request, ...row } of rows) byRequest[request]!.push(row);
    return byRequest;
  }

  /** For each request, the failure entries and distinct failed files of its sets; one query. */
  async counts(requests: readonly FailureCountRequest[]): Promise<FailureCounts[]> {
    const wanted = requests.flatMap((request, index) =>
      request.imageSetIds.map((imageSetId) => ({
        request: index,
        image_set_id: imageSetId,
        model_hash: request.modelHash,
      })),
    );
    const rows = await this.prisma.$queryRaw<{ request: number; entries: number; files: number }[]>`
      WITH req AS (
        SELECT DISTINCT * FROM jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb)
          AS r(request int, image_set_id uuid, model_hash text)
      )
      SELECT req.request, count(*)::int AS entries, count(DISTINCT (f.image_set_id, f.position))::int AS files
      FROM req
      JOIN image_decode_failures f
        ON f.image_set_id = req.image_set_id AND (req.model_hash IS NULL OR f.model_hash = req.model_hash)
      GROUP BY req.request`;
    const byRequest = new Map(rows.map((row) => [row.request, row]));
    return requests.map((_, index) => {
      const row = byRequest.get(index);
      return { entries: row?.entries ?? 0, files: row?.files ?? 0 };
    });
  }

  /** The failed files of one set for one model hash (the evaluation job's message names how many). */
  async failedFileCount(imageSetId: string, modelHash: string): Promise<number> {
    return this.prisma.imageDecodeFailure.count({ where: { imageSetId, modelHash } });
  }
}
