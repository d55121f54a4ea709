// The `mine` job: gathers the ID-label and corpus text embeddings (imported, cached, or encoded by
// `encode-text` shards), runs the selection and the false-negative diagnostics, and writes the
// negatives and the run's completion in one transaction under a status guard (exactly once).
import type { PrismaClient } from '../../db/prisma.service';
import { ModelKind, RunStatus } from '../common/enums';
import { importedCorpusRowInputHash, importedLabelInputHash, promptInputHash } from '../common/hashing';
import { EmbeddingStore, meanRows } from '../embedding/embedding-store';
import { shardRanges, type EncodingService } from '../embedding/encoding.service';
import { ShardKind } from '../../generated/prisma/enums.js';
import { type RunLifecycle } from '../run/run-lifecycle';
import { RunKind } from '../run/run.type';
import { storedEntries } from './corpus-store';
import { flagNames, type Matrix, type MiningLibrary } from './mining-library';

const INSERT_CHUNK = 2000;

export class MiningJobService {
  private readonly embeddings: EmbeddingStore;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly library: MiningLibrary,
    private readonly encoding: EncodingService,
    private readonly lifecycle: RunLifecycle,
    private readonly options: { threads: number; shardSize: number },
  ) {
    this.embeddings = new EmbeddingStore(prisma);
  }

  async run(runId: string, jobRetryCount: number): Promise<void> {
    if (!(await this.lifecycle.begin(RunKind.mining, runId, jobRetryCount))) return;
    const heartbeat = this.lifecycle.startHeartbeat(RunKind.mining, runId);
    try {
      await this.mine(runId);
    } finally {
      heartbeat.stop();
    }
  }

  private async mine(runId: string): Promise<void> {
    const run = await this.prisma.miningRun.findUniqueOrThrow({ where: { id: runId }, include: { model: true, corpus: true, labelSet: true } });
    const entries = storedEntries(run.corpus.entries);
    const labels = run.labelsSnapshot;
    const dim = run.model.embeddingDim;
    let labelKeys: string[][];
    let corpusKeys: string[][];
    if (run.model.kind === ModelKind.imported_space) {
      labelKeys = labels.map((label) => [importedLabelInputHash(label)]);
      corpusKeys = entries.map((_, i) => [importedCorpusRowInputHash(run.corpus.versionHash, i)]);
    } else {
      const templates = run.labelSet.promptTemplates;
      const labelPrompts = this.library.labelPrompts(labels, templates);
      await this.encoding.encodePrompts(run.model.folder!, run.modelHash, labelPrompts);
      labelKeys = labels.map((_, i) => labelPrompts.slice(i * templates.length, (i + 1) * templates.length).map(promptInputHash));
      const { prompts, promptStart } = this.library.wordNetPrompts(run.corpus.versionHash);
      corpusKeys = entries.map((_, i) => prompts.slice(promptStart[i]!, promptStart[i + 1]!).map(promptInputHash));
      const missing = new Set(await this.embeddings.missing('text', run.modelHash, corpusKeys.flat()));
      if (missing.size > 0) {
        const needed = new Set<number>();
        corpusKeys.forEach((keys, i) => keys.some((key) => missing.has(key)) && needed.add(i));
        const plan = await this.encoding.planShards(ShardKind.text, runId, run.corpusId, shardRanges(entries.length, this.options.shardSize, needed));
        await this.lifecycle.progress(RunKind.mining, runId, (0.8 * (plan.total - plan.pending)) / Math.max(1, plan.total));
        // The last `encode-text` shard re-sends this job.
        if (plan.pending > 0) return;
      }
    }
    const labelVectors = await this.embeddings.load('text', run.modelHash, labelKeys.flat());
    const corpusVectors = await this.embeddings.load('text', run.modelHash, corpusKeys.flat());
    const idEmbeddings: Matrix = { data: meanRows(labelKeys, labelVectors, dim), rows: labels.length, cols: dim };
    const candidates: Matrix = { data: meanRows(corpusKeys, corpusVectors, dim), rows: entries.length, cols: dim };
    await this.lifecycle.progress(RunKind.mining, runId, 0.85);

    const params = run.selectionParams as Record<string, unknown>;
    const selection = await this.library.select(run.selectionMethod, candidates, entries.map((e) => e.pos), idEmbeddings, params, this.options.threads);
    const diagnoses = await this.library.diagnose(entries, run.corpus.source, selection.selectedIndices, labels, candidates, idEmbeddings, this.options.threads);
    const rows = Array.from(selection.selectedIndices, (corpusIndex, rank) => {
      const entry = entries[corpusIndex]!;
      const diagnosis = diagnoses[rank]!;
      return {
        miningRunId: runId,
        rank,
        corpusIndex,
        word: entry.word,
        pos: entry.pos,
        lexname: entry.lexname,
        statistic: selection.statistic[corpusIndex]!,
        falseNegativeFlags: flagNames(diagnosis),
        flagged: diagnosis.flagged,
        nearestIdLabel: diagnosis.nearestIdLabel?.label ?? null,
        nearestIdCosine: diagnosis.nearestIdLabel?.cosine ?? null,
      };
    });
    const resolved = { ...params, ...selection.parameters, statisticName: selection.statisticName, keptCounts: selection.keptCounts };
    await this.prisma.$transaction(
      async (tx) => {
        // The guard: only the job that flips running → succeeded writes; a duplicate or a cancelled run writes nothing.
        const flipped = await tx.miningRun.updateMany({
          where: { id: runId, status: RunStatus.running },
          data: { status: RunStatus.succeeded, progress: 1, finishedAt: new Date(), selectionParams: resolved as never, statusReason: null },
        });
        if (flipped.count === 0) return;
        await tx.negativeLabel.deleteMany({ where: { miningRunId: runId } });
        for (let start = 0; start < rows.length; start += INSERT_CHUNK) await tx.negativeLabel.createMany({ data: rows.slice(start, start + INSERT_CHUNK) });
      },
      { timeout: 120_000 },
    );
  }
}
