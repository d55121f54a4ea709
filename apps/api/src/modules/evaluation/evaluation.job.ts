// The `evaluate` job body and its `encode-images` shards, run by the RunJob shell: prepare names
// the images of folder sets the image cache lacks (they become shards), compute scores the ID and
// OOD sets with the run's method, computes the metrics per OOD set, and returns results, per-sample
// scores, warnings and diagnostics for the shell's guarded commit.
import { evaluate, type OodMetrics } from '@negmine/metrics';
import { scoringMethod, type ParameterOverrides } from '@negmine/mining';
import type { JobPayloads } from '../../jobs/queue';
import type { RunJobBody, RunJobContext, RunOutcome, ShardJobBody, ShardRequest } from '../../runs/run-job';
import { ShardKind } from '../../runs/run.repository';
import { meanRows, type EmbeddingStore } from '../../shared/embedding-store';
import { ImageSetKind, ModelKind } from '../../shared/enums';
import { importedCorpusRowInputHash, importedLabelInputHash, promptInputHash } from '../../shared/hashing';
import type { Matrix, WordNetCorpus } from '../../shared/wordnet-corpus';
import { shardRanges, type EncodingService } from '../embedding';
import type { ImageSetRepository } from '../image-set';
import type { MiningRepository } from '../mining';
import type { EvaluationRepository, EvaluationRunForJob, ResultInsert } from './evaluation.repository';
import { decodeGroupPermutation } from './group-permutation';

interface ScoredSet {
  readonly imageSetId: string;
  readonly scores: Float64Array;
  readonly guardHits: number;
  readonly skipped: number;
  readonly warnings: readonly { code: string; message: string; details: Readonly<Record<string, unknown>> }[];
  readonly diagnostics: Readonly<Record<string, number>> | undefined;
}

/** JSON cannot hold ±Infinity: the (0, 0) end of the ROC curve gets a null threshold. */
function rocPoints(metrics: OodMetrics): { fpr: number; tpr: number; threshold: number | null }[] {
  return metrics.roc.fpr.map((fpr, i) => {
    const threshold = metrics.roc.thresholds[i]!;
    return { fpr, tpr: metrics.roc.tpr[i]!, threshold: Number.isFinite(threshold) ? threshold : null };
  });
}

export class EvaluationJob implements RunJobBody {
  readonly kind = 'evaluation' as const;

  constructor(
    private readonly runs: EvaluationRepository,
    private readonly imageSets: ImageSetRepository,
    private readonly miningRuns: MiningRepository,
    private readonly embeddings: EmbeddingStore,
    private readonly encoding: EncodingService,
    private readonly wordNet: WordNetCorpus,
    private readonly options: { threads: number },
  ) {}

  async prepare(context: RunJobContext): Promise<ShardRequest[]> {
    const run = await this.runs.forJob(context.runId);
    const requests: ShardRequest[] = [];
    for (const set of await this.imageSets.byIds([run.idImageSetId, ...run.oodImageSetIds])) {
      if (set.kind !== ImageSetKind.folder) continue;
      const hashes = await this.imageSets.itemHashes(set.id);
      const missing = new Set(await this.embeddings.missing('image', run.modelHash, hashes));
      const needed = new Set<number>();
      hashes.forEach((hash, i) => missing.has(hash) && needed.add(i));
      requests.push({ kind: ShardKind.images, targetId: set.id, ranges: shardRanges(hashes.length, run.shardSize, needed) });
    }
    return requests;
  }

