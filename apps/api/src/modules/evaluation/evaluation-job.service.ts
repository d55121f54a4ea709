// The `evaluate` job: makes sure every image of the run's sets is embedded (imported, cached, or
// encoded by `encode-images` shards), scores the ID and OOD sets with the run's method, computes
// the metrics per OOD set, and writes results, per-sample scores and completion in one transaction
// under a status guard (a retried or duplicated job never writes twice).
import { evaluate, type OodMetrics } from '@negmine/metrics';
import { scoringMethod, type ParameterOverrides } from '@negmine/mining';
import type { PrismaClient } from '../../db/prisma.service';
import { ShardKind } from '../../generated/prisma/enums.js';
import { ImageSetKind, ModelKind, RunStatus } from '../common/enums';
import { importedCorpusRowInputHash, importedLabelInputHash, promptInputHash } from '../common/hashing';
import { EmbeddingStore, meanRows } from '../embedding/embedding-store';
import { shardRanges, type EncodingService } from '../embedding/encoding.service';
import type { Matrix, MiningLibrary } from '../mining/mining-library';
import { decodeGroupPermutation } from './group-permutation';
import { type RunLifecycle } from '../run/run-lifecycle';
import { RunKind } from '../run/run.type';

interface ScoredSet {
  readonly imageSetId: string;
  readonly scores: Float64Array;
  readonly guardHits: number;
  readonly skipped: number;
}

/** JSON cannot hold ±Infinity: the (0, 0) end of the ROC curve gets a null threshold. */
function rocPoints(metrics: OodMetrics): { fpr: number; tpr: number; threshold: number | null }[] {
  return metrics.roc.fpr.map((fpr, i) => {
    const threshold = metrics.roc.thresholds[i]!;
    return { fpr, tpr: metrics.roc.tpr[i]!, threshold: Number.isFinite(threshold) ? threshold : null };
  });
}

