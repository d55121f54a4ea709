// Detectors: freeze an evaluation (or a mining run + static method) into a calibrated detector with
// @negmine/mining's buildDetector, store it (files, metrics at its threshold, provenance) in one
// transaction, list/get/delete it, and run it on embeddings, image files or an image set through a
// per-process cache of onnxruntime sessions (exact: detector rows never change), each on its own
// thread, with concurrent requests coalesced into shared runs (detect-batcher.ts). Builds, image
// encoding and pipeline composition run off the event loop (the compute and tower threads).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { asFloat32Matrix, parseNpy } from '@negmine/formats';
import { readModelFolder } from '@negmine/encoders';
import {
  isPartOfSpeech,
  DEFAULT_TARGET_TPR,
  detectorMethod,
  operatingPointAt,
  type DetectionResult,
  type DetectorThreshold,
} from '@negmine/mining';
import type { ApiConfig } from '../../config';
import { ApiError, ApiErrorCode, badInput, notFound } from '../../errors';
import { codeVersion } from '../../shared/code-version';
import { ModelKind, RunStatus, type ScoringMethod } from '../../shared/enums';
import { libraryId } from '../../shared/enums';
import { checkPageSize, decodeCursor, encodeCursor, toPage, type Page } from '../../shared/pagination';
import type { Matrix } from '../../shared/wordnet-corpus';
import { decodeGroupPermutation } from '../evaluation/group-permutation';
import type { EvaluationService } from '../evaluation';
import type { ImageSetRepository } from '../image-set';
import type { LabelSetRepository } from '../label-set';
import type { MiningRepository } from '../mining';
import type { ClipModels, ModelRepository } from '../model';
import { ComputeThread } from './compute-thread.client';
import { DetectBatcher } from './detect-batcher';
import { DetectorThread } from './detector-thread.client';
import type { DetectorInputs, ModelRef } from './detector-inputs';
import type { CreateDetectorInput, DetectInput, DetectorsArgs } from './detector.input';
import type { DetectorRepository, DetectorRow } from './detector.repository';
import type { Detection, DetectorOodMetrics, Detector, DetectResult } from './detector.type';

/** Loaded detector sessions kept per process (each holds its label matrices: (K + N) × d floats). */
export const CACHED_DETECTOR_SESSIONS = 8;
/** Composed pipeline.onnx files kept per process (each holds a vision tower: up to hundreds of MB). */
export const CACHED_PIPELINES = 2;
/** Rows of concurrent detect requests coalesced into one run (the runner's chunk, one onnxruntime call). */
export const DETECT_COALESCE_ROWS = 256;
/** detect requests waiting per detector at most; more are refused with OVERLOADED. */
export const DETECT_MAX_QUEUED = 1024;

export type DetectorConfig = Pick<ApiConfig, 'maxPageSize' | 'threads' | 'maxDetectBatch'> & {
  readonly limits: Pick<ApiConfig['limits'], 'maxBodyBytes'>;
};

export function detectorDownloads(
  row: Pick<DetectorRow, 'id'> & { modelKind?: ModelKind | null },
): Detector['downloads'] {
  const base = `/detectors/${row.id}`;
  return {
    detectorOnnx: `${base}/detector.onnx`,
    detectorJson: `${base}/detector.json`,
    pipelineOnnx: row.modelKind === ModelKind.onnx_folder ? `${base}/pipeline.onnx` : null,
  };
}

