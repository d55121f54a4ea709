// Encoding work of runs, split into shard jobs so many workers share one run: plans shards for
// what the caches lack, encodes one shard (images of a set, or prompts of a corpus) and, when the
// last shard of a run is done, re-sends the run's parent job. Everything is idempotent.
import path from 'node:path';
import type { PrismaClient } from '../../db/prisma.service';
import type { JobPayloads, JobQueue } from '../../jobs/queue';
import type { Logger } from '../../logger';
import { promptInputHash } from '../common/hashing';
import { ShardKind } from '../../generated/prisma/enums.js';
import type { MiningLibrary } from '../mining/mining-library';
import type { ClipModels } from '../model/clip-models';
import { type RunLifecycle } from '../run/run-lifecycle';
import { RunKind } from '../run/run.type';
import { EmbeddingStore } from './embedding-store';

export interface ShardPlan {
  readonly total: number;
  readonly pending: number;
}

/** Consecutive [start, end) ranges of `size` over [0, count) that contain at least one index in `needed`. */
export function shardRanges(count: number, size: number, needed: ReadonlySet<number>): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < count; start += size) {
    const end = Math.min(count, start + size);
    for (let i = start; i < end; i++) {
      if (needed.has(i)) {
        ranges.push([start, end]);
        break;
      }
    }
  }
  return ranges;
}

