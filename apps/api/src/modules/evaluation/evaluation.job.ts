// The `evaluate` job body and its `encode-images` shards, run by the RunJob shell: prepare names
// the images of folder sets the image cache lacks (they become shards); compute gathers the
// embeddings and hands them to @negmine/mining's evaluateMethod — the one evaluation protocol, also
// behind `negmine evaluate` (stream methods see concat(OOD, ID) per OOD set in a seeded order) —
// and returns its per-set metrics, the mean row, warnings and diagnostics, with the ROC curves and
// histograms of each set, for the shell's guarded commit.
import {
  DEFAULT_BINS,
  DEFAULT_ROC_POINTS,
  histogramsFromSweep,
  rocCurveFromSweep,
  rocSweep,
  type RocCurve,
} from '@negmine/metrics';
import {
  scoringMethod,
  type MethodEvaluation,
  type MethodInputs,
  type ParameterOverrides,
  type SetEvaluation,
} from '@negmine/mining';
import type { JobPayloads } from '../../jobs/queue';
import { runInComputeProcess } from '../../runs/compute-process';
import type { RunJobBody, RunJobContext, RunOutcome, ShardJobBody, ShardRequest } from '../../runs/run-job';
import { ShardKind } from '../../runs/run.repository';
import { storedEntries } from '../../shared/corpus-store';
import { meanRows, type EmbeddingStore } from '../../shared/embedding-store';
import { ImageSetKind, ModelKind } from '../../shared/enums';
import { importedCorpusRowInputHash, importedLabelInputHash, promptInputHash } from '../../shared/hashing';
import type { Matrix, WordNetCorpus } from '../../shared/wordnet-corpus';
import { shardRanges, type EncodingService } from '../embedding';
import type { DecodeFailureRepository, ImageSetRepository } from '../image-set';
import type { MiningRepository } from '../mining';
import type { ModelRepository } from '../model';
import type { EvaluationRepository, EvaluationRunForJob, ResultInsert } from './evaluation.repository';
import type { StreamOrderRecord } from './evaluation.service';
import { decodeGroupPermutation } from './group-permutation';
import { assertStreamOrderLengths, assertUsableImages, type GatheredSet } from './usable-images';

/** Seed of the noise images a method such as TANL seeds its negative queue with (the library's default). */
export const NOISE_IMAGE_SEED = 0;

/** JSON cannot hold ±Infinity: the (0, 0) end of the ROC curve gets a null threshold. */
function rocPoints(roc: RocCurve): { fpr: number; tpr: number; threshold: number | null }[] {
  return roc.fpr.map((fpr, i) => {
    const threshold = roc.thresholds[i]!;
    return { fpr, tpr: roc.tpr[i]!, threshold: Number.isFinite(threshold) ? threshold : null };
  });
}

function meanOf(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length === 0 ? 0 : sum / values.length;
}

/** The record of how a run was scored, stored as the run's diagnostics. */
function diagnosticsOf(
  evaluation: MethodEvaluation,
  noise: { seed: number; size: number } | undefined,
): Record<string, unknown> {
  return {
    protocol: evaluation.protocol,
    streamSeed: evaluation.seed,
    batchSize: evaluation.batchSize,
    recall: evaluation.recall,
    precision: evaluation.precision,
    ...(evaluation.grouping === undefined ? {} : { grouping: evaluation.grouping }),
    ...(evaluation.inputs === undefined
      ? {}
      : {
          inputs: {
            ...evaluation.inputs,
            ...(noise === undefined ? {} : { noiseImageSeed: noise.seed, noiseImageSize: noise.size }),
          },
        }),
    sets: Object.fromEntries(
      evaluation.sets.map((set) => [
        set.name,
        {
          diagnostics: set.diagnostics,
          guardHits: set.guardHits,
          ...(set.stream === undefined ? {} : { streamOrder: set.stream.record }),
          // The per-image std over the P permutations, summarised (the per-image values are not kept).
          ...(set.std === undefined
            ? {}
            : { permutationStdMean: { id: meanOf(set.std.id), ood: meanOf(set.std.ood) } }),
        },
      ]),
    ),
  };
}