interface LoadedDetector {
  /** The detector's onnxruntime session, on its own thread (session.run blocks the thread it runs on). */
  readonly thread: DetectorThread;
  /** Every detect on this detector goes through it (concurrent requests share onnxruntime runs). */
  readonly batcher: DetectBatcher;
  readonly labels: readonly string[];
  readonly embeddingDim: number;
  readonly modelId: string;
  readonly modelHash: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** NOT_FOUND for an id that cannot name a detector (not a UUID) without asking the database. */
/** A malformed id is the caller's mistake (BAD_USER_INPUT), an unknown well-formed one NOT_FOUND. */
function checkId(id: string): void {
  if (!UUID.test(id))
    throw badInput(`detector id '${id.slice(0, 64)}' is malformed; ids are UUIDs`, { reason: 'MALFORMED_ID' });
}

export class DetectorService {
  /** Insertion-ordered: the first entry is the least recently used. */
  private readonly sessions = new Map<string, Promise<LoadedDetector>>();
  /** pipeline.onnx per detector, least recently used first (rows and model folders are immutable). */
  private readonly pipelines = new Map<string, Promise<Uint8Array>>();
  /** Builds and pipeline composition: heavy work kept off the event loop. */
  private readonly compute: ComputeThread;

  constructor(
    private readonly repository: DetectorRepository,
    private readonly inputs: DetectorInputs,
    private readonly evaluations: EvaluationService,
    private readonly miningRuns: MiningRepository,
    private readonly labelSets: LabelSetRepository,
    private readonly models: ModelRepository,
    private readonly imageSets: ImageSetRepository,
    private readonly clipModels: ClipModels,
    private readonly config: DetectorConfig,
  ) {
    this.compute = new ComputeThread();
  }