  async compute(context: RunJobContext): Promise<RunOutcome> {
    const run = await this.runs.forJob(context.runId);
    const setIds = [run.idImageSetId, ...run.oodImageSetIds];
    // Text side: ID label embeddings and the mining run's negatives.
    const dim = run.model.embeddingDim;
    const labels = run.miningRun?.labelsSnapshot ?? run.labelSet.labels;
    const idText = await this.labelMatrix(run, labels, dim);
    const negText = run.miningRunId === null ? undefined : await this.negativeMatrix(run.miningRunId, run.model.kind, run.modelHash, dim);

    // Scores per set, then metrics of ID against each OOD set.
    const method = scoringMethod(run.method);
    const { preset: _preset, ...params } = run.params as Record<string, number | string>;
    const permutation = run.groupPermutation === null ? undefined : decodeGroupPermutation(run.groupPermutation);
    const scored: ScoredSet[] = [];
    for (const setId of setIds) {
      const hashes = await this.imageSets.itemHashes(setId);
      const vectors = await this.embeddings.load('image', run.modelHash, hashes);
      const present = hashes.filter((hash) => vectors.has(hash));
      const images: Matrix = { data: meanRows(present.map((hash) => [hash]), vectors, dim), rows: present.length, cols: dim };
      const result = await method.score(images, idText, negText, params as ParameterOverrides, { threads: this.options.threads, permutation });
      scored.push({
        imageSetId: setId,
        scores: result.scores,
        guardHits: result.guardHits,
        skipped: hashes.length - present.length,
        warnings: result.warnings,
        diagnostics: result.diagnostics,
      });
      await context.progress((0.75 * scored.length) / setIds.length);
    }
    const idScores = scored[0]!;
    const results: ResultInsert[] = scored.slice(1).map((ood) => {
      const metrics = evaluate({ idScores: idScores.scores, oodScores: ood.scores });
      return {
        evaluationRunId: run.id,
        oodImageSetId: ood.imageSetId,
        fprAtTprId: metrics.fprAtTprId,
        fprAtTprOod: metrics.fprAtTprOod,
        auroc: metrics.auroc,
        auprIn: metrics.auprIn,
        auprOut: metrics.auprOut,
        nId: metrics.nId,
        nOod: metrics.nOod,
        thresholdAtTprId: metrics.thresholdAtTprId,
        rocPoints: rocPoints(metrics),
        histograms: { edges: metrics.histograms.edges, idCounts: metrics.histograms.idCounts, oodCounts: metrics.histograms.oodCounts },
        guardHits: idScores.guardHits + ood.guardHits,
      };
    });
    const skipped = scored.reduce((sum, set) => sum + set.skipped, 0);
    const warnings = scored.flatMap((set) => set.warnings.map((warning) => ({ imageSetId: set.imageSetId, ...warning })));
    const withDiagnostics = scored.filter((set) => set.diagnostics !== undefined);
    const diagnostics = withDiagnostics.length === 0 ? undefined : Object.fromEntries(withDiagnostics.map((set) => [set.imageSetId, set.diagnostics]));
    return {
      runFields: {
        statusReason: skipped > 0 ? `${skipped} images could not be decoded and were left out` : null,
        warnings,
        ...(diagnostics === undefined ? {} : { diagnostics }),
      },
      write: (tx) => this.runs.writeResults(tx, run.id, results, scored.map((set) => ({ imageSetId: set.imageSetId, scores: Float32Array.from(set.scores) }))),
    };
  }

  private async labelMatrix(run: EvaluationRunForJob, labels: readonly string[], dim: number): Promise<Matrix> {
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
      keys = corpusIndices.map((index) => prompts.slice(promptStart[index]!, promptStart[index + 1]!).map(promptInputHash));
    }
    const vectors = await this.embeddings.load('text', modelHash, keys.flat());
    return { data: meanRows(keys, vectors, dim), rows: keys.length, cols: dim };
  }
}

/** `encode-images`: encodes images [start, end) of a folder image set with the run's model into the image cache. */
export class EncodeImagesShardJob implements ShardJobBody<'encode-images'> {
  readonly kind = 'evaluation' as const;

  constructor(
    private readonly runs: EvaluationRepository,
    private readonly imageSets: ImageSetRepository,
    private readonly encoding: EncodingService,
  ) {}

  async encode(shard: JobPayloads['encode-images']): Promise<void> {
    const run = await this.runs.forImageShard(shard.runId);
    if (run === null) return;
    const imageSet = await this.imageSets.find(shard.imageSetId);
    if (imageSet === null || imageSet.folder === null || run.model.folder === null) throw new Error(`shard ${shard.imageSetId} is not a folder set of an ONNX model`);
    const items = await this.imageSets.items(shard.imageSetId, shard.start, shard.end);
    await this.encoding.encodeImages(run.model.folder, run.modelHash, imageSet.folder, items, shard.runId);
  }
}