/** The run's given orders by kind (and OOD set id), decoded from givenOrderData. */
function givenOrders(run: Pick<EvaluationSource, 'givenOrderData' | 'streamOrders'>): {
  stream: Record<string, Int32Array>;
  positiveInit?: Int32Array;
  noiseInit?: Int32Array;
} {
  const all = run.givenOrderData === null ? new Int32Array(0) : decodeGroupPermutation(run.givenOrderData);
  const result: { stream: Record<string, Int32Array>; positiveInit?: Int32Array; noiseInit?: Int32Array } = {
    stream: {},
  };
  for (const record of run.streamOrders as unknown as StreamOrderRecord[]) {
    if (!record.given || record.offset === undefined) continue;
    const order = all.subarray(record.offset, record.offset + record.length);
    if (record.kind === 'stream') result.stream[record.imageSetId!] = order;
    else result[record.kind] = order;
  }
  return result;
}

/** Every order the run was scored with, given or drawn, with its SHA-256 (stored with the run). */
function usedOrders(evaluation: MethodEvaluation): StreamOrderRecord[] {
  const records: StreamOrderRecord[] = evaluation.sets.flatMap((set) =>
    set.stream === undefined
      ? []
      : [
          {
            kind: 'stream' as const,
            imageSetId: set.name,
            given: set.stream.record.given,
            seed: set.stream.record.seed,
            length: set.stream.record.length,
            sha256: set.stream.record.sha256,
          },
        ],
  );
  const init = [
    ['positiveInit', evaluation.inputs?.positiveInitOrder],
    ['noiseInit', evaluation.inputs?.noiseInitOrder],
  ] as const;
  for (const [kind, record] of init) {
    if (record !== undefined)
      records.push({ kind, given: record.given, seed: record.seed, length: record.length, sha256: record.sha256 });
  }
  return records;
}

function resultRow(runId: string, set: SetEvaluation): ResultInsert {
  const sweep = rocSweep({ idScores: set.idScores, oodScores: set.oodScores });
  const histograms = histogramsFromSweep(sweep, DEFAULT_BINS);
  return {
    evaluationRunId: runId,
    oodImageSetId: set.name,
    ...set.metrics,
    rocPoints: rocPoints(rocCurveFromSweep(sweep, DEFAULT_ROC_POINTS)),
    histograms: { edges: histograms.edges, idCounts: histograms.idCounts, oodCounts: histograms.oodCounts },
    guardHits: set.guardHits,
  };
}

/** What an evaluation's inputs are gathered from: an evaluation run, or one half (validation or test) of a sweep. */
export type EvaluationSource = Pick<
  EvaluationRunForJob,
  | 'method'
  | 'model'
  | 'modelId'
  | 'modelHash'
  | 'labelSet'
  | 'miningRun'
  | 'miningRunId'
  | 'idImageSetId'
  | 'oodImageSetIds'
  | 'shardSize'
  | 'givenOrderData'
  | 'streamOrders'
>;

/** The embeddings and extra inputs of one evaluation, ready for evaluateMethod. */
export interface GatheredInputs {
  readonly idText: Matrix;
  readonly negText: Matrix | undefined;
  readonly idImages: Matrix;
  readonly oodSets: readonly { readonly name: string; readonly images: Matrix }[];
  /** Images left out because they have no embedding for the model (their files failed to decode). */
  readonly skipped: number;
  readonly givenStreamOrders: Record<string, Int32Array>;
  readonly extra: { inputs: MethodInputs; noise?: { seed: number; size: number } } | undefined;
}

/** An evaluation as stored: the run's columns set at commit, its result rows and per-image scores. */
export interface EvaluationRecord {
  readonly runFields: {
    statusReason: string | null;
    warnings: object[];
    diagnostics: Record<string, unknown>;
    meanMetrics: MethodEvaluation['mean'];
    streamOrders?: StreamOrderRecord[];
  };
  readonly results: ResultInsert[];
  readonly scores: { imageSetId: string; scores: Float32Array }[];
}

/** Turns evaluateMethod's output into what the run stores (metrics, curves, warnings, diagnostics, scores). */
export function evaluationRecord(
  runId: string,
  idImageSetId: string,
  evaluation: MethodEvaluation,
  gathered: Pick<GatheredInputs, 'skipped' | 'extra'>,
): EvaluationRecord {
  const warnings = evaluation.sets.flatMap((set) =>
    set.warnings.map((warning) => ({ imageSetId: set.name, ...warning })),
  );
  const results = evaluation.sets.map((set) => resultRow(runId, set));
  // One score row per image set: a stream method scores the ID images once per OOD stream; the first one is kept.
  const scores = [
    { imageSetId: idImageSetId, scores: Float32Array.from(evaluation.sets[0]!.idScores) },
    ...evaluation.sets.map((set) => ({ imageSetId: set.name, scores: Float32Array.from(set.oodScores) })),
  ];
  return {
    runFields: {
      statusReason:
        gathered.skipped === 0
          ? null
          : gathered.skipped === 1
            ? '1 image could not be decoded and was left out (listed in decodeFailures)'
            : `${gathered.skipped} images could not be decoded and were left out (listed in decodeFailures)`,
      warnings,
      diagnostics: diagnosticsOf(evaluation, gathered.extra?.noise),
      meanMetrics: evaluation.mean,
      ...(evaluation.protocol === 'stream' ? { streamOrders: usedOrders(evaluation) } : {}),
    },
    results,
    scores,
  };
}