export class EncodingService {
  private readonly embeddings: EmbeddingStore;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly clipModels: ClipModels,
    private readonly mining: MiningLibrary,
    private readonly queue: Pick<JobQueue, 'send'>,
    private readonly lifecycle: RunLifecycle,
    private readonly logger: Logger,
  ) {
    this.embeddings = new EmbeddingStore(prisma);
  }

  /** Records the shards of a run's target and sends a job for each pending one; returns the run's shard counts. */
  async planShards(kind: ShardKind, runId: string, targetId: string, ranges: readonly [number, number][]): Promise<ShardPlan> {
    if (ranges.length > 0) {
      await this.prisma.encodeShard.createMany({
        data: ranges.map(([start, end]) => ({ runId, kind, targetId, start, end })),
        skipDuplicates: true,
      });
    }
    const pending = await this.prisma.encodeShard.findMany({ where: { runId, kind, targetId, status: 'pending' } });
    for (const shard of pending) {
      if (kind === ShardKind.images) {
        await this.queue.send('encode-images', { runId, imageSetId: targetId, start: shard.start, end: shard.end }, `images:${runId}:${targetId}:${shard.start}`);
      } else {
        await this.queue.send('encode-text', { runId, corpusId: targetId, start: shard.start, end: shard.end }, `text:${runId}:${targetId}:${shard.start}`);
      }
    }
    return this.shardCounts(runId);
  }

  async shardCounts(runId: string): Promise<ShardPlan> {
    const [total, pending] = await Promise.all([
      this.prisma.encodeShard.count({ where: { runId } }),
      this.prisma.encodeShard.count({ where: { runId, status: 'pending' } }),
    ]);
    return { total, pending };
  }

  /** Encodes images [start, end) of a folder image set with the run's model into the image cache. */
  async encodeImageShard(job: JobPayloads['encode-images']): Promise<void> {
    const run = await this.prisma.evaluationRun.findUnique({ where: { id: job.runId }, include: { model: true } });
    if (run === null || !(await this.lifecycle.isActive(RunKind.evaluation, job.runId))) return;
    const imageSet = await this.prisma.imageSet.findUnique({ where: { id: job.imageSetId } });
    if (imageSet === null || imageSet.folder === null || run.model.folder === null) throw new Error(`shard ${job.imageSetId} is not a folder set of an ONNX model`);
    const items = await this.prisma.imageSetItem.findMany({
      where: { imageSetId: job.imageSetId, position: { gte: job.start, lt: job.end } },
      orderBy: { position: 'asc' },
    });
    const missing = new Set(await this.embeddings.missing('image', run.modelHash, items.map((item) => item.inputHash)));
    const todo = items.filter((item) => missing.has(item.inputHash));
    // A shard can take minutes on a CPU: it keeps the parent run's heartbeat fresh meanwhile.
    const heartbeat = this.lifecycle.startHeartbeat(RunKind.evaluation, job.runId);
    try {
      await this.encodeImages(run.model.folder, run.modelHash, imageSet.folder, todo, job.runId);
    } finally {
      heartbeat.stop();
    }
    await this.finishShard(ShardKind.images, job.runId, job.imageSetId, job.start, RunKind.evaluation, 'evaluate');
  }

  private async encodeImages(folder: string, modelHash: string, imageFolder: string, todo: readonly { path: string | null; inputHash: string }[], runId: string): Promise<void> {
    if (todo.length > 0) {
      const model = await this.clipModels.get(folder);
      const files = todo.map((item) => path.join(imageFolder, item.path ?? ''));
      const result = await model.image!.encodeFiles(files, {});
      const hashOf = new Map(todo.map((item, i) => [files[i]!, item.inputHash]));
      const dim = result.embeddingDim;
      await this.embeddings.store(
        'image',
        modelHash,
        result.files.map((file, row) => ({ inputHash: hashOf.get(file)!, vector: result.embeddings.subarray(row * dim, (row + 1) * dim) })),
      );
      if (result.failures.length > 0) {
        this.logger.warn({ runId, failures: result.failures.slice(0, 5), count: result.failures.length }, 'images could not be decoded; they are left out');
      }
    }
  }

  /** Encodes the prompts of corpus entries [start, end) with the run's model into the text cache. */
  async encodeTextShard(job: JobPayloads['encode-text']): Promise<void> {
    const run = await this.prisma.miningRun.findUnique({
      where: { id: job.runId },
      include: { model: true, corpus: { select: { versionHash: true } } },
    });
    if (run === null || !(await this.lifecycle.isActive(RunKind.mining, job.runId))) return;
    if (run.model.folder === null) throw new Error(`mining run ${job.runId} has no ONNX model to encode with`);
    const { prompts, promptStart } = this.mining.wordNetPrompts(run.corpus.versionHash);
    const shardPrompts = prompts.slice(promptStart[job.start]!, promptStart[job.end]!);
    const heartbeat = this.lifecycle.startHeartbeat(RunKind.mining, job.runId);
    try {
      await this.encodePrompts(run.model.folder, run.modelHash, shardPrompts);
    } finally {
      heartbeat.stop();
    }
    await this.finishShard(ShardKind.text, job.runId, job.corpusId, job.start, RunKind.mining, 'mine');
  }

  /** Encodes whichever of `prompts` the text cache lacks (used inline for the few label prompts). */
  async encodePrompts(folder: string, modelHash: string, prompts: readonly string[]): Promise<void> {
    const byHash = new Map(prompts.map((prompt) => [promptInputHash(prompt), prompt]));
    const missing = await this.embeddings.missing('text', modelHash, [...byHash.keys()]);
    if (missing.length === 0) return;
    const model = await this.clipModels.get(folder);
    const texts = missing.map((hash) => byHash.get(hash)!);
    const vectors = await model.text!.encode(texts);
    const dim = model.embeddingDim;
    await this.embeddings.store('text', modelHash, missing.map((inputHash, row) => ({ inputHash, vector: vectors.subarray(row * dim, (row + 1) * dim) })));
  }

  private async finishShard(kind: ShardKind, runId: string, targetId: string, start: number, runKind: RunKind, parent: 'mine' | 'evaluate'): Promise<void> {
    await this.prisma.encodeShard.updateMany({ where: { runId, kind, targetId, start }, data: { status: 'done' } });
    const counts = await this.shardCounts(runId);
    await this.lifecycle.progress(runKind, runId, (0.8 * (counts.total - counts.pending)) / Math.max(1, counts.total));
    // The last shard re-sends the parent; if two finish together both send, and the parent is idempotent.
    if (counts.pending === 0) await this.queue.send(parent, { runId }, `${parent}:${runId}:after-shards`);
  }
}