  async create(input: CreateDetectorInput): Promise<Detector> {
    if (input.tpr != null && input.threshold != null) throw badInput('give tpr (a calibration) or threshold, not both');
    if (input.tpr != null && !(input.tpr > 0 && input.tpr < 1))
      throw badInput(`tpr must be in (0, 1), e.g. 0.95; got ${input.tpr}`, { tpr: input.tpr });
    if (input.threshold != null && !Number.isFinite(input.threshold))
      throw badInput('threshold must be a finite number');
    if ((input.evaluationRunId == null) === (input.miningRunId == null)) {
      throw badInput('give evaluationRunId (a succeeded evaluation) or miningRunId + method, exactly one of them');
    }
    let method: string;
    let params: Record<string, unknown>;
    let miningRunId: string | null;
    let permutation: Int32Array | undefined;
    let calibrationImageSetId = input.calibrationImageSetId ?? null;
    let evaluation: Awaited<ReturnType<EvaluationService['get']>> | null = null;
    if (input.evaluationRunId != null) {
      if (input.method != null || input.params != null || input.seed != null) {
        throw badInput(
          'a detector from an evaluation inherits its method, params and seed; leave method, params and seed out',
        );
      }
      evaluation = await this.evaluations.get(input.evaluationRunId);
      if (evaluation.status !== RunStatus.succeeded) {
        throw badInput(
          `evaluation run ${evaluation.id} is ${evaluation.status}; a detector is created from a succeeded evaluation`,
          { status: evaluation.status },
        );
      }
      method = libraryId(evaluation.method);
      const { preset: _preset, ...rest } = evaluation.params as Record<string, unknown>;
      params = rest;
      miningRunId = evaluation.miningRunId;
      permutation =
        evaluation.groupPermutation == null ? undefined : decodeGroupPermutation(evaluation.groupPermutation);
      calibrationImageSetId ??= evaluation.idImageSetId;
    } else {
      if (input.method == null) throw badInput('with miningRunId, give method (mcm, neglabel or debiased)');
      method = libraryId(input.method);
      params = { ...(input.params ?? {}), ...(input.seed == null ? {} : { seed: input.seed }) };
      miningRunId = input.miningRunId!;
      if (input.threshold == null && calibrationImageSetId === null)
        throw badInput('with miningRunId, give calibrationImageSetId (ID images to calibrate on) or threshold');
    }
    // Refuses stream-adaptive methods (adaneg, tanl) with the library's typed error saying why.
    const methodId = detectorMethod(method);
    for (const [key, value] of Object.entries(params)) {
      if (typeof value !== 'number' && typeof value !== 'string')
        throw badInput(`parameter '${key}' must be a number or a string`);
    }
    const miningRun = miningRunId === null ? null : await this.miningRuns.find(miningRunId);
    if (miningRunId !== null && miningRun === null) throw notFound('mining run', miningRunId);
    if (miningRun !== null && miningRun.status !== RunStatus.succeeded)
      throw badInput(`mining run ${miningRun.id} is ${miningRun.status}; a detector needs a succeeded mining run`);
    const labelSetId = evaluation?.labelSetId ?? miningRun!.labelSetId;
    const modelId = evaluation?.modelId ?? miningRun!.modelId;
    const labelSet = await this.labelSets.find(labelSetId);
    if (labelSet === null) throw notFound('label set', labelSetId);
    const model = await this.models.find(modelId);
    if (model === null) throw notFound('model', modelId);
    const ref: ModelRef = {
      kind: model.kind,
      folder: model.folder,
      contentHash: evaluation?.modelHash ?? model.contentHash,
      embeddingDim: model.embeddingDim,
    };
    if (calibrationImageSetId !== null && (await this.imageSets.find(calibrationImageSetId)) === null)
      throw notFound('image set', calibrationImageSetId);

    const labels = miningRun?.labelsSnapshot ?? labelSet.labels;
    const idText = await this.inputs.labelMatrix(ref, labels, labelSet.promptTemplates);
    const usesNegatives = methodId !== 'mcm';
    const negText =
      usesNegatives && miningRun !== null ? await this.inputs.negativeMatrix(ref, miningRun.id) : undefined;
    const negatives =
      usesNegatives && miningRun !== null
        ? (await this.miningRuns.negativesInRankOrder(miningRun.id)).map((n) => ({
            word: n.word,
            ...(isPartOfSpeech(n.pos) ? { pos: n.pos } : {}),
          }))
        : undefined;
    let threshold: DetectorThreshold;
    if (input.threshold != null) threshold = { value: input.threshold };
    else
      threshold = {
        calibrationImages: await this.inputs.imageMatrix(ref, calibrationImageSetId!),
        targetTpr: input.tpr ?? DEFAULT_TARGET_TPR,
      };
    const built = await this.compute.buildDetector({
      method: methodId,
      idText,
      negText,
      params: params as Record<string, number | string>,
      permutation,
      threshold,
      labels,
      negatives,
      modelHash: ref.contentHash,
      codeVersion: codeVersion(),
      threads: this.config.threads,
    });
    const manifest = built.manifest;
    const metrics = evaluation === null ? [] : await this.metricsAt(evaluation, manifest.threshold);
    const row = await this.repository.create({
      name: input.name,
      method: evaluation?.method ?? (input.method as ScoringMethod),
      params: manifest.params as object,
      threshold: manifest.threshold,
      targetTpr: manifest.targetTpr,
      achievedTpr: manifest.achievedTpr,
      calibrationImageSetId: manifest.calibration === null ? null : calibrationImageSetId,
      calibrationSize: manifest.calibration?.size ?? null,
      calibrationSha256: manifest.calibration?.sha256 ?? null,
      embeddingDim: manifest.embeddingDim,
      modelId,
      modelHash: ref.contentHash,
      labelSetId,
      labels: [...labels],
      miningRunId: miningRun?.id ?? null,
      evaluationRunId: evaluation?.id ?? null,
      negativeCount: manifest.negatives?.count ?? 0,
      metrics: metrics as object[],
      onnx: built.onnxBytes as Uint8Array<ArrayBuffer>,
      onnxSha256: manifest.onnxSha256,
      manifestJson: built.manifestJson,
      codeVersion: manifest.codeVersion,
    });
    return this.toDetector(row, model.kind);
  }

  /** The source evaluation's metrics per OOD set, with the fraction each set passes at `threshold`. */
  private async metricsAt(
    evaluation: { id: string; idImageSetId: string },
    threshold: number,
  ): Promise<DetectorOodMetrics[]> {
    const [results] = await this.evaluations.resultsOfSucceededRuns([evaluation.id]);
    const scores = await this.repository.sampleScores(evaluation.id);
    const idScores = scores.get(evaluation.idImageSetId);
    const sets = await this.imageSets.byIds((results ?? []).map((r) => r.oodImageSetId));
    return (results ?? []).flatMap((result) => {
      const ood = scores.get(result.oodImageSetId);
      if (idScores === undefined || ood === undefined) return [];
      const point = operatingPointAt(threshold, idScores, ood);
      return [
        {
          oodImageSetId: result.oodImageSetId,
          oodName: sets.find((s) => s.id === result.oodImageSetId)?.name ?? result.oodImageSetId,
          fprAtTprId: result.fprAtTprId,
          fprAtTprOod: result.fprAtTprOod,
          auroc: result.auroc,
          fprAtThreshold: point.oodFpr,
          tprAtThreshold: point.idTpr,
        },
      ];
    });
  }