export class EvaluationJobService {
  private readonly embeddings: EmbeddingStore;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly library: MiningLibrary,
    private readonly encoding: EncodingService,
    private readonly lifecycle: RunLifecycle,
    private readonly options: { threads: number },
  ) {
    this.embeddings = new EmbeddingStore(prisma);
  }

  async run(runId: string, jobRetryCount: number): Promise<void> {
    if (!(await this.lifecycle.begin(RunKind.evaluation, runId, jobRetryCount))) return;
    const heartbeat = this.lifecycle.startHeartbeat(RunKind.evaluation, runId);
    try {
      await this.evaluateRun(runId);
    } finally {
      heartbeat.stop();
    }
  }

  private async evaluateRun(runId: string): Promise<void> {
    const run = await this.prisma.evaluationRun.findUniqueOrThrow({ where: { id: runId }, include: { model: true, labelSet: true, miningRun: true } });
    const setIds = [run.idImageSetId, ...run.oodImageSetIds];
    const sets = await this.prisma.imageSet.findMany({ where: { id: { in: setIds } } });
    const itemsBySet = new Map<string, string[]>();
    for (const setId of setIds) {
      const items = await this.prisma.imageSetItem.findMany({ where: { imageSetId: setId }, orderBy: { position: 'asc' }, select: { inputHash: true } });
      itemsBySet.set(setId, items.map((item) => item.inputHash));
    }

    // 1. Encoding: shard whatever the image cache lacks; the last shard re-sends this job.
    let pending = 0;
    for (const set of sets) {
      if (set.kind !== ImageSetKind.folder) continue;
      const hashes = itemsBySet.get(set.id)!;
      const missing = new Set(await this.embeddings.missing('image', run.modelHash, hashes));
      const needed = new Set<number>();
      hashes.forEach((hash, i) => missing.has(hash) && needed.add(i));
      const plan = await this.encoding.planShards(ShardKind.images, runId, set.id, shardRanges(hashes.length, run.shardSize, needed));
      pending = plan.pending;
    }
    if (pending > 0) return;
    await this.lifecycle.progress(RunKind.evaluation, runId, 0.8);

    // 2. Text side: ID label embeddings and the mining run's negatives.
    const dim = run.model.embeddingDim;
    const labels = run.miningRun?.labelsSnapshot ?? run.labelSet.labels;
    const idText = await this.labelMatrix(run.model.kind, run.model.folder, run.modelHash, labels, run.labelSet.promptTemplates, dim);
    const negText = run.miningRunId === null ? undefined : await this.negativeMatrix(run.miningRunId, run.model.kind, run.modelHash, dim);

    // 3. Scores per set, then metrics of ID against each OOD set.
    const method = scoringMethod(run.method);
    const { preset: _preset, ...params } = run.params as Record<string, number | string>;
    const permutation = run.groupPermutation === null ? undefined : decodeGroupPermutation(run.groupPermutation);
    const scored: ScoredSet[] = [];
    for (const setId of setIds) {
      const hashes = itemsBySet.get(setId)!;
      const vectors = await this.embeddings.load('image', run.modelHash, hashes);
      const present = hashes.filter((hash) => vectors.has(hash));
      const images: Matrix = { data: meanRows(present.map((hash) => [hash]), vectors, dim), rows: present.length, cols: dim };
      const result = await method.score(images, idText, negText, params as ParameterOverrides, { threads: this.options.threads, permutation });
      scored.push({ imageSetId: setId, scores: result.scores, guardHits: result.guardHits, skipped: hashes.length - present.length });
      await this.lifecycle.progress(RunKind.evaluation, runId, 0.8 + (0.15 * scored.length) / setIds.length);
    }
    const idScores = scored[0]!;
    const results = scored.slice(1).map((ood) => {
      const metrics = evaluate({ idScores: idScores.scores, oodScores: ood.scores });
      return {
        evaluationRunId: runId,
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

    // 4. One transaction: the status guard, results and per-sample scores.
    await this.prisma.$transaction(
      async (tx) => {
        const flipped = await tx.evaluationRun.updateMany({
          where: { id: runId, status: RunStatus.running },
          data: {
            status: RunStatus.succeeded,
            progress: 1,
            finishedAt: new Date(),
            statusReason: skipped > 0 ? `${skipped} images could not be decoded and were left out` : null,
          },
        });
        if (flipped.count === 0) return;
        await tx.evaluationResult.deleteMany({ where: { evaluationRunId: runId } });
        await tx.sampleScores.deleteMany({ where: { evaluationRunId: runId } });
        await tx.evaluationResult.createMany({ data: results });
        await tx.sampleScores.createMany({
          data: scored.map((set) => ({ evaluationRunId: runId, imageSetId: set.imageSetId, scores: new Uint8Array(Float32Array.from(set.scores).buffer) })),
        });
      },
      { timeout: 120_000 },
    );
  }

  private async labelMatrix(kind: ModelKind, folder: string | null, modelHash: string, labels: readonly string[], templates: readonly string[], dim: number): Promise<Matrix> {
    let keys: string[][];
    if (kind === ModelKind.imported_space) {
      keys = labels.map((label) => [importedLabelInputHash(label)]);
    } else {
      const prompts = this.library.labelPrompts(labels, templates);
      await this.encoding.encodePrompts(folder!, modelHash, prompts);
      keys = labels.map((_, i) => prompts.slice(i * templates.length, (i + 1) * templates.length).map(promptInputHash));
    }
    const vectors = await this.embeddings.load('text', modelHash, keys.flat());
    return { data: meanRows(keys, vectors, dim), rows: labels.length, cols: dim };
  }

  /** The selected negatives' text embeddings, in rank order (the order the grouping permutes). */
  private async negativeMatrix(miningRunId: string, kind: ModelKind, modelHash: string, dim: number): Promise<Matrix> {
    const miningRun = await this.prisma.miningRun.findUniqueOrThrow({ where: { id: miningRunId }, include: { corpus: { select: { versionHash: true } } } });
    const negatives = await this.prisma.negativeLabel.findMany({ where: { miningRunId }, orderBy: { rank: 'asc' }, select: { corpusIndex: true } });
    let keys: string[][];
    if (kind === ModelKind.imported_space) {
      keys = negatives.map((n) => [importedCorpusRowInputHash(miningRun.corpus.versionHash, n.corpusIndex)]);
    } else {
      const { prompts, promptStart } = this.library.wordNetPrompts(miningRun.corpus.versionHash);
      keys = negatives.map((n) => prompts.slice(promptStart[n.corpusIndex]!, promptStart[n.corpusIndex + 1]!).map(promptInputHash));
    }
    const vectors = await this.embeddings.load('text', modelHash, keys.flat());
    return { data: meanRows(keys, vectors, dim), rows: negatives.length, cols: dim };
  }
}