/** The parameters to score with: the stored ones without the preset's name (its values are in them). */
export function scoringParams(params: unknown): ParameterOverrides {
  const { preset: _preset, ...rest } = params as Record<string, number | string>;
  return rest as ParameterOverrides;
}

/**
 * Gathers what an evaluation scores: the ID label and negative text embeddings, the image
 * embeddings of its sets, given orders and the extra inputs of methods that need them; and plans
 * the image shards of folder sets the cache lacks. Shared by the `evaluate` and `sweep` jobs.
 */
export class EvaluationInputs {
  constructor(
    private readonly imageSets: ImageSetRepository,
    private readonly miningRuns: MiningRepository,
    private readonly embeddings: EmbeddingStore,
    private readonly encoding: EncodingService,
    private readonly wordNet: WordNetCorpus,
  ) {}

  /** Image shards for the folder sets' images the cache lacks. */
  async imageShards(
    source: Pick<EvaluationSource, 'modelId' | 'modelHash' | 'shardSize'>,
    imageSetIds: readonly string[],
  ): Promise<ShardRequest[]> {
    const requests: ShardRequest[] = [];
    for (const set of await this.imageSets.byIds([...new Set(imageSetIds)])) {
      if (set.kind !== ImageSetKind.folder) continue;
      const hashes = await this.imageSets.itemHashes(set.id);
      const missing = new Set(await this.embeddings.missing('image', source.modelHash, hashes));
      const needed = new Set<number>();
      hashes.forEach((hash, i) => missing.has(hash) && needed.add(i));
      requests.push({
        kind: ShardKind.images,
        targetId: set.id,
        ranges: shardRanges(hashes.length, source.shardSize, needed),
        modelId: source.modelId,
      });
    }
    return requests;
  }

  async gather(source: EvaluationSource): Promise<GatheredInputs> {
    const dim = source.model.embeddingDim;
    // Images first: a set left without usable images fails the run before any text is encoded.
    const names = new Map(
      (await this.imageSets.byIds([source.idImageSetId, ...source.oodImageSetIds])).map((set) => [set.id, set.name]),
    );
    const load = async (role: GatheredSet['role'], id: string) => {
      const loaded = await this.imageMatrix(source.modelHash, id, dim);
      const set: GatheredSet = { role, id, name: names.get(id) ?? id, total: loaded.total, usable: loaded.images.rows };
      return { set, images: loaded.images };
    };
    const idImages = await load('ID', source.idImageSetId);
    const oodSets: { set: GatheredSet; images: Matrix }[] = [];
    for (const setId of source.oodImageSetIds) oodSets.push(await load('OOD', setId));
    const sets = [idImages.set, ...oodSets.map((ood) => ood.set)];
    assertUsableImages(sets);
    const given = givenOrders(source);
    assertStreamOrderLengths(
      idImages.set,
      oodSets.map((ood) => ood.set),
      given.stream,
    );
    const skipped = sets.reduce((sum, set) => sum + set.total - set.usable, 0);
    const labels = source.miningRun?.labelsSnapshot ?? source.labelSet.labels;
    const idText = await this.labelMatrix(source, labels, dim);
    const negText =
      source.miningRunId === null
        ? undefined
        : await this.negativeMatrix(source.miningRunId, source.model.kind, source.modelHash, dim);
    const extra = await this.methodInputs(source, dim, given);
    return {
      idText,
      negText,
      idImages: idImages.images,
      oodSets: oodSets.map((ood) => ({ name: ood.set.id, images: ood.images })),
      skipped,
      givenStreamOrders: given.stream,
      extra,
    };
  }