  async get(id: string): Promise<Detector> {
    checkId(id);
    const row = await this.repository.find(id);
    if (row === null) throw notFound('detector', id);
    return this.toDetector(row, (await this.models.find(row.modelId))?.kind ?? null);
  }

  async list(args: DetectorsArgs, options: { totalCount?: boolean } = {}): Promise<Page<Detector>> {
    checkPageSize(args.first, this.config.maxPageSize);
    const filter = args.filter ?? {};
    const where = {
      labelSetId: filter.labelSetId ?? undefined,
      modelId: filter.modelId ?? undefined,
      method: filter.method ?? undefined,
      evaluationRunId: filter.evaluationRunId ?? undefined,
    };
    const after = args.after == null ? undefined : decodeCursor(args.after, 2);
    const keyset =
      after === undefined
        ? {}
        : {
            OR: [
              { createdAt: { lt: new Date(String(after[0])) } },
              { createdAt: new Date(String(after[0])), id: { lt: String(after[1]) } },
            ],
          };
    const { rows, totalCount } = await this.repository.page(
      where,
      keyset,
      args.first + 1,
      options.totalCount !== false,
    );
    const kinds = new Map(
      (await this.models.byIds([...new Set(rows.map((r) => r.modelId))])).map((m) => [m.id, m.kind]),
    );
    return toPage(
      rows.map((row) => this.toDetector(row, kinds.get(row.modelId) ?? null)),
      args.first,
      (row) => encodeCursor([row.createdAt.toISOString(), row.id]),
      totalCount,
    );
  }

  async delete(id: string): Promise<boolean> {
    checkId(id);
    const deleted = await this.repository.delete(id);
    if (!deleted) throw notFound('detector', id);
    await this.evict(id);
    return true;
  }

  /**
   * Shutdown: every cached detector finishes its queued requests, then its session and thread go;
   * the compute thread ends at once (requests were drained before: a build still running is one
   * whose request timed out).
   */
  async disposeAll(): Promise<void> {
    await Promise.all([...[...this.sessions.keys()].map((id) => this.evict(id)), this.compute.dispose(0)]);
  }

  private async evict(id: string): Promise<void> {
    const loaded = this.sessions.get(id);
    this.sessions.delete(id);
    this.pipelines.delete(id);
    const detector = loaded === undefined ? undefined : await loaded.catch(() => undefined);
    if (detector === undefined) return;
    // Requests already queued on this detector finish before its session goes.
    await detector.batcher.idle();
    await detector.thread.dispose();
  }

  /** The detector's onnxruntime session, loaded once per process (rows are immutable, so the cache is exact). */
  private session(id: string): Promise<LoadedDetector> {
    let loaded = this.sessions.get(id);
    if (loaded !== undefined) {
      this.sessions.delete(id);
      this.sessions.set(id, loaded);
      return loaded;
    }
    loaded = (async () => {
      const row = await this.repository.onnx(id);
      if (row === null) throw notFound('detector', id);
      // A thread that dies is started again by the next detect (from the same immutable bytes).
      const thread = await DetectorThread.load(row.onnx, {
        threads: this.config.threads,
        chunkRows: DETECT_COALESCE_ROWS,
      });
      return {
        thread,
        batcher: new DetectBatcher(thread, {
          maxBatchRows: DETECT_COALESCE_ROWS,
          maxQueuedRequests: DETECT_MAX_QUEUED,
        }),
        labels: row.labels,
        embeddingDim: row.embeddingDim,
        modelId: row.modelId,
        modelHash: row.modelHash,
      };
    })();
    loaded.catch(() => this.sessions.delete(id));
    this.sessions.set(id, loaded);
    while (this.sessions.size > CACHED_DETECTOR_SESSIONS) void this.evict(this.sessions.keys().next().value!);
    return loaded;
  }