  /** The embeddings of an image set's items that could be embedded (undecodable files are left out). */
  private async imageMatrix(
    modelHash: string,
    imageSetId: string,
    dim: number,
  ): Promise<{ images: Matrix; total: number }> {
    const hashes = await this.imageSets.itemHashes(imageSetId);
    const vectors = await this.embeddings.load('image', modelHash, hashes);
    const present = hashes.filter((hash) => vectors.has(hash));
    return {
      images: {
        data: meanRows(
          present.map((hash) => [hash]),
          vectors,
          dim,
        ),
        rows: present.length,
        cols: dim,
      },
      total: hashes.length,
    };
  }

  /** Extra inputs of methods that need them (TANL: the mining run's whole corpus and the noise-image embeddings). */
  private async methodInputs(
    run: EvaluationSource,
    dim: number,
    given: { positiveInit?: Int32Array; noiseInit?: Int32Array },
  ): Promise<{ inputs: MethodInputs; noise?: { seed: number; size: number } } | undefined> {
    const needs = scoringMethod(run.method).extraInputs;
    if (needs.length === 0) return undefined;
    const inputs: {
      corpusText?: Matrix;
      noiseImages?: Matrix;
      positiveInitOrder?: Int32Array;
      noiseInitOrder?: Int32Array;
    } = {
      positiveInitOrder: given.positiveInit,
      noiseInitOrder: given.noiseInit,
    };
    if (needs.includes('corpusText') && run.miningRunId !== null)
      inputs.corpusText = await this.corpusMatrix(run.miningRunId, run.model.kind, run.modelHash, dim);
    let noise: { seed: number; size: number } | undefined;
    if (needs.includes('noiseImages') && run.model.folder !== null) {
      const encoded = await this.encoding.encodeNoiseImages(run.model.folder, NOISE_IMAGE_SEED);
      inputs.noiseImages = encoded.images;
      noise = { seed: NOISE_IMAGE_SEED, size: encoded.size };
    } else if (needs.includes('noiseImages') && run.model.noiseInputHashes.length > 0) {
      // An imported space: the noise-image embeddings imported with importEmbeddings(target: noise).
      const hashes = run.model.noiseInputHashes;
      const vectors = await this.embeddings.load('image', run.modelHash, hashes);
      inputs.noiseImages = {
        data: meanRows(
          hashes.map((hash) => [hash]),
          vectors,
          dim,
        ),
        rows: hashes.length,
        cols: dim,
      };
    }
    return { inputs, noise };
  }

  /** Every entry of a mining run's corpus (not only the selected negatives), in corpus order. */
  private async corpusMatrix(miningRunId: string, kind: ModelKind, modelHash: string, dim: number): Promise<Matrix> {
    const corpus = await this.miningRuns.corpusOfRun(miningRunId);
    const entries = storedEntries(corpus.entries);
    let keys: string[][];
    if (kind === ModelKind.imported_space) {
      keys = entries.map((_, i) => [importedCorpusRowInputHash(corpus.versionHash, i)]);
    } else {
      const { prompts, promptStart } = this.wordNet.wordNetPrompts(corpus.versionHash);
      keys = entries.map((_, i) => prompts.slice(promptStart[i]!, promptStart[i + 1]!).map(promptInputHash));
    }
    const vectors = await this.embeddings.load('text', modelHash, keys.flat());
    return { data: meanRows(keys, vectors, dim), rows: keys.length, cols: dim };
  }

  private async labelMatrix(run: EvaluationSource, labels: readonly string[], dim: number): Promise<Matrix> {
    let keys: string[][];
    if (run.model.kind === ModelKind.imported_space) {
      keys = labels.map((label) => [importedLabelInputHash(label)]);
    } else {
      const templates = run.labelSet.promptTemplates;
      const prompts = this.wordNet.labelPrompts(labels, templates);
      await this.encoding.encodePrompts(run.model.folder!, run.modelHash, prompts);
      keys = labels.map((_, i) => prompts.slice(i * templates.length, (i + 1) * templates.length).map(promptInputHash));
    }
    const vectors = await this.embeddings.load('text', run.modelHash, keys.flat());
    return { data: meanRows(keys, vectors, dim), rows: labels.length, cols: dim };
  }