  /** The largest request body the HTTP detect route reads (NEGMINE_MAX_BODY_BYTES). */
  get maxBodyBytes(): number {
    return this.config.limits.maxBodyBytes;
  }

  /** How many sessions are loaded (for tests). */
  get cachedSessions(): number {
    return this.sessions.size;
  }

  async detect(detectorId: string, input: DetectInput): Promise<DetectResult> {
    const given = [input.embeddings != null, input.imagesBase64 != null, input.imageSetId != null].filter(
      Boolean,
    ).length;
    checkId(detectorId);
    if (given !== 1) throw badInput('give exactly one of embeddings { npyBase64 }, imagesBase64 or imageSetId');
    // The loaded session carries the (immutable) row: a warm detect asks the database nothing.
    const loaded = await this.session(detectorId);
    const images = await this.imagesOf(detectorId, loaded, input);
    return this.run(detectorId, loaded, images);
  }

  /**
   * detect on a binary `.npy` (float32 or float64 [n, d]): the HTTP fast path
   * (POST /detectors/:id/detect). Same checks, same errors, same session and batching as `detect`.
   */
  async detectNpy(detectorId: string, npy: Uint8Array): Promise<DetectResult> {
    checkId(detectorId);
    const loaded = await this.session(detectorId);
    return this.run(detectorId, loaded, embeddingsOfNpy(npy));
  }

  /** The checks every source of embeddings passes, then the detector's (batched) run. */
  private async run(detectorId: string, loaded: LoadedDetector, images: Matrix): Promise<DetectResult> {
    if (images.rows === 0)
      throw badInput(`the batch is empty; give at least one image (at most ${this.config.maxDetectBatch})`, {
        max: this.config.maxDetectBatch,
      });
    if (images.rows > this.config.maxDetectBatch) {
      throw badInput(
        `the batch has ${images.rows} images; at most ${this.config.maxDetectBatch} per request (NEGMINE_MAX_DETECT_BATCH)`,
        { rows: images.rows, max: this.config.maxDetectBatch },
      );
    }
    if (images.cols !== loaded.embeddingDim) {
      throw badInput(
        `detector ${detectorId} takes embeddings of width d = ${loaded.embeddingDim}; got width ${images.cols}`,
        { dim: images.cols, expected: loaded.embeddingDim },
      );
    }
    const result = await loaded.batcher.detect(images);
    return { detectorId, count: images.rows, results: detections(result, loaded.labels) };
  }