  /** The selected negatives' text embeddings, in rank order (the order the grouping permutes). */
  private async negativeMatrix(miningRunId: string, kind: ModelKind, modelHash: string, dim: number): Promise<Matrix> {
    const { corpusVersionHash, corpusIndices } = await this.miningRuns.negativeCorpusRows(miningRunId);
    let keys: string[][];
    if (kind === ModelKind.imported_space) {
      keys = corpusIndices.map((index) => [importedCorpusRowInputHash(corpusVersionHash, index)]);
    } else {
      const { prompts, promptStart } = this.wordNet.wordNetPrompts(corpusVersionHash);
      keys = corpusIndices.map((index) =>
        prompts.slice(promptStart[index]!, promptStart[index + 1]!).map(promptInputHash),
      );
    }
    const vectors = await this.embeddings.load('text', modelHash, keys.flat());
    return { data: meanRows(keys, vectors, dim), rows: keys.length, cols: dim };
  }
}

/** The `evaluate` job: gathers the run's inputs, runs evaluateMethod, and returns the record for the shell's commit. */
export class EvaluationJob implements RunJobBody {
  readonly kind = 'evaluation' as const;

  constructor(
    private readonly runs: EvaluationRepository,
    private readonly inputs: EvaluationInputs,
    private readonly options: { threads: number },
  ) {}

  async prepare(context: RunJobContext): Promise<ShardRequest[]> {
    const run = await this.runs.forJob(context.runId);
    return this.inputs.imageShards(run, [run.idImageSetId, ...run.oodImageSetIds]);
  }

  async compute(context: RunJobContext): Promise<RunOutcome> {
    const run = await this.runs.forJob(context.runId);
    const gathered = await this.inputs.gather(run);
    await context.progress(0.25);
    // On a compute process: scoring and metrics hold no event loop, and a cancellation terminates them.
    const evaluation = await runInComputeProcess(
      'evaluate',
      {
        method: run.method,
        params: scoringParams(run.params),
        options: {
          threads: this.options.threads,
          permutation: run.groupPermutation === null ? undefined : decodeGroupPermutation(run.groupPermutation),
        },
        idText: gathered.idText,
        negText: gathered.negText,
        idImages: gathered.idImages,
        oodSets: gathered.oodSets,
        // Stream methods: the given orders, the others drawn from the stream seed (OOD set i: seed + i), as `negmine evaluate --stream-seed`.
        stream: { seed: run.streamSeed ?? run.seed, orders: gathered.givenStreamOrders },
        inputs: gathered.extra?.inputs,
      },
      context.signal,
    );
    await context.progress(0.9);
    const record = evaluationRecord(run.id, run.idImageSetId, evaluation, gathered);
    return {
      runFields: record.runFields,
      write: (tx) => this.runs.writeResults(tx, run.id, record.results, record.scores),
    };
  }
}

/**
 * `encode-images`: encodes images [start, end) of a folder image set into the image cache, for a run
 * of any kind (an evaluation or a sweep), with the model the shard names (older payloads without
 * one: the evaluation run's model).
 */
export class EncodeImagesShardJob implements ShardJobBody<'encode-images'> {
  constructor(
    private readonly runs: EvaluationRepository,
    private readonly models: ModelRepository,
    private readonly imageSets: ImageSetRepository,
    private readonly decodeFailures: DecodeFailureRepository,
    private readonly encoding: EncodingService,
  ) {}

  async encode(shard: JobPayloads['encode-images'], context: RunJobContext): Promise<void> {
    const model = await this.modelOf(shard);
    if (model === null) return;
    const imageSet = await this.imageSets.find(shard.imageSetId);
    if (imageSet === null || imageSet.folder === null || model.folder === null)
      throw new Error(`shard ${shard.imageSetId} is not a folder set of an ONNX model`);
    const items = await this.imageSets.items(shard.imageSetId, shard.start, shard.end);
    // Stopped between steps (a hand-back or cancellation): the steps stored so far stay cached.
    const outcome = await this.encoding.encodeImages(
      model.folder,
      model.hash,
      imageSet.folder,
      items,
      shard.runId,
      context.signal,
    );
    // After the embeddings are stored: a crash in between leaves the files to the retried shard.
    await this.decodeFailures.recordShard({
      imageSetId: shard.imageSetId,
      modelHash: model.hash,
      modelId: model.id,
      ...outcome,
    });
  }

  private async modelOf(
    shard: JobPayloads['encode-images'],
  ): Promise<{ id: string; folder: string | null; hash: string } | null> {
    if (shard.modelId !== undefined) {
      const model = await this.models.find(shard.modelId);
      return model === null ? null : { id: model.id, folder: model.folder, hash: model.contentHash };
    }
    const run = await this.runs.forImageShard(shard.runId);
    return run === null ? null : { id: run.modelId, folder: run.model.folder, hash: run.modelHash };
  }
}