  private async imagesOf(detectorId: string, loaded: LoadedDetector, input: DetectInput): Promise<Matrix> {
    if (input.embeddings != null) {
      const bytes = Buffer.from(input.embeddings.npyBase64, 'base64');
      return embeddingsOfNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    const row = { id: detectorId, ...loaded };
    const model = await this.models.find(row.modelId);
    if (model === null) throw notFound('model', row.modelId);
    const ref: ModelRef = {
      kind: model.kind,
      folder: model.folder,
      contentHash: row.modelHash,
      embeddingDim: row.embeddingDim,
    };
    if (input.imageSetId != null) {
      if ((await this.imageSets.find(input.imageSetId)) === null) throw notFound('image set', input.imageSetId);
      return this.inputs.imageMatrix(ref, input.imageSetId);
    }
    const files = input.imagesBase64!;
    if (files.length === 0)
      throw badInput(`the batch is empty; give at least one image (at most ${this.config.maxDetectBatch})`, {
        max: this.config.maxDetectBatch,
      });
    if (files.length > this.config.maxDetectBatch)
      throw badInput(`the batch has ${files.length} images; at most ${this.config.maxDetectBatch} per request`, {
        rows: files.length,
        max: this.config.maxDetectBatch,
      });
    if (model.kind !== ModelKind.onnx_folder || model.folder === null) {
      throw badInput(
        `detector ${row.id} was built on model '${model.name}', an imported embedding space; image files need an ONNX model: send embeddings instead`,
      );
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'negmine-detect-'));
    try {
      const paths = files.map((_, i) => path.join(dir, `image-${i}`));
      await Promise.all(files.map((file, i) => writeFile(paths[i]!, Buffer.from(file, 'base64'))));
      const encoded = await (await this.clipModels.get(model.folder)).encodeImageFiles(paths);
      if (encoded.failures.length > 0) {
        const failed = encoded.failures.map((f) => paths.indexOf(f.path));
        throw badInput(
          `${encoded.failures.length} of ${files.length} images could not be decoded (indices ${failed.slice(0, 20).join(', ')}); accepted: JPEG, PNG, WebP, GIF, TIFF, AVIF files, base64-encoded`,
          { indices: failed.slice(0, 20) },
        );
      }
      return { data: encoded.embeddings, rows: encoded.files.length, cols: encoded.embeddingDim };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async onnxFile(id: string): Promise<Uint8Array> {
    checkId(id);
    const row = await this.repository.onnx(id);
    if (row === null) throw notFound('detector', id);
    return row.onnx;
  }

  async manifestFile(id: string): Promise<string> {
    checkId(id);
    const row = await this.repository.manifest(id);
    if (row === null) throw notFound('detector', id);
    return row.manifestJson;
  }

  /** The model's vision tower and the detector composed into one graph (ONNX models only). */
  async pipelineFile(id: string): Promise<Uint8Array> {
    checkId(id);
    let composed = this.pipelines.get(id);
    if (composed !== undefined) {
      this.pipelines.delete(id);
    } else {
      composed = this.composePipeline(id);
      composed.catch(() => this.pipelines.delete(id));
    }
    this.pipelines.set(id, composed);
    while (this.pipelines.size > CACHED_PIPELINES) this.pipelines.delete(this.pipelines.keys().next().value!);
    return composed;
  }

  /** How many composed pipeline.onnx files are cached (for tests). */
  get cachedPipelines(): number {
    return this.pipelines.size;
  }

  private async composePipeline(id: string): Promise<Uint8Array> {
    const row = await this.repository.onnx(id);
    if (row === null) throw notFound('detector', id);
    const model = await this.models.find(row.modelId);
    if (model === null || model.kind !== ModelKind.onnx_folder || model.folder === null) {
      throw new ApiError(
        ApiErrorCode.NotFound,
        `detector ${id} was built on an imported embedding space; pipeline.onnx exists only for ONNX models (download detector.onnx)`,
        { id },
      );
    }
    const files = await readModelFolder(model.folder, { towers: 'vision' });
    const tower = (files.visionModel ?? files.combinedModel)?.bytes;
    if (tower === undefined)
      throw badInput(`model '${model.name}' has no ONNX vision tower to compose pipeline.onnx from`);
    return this.compute.composePipeline(tower, row.onnx);
  }

  private toDetector(row: DetectorRow, modelKind: ModelKind | null): Detector {
    return {
      ...row,
      metrics: row.metrics as unknown as DetectorOodMetrics[],
      downloads: detectorDownloads({ id: row.id, modelKind }),
    } as Detector;
  }
}

/** The float32 [n, d] matrix of a `.npy` (float64 is rounded to float32, the detector's input type). */
function embeddingsOfNpy(bytes: Uint8Array): Matrix {
  return asFloat32Matrix(parseNpy(bytes), 'embeddings .npy');
}

function detections(result: DetectionResult, labels: readonly string[]): Detection[] {
  return Array.from(result.scores, (score, index) => {
    const predictedClass = result.predictedClass[index]!;
    return {
      index,
      score,
      isOod: result.isOod[index] === 1,
      predictedClass,
      predictedLabel: labels[predictedClass] ?? String(predictedClass),
      predictedProbability: result.predictedProbability[index]!,
    };
  });
}
