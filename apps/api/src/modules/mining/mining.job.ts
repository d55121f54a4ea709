// The `mine` job body and its `encode-text` shards, run by the RunJob shell: prepare names the
// corpus prompts the text cache lacks (they become shards), compute gathers the ID-label and corpus
// embeddings, runs the selection and the false-negative diagnostics, and returns the negatives
// for the shell's guarded commit.
import type { JobPayloads } from '../../jobs/queue';
import type { RunJobBody, RunJobContext, RunOutcome, ShardJobBody, ShardRequest } from '../../runs/run-job';
import { ShardKind } from '../../runs/run.repository';
import { storedEntries } from '../../shared/corpus-store';
import { meanRows, type EmbeddingStore } from '../../shared/embedding-store';
import { ModelKind } from '../../shared/enums';
import { importedCorpusRowInputHash, importedLabelInputHash, promptInputHash } from '../../shared/hashing';
import type { Matrix, WordNetCorpus } from '../../shared/wordnet-corpus';
import { shardRanges, type EncodingService } from '../embedding';
import type { MiningRepository, MiningRunForJob, NegativeRow } from './mining.repository';
import { diagnoseNegatives, flagNames, selectNegatives } from './selection';

export interface MiningJobOptions {
  readonly threads: number;
  readonly shardSize: number;
}

/** The cache keys of a run's ID labels and corpus entries (row i is the mean of its keys' vectors). */
interface TextKeys {
  readonly labelKeys: string[][];
  readonly corpusKeys: string[][];
}

export class MiningJob implements RunJobBody {
  readonly kind = 'mining' as const;

  constructor(
    private readonly runs: MiningRepository,
    private readonly embeddings: EmbeddingStore,
    private readonly encoding: EncodingService,
    private readonly wordNet: WordNetCorpus,
    private readonly options: MiningJobOptions,
  ) {}

  async prepare(context: RunJobContext): Promise<ShardRequest[]> {
    const run = await this.runs.forJob(context.runId);
    if (run.model.kind === ModelKind.imported_space) return [];
    // The few label prompts are encoded inline; the corpus prompts are many, so they become shards.
    await this.encoding.encodePrompts(
      run.model.folder!,
      run.modelHash,
      this.wordNet.labelPrompts(run.labelsSnapshot, run.labelSet.promptTemplates),
      context.signal,
    );
    const { corpusKeys } = this.keys(run);
    const missing = new Set(await this.embeddings.missing('text', run.modelHash, corpusKeys.flat()));
    if (missing.size === 0) return [];
    const needed = new Set<number>();
    corpusKeys.forEach((keys, i) => keys.some((key) => missing.has(key)) && needed.add(i));
    return [
      {
        kind: ShardKind.text,
        targetId: run.corpusId,
        ranges: shardRanges(corpusKeys.length, this.options.shardSize, needed),
      },
    ];
  }

  async compute(context: RunJobContext): Promise<RunOutcome> {
    const run = await this.runs.forJob(context.runId);
    const entries = storedEntries(run.corpus.entries);
    const labels = run.labelsSnapshot;
    const dim = run.model.embeddingDim;
    const { labelKeys, corpusKeys } = this.keys(run);
    const labelVectors = await this.embeddings.load('text', run.modelHash, labelKeys.flat());
    const corpusVectors = await this.embeddings.load('text', run.modelHash, corpusKeys.flat());
    const idEmbeddings: Matrix = { data: meanRows(labelKeys, labelVectors, dim), rows: labels.length, cols: dim };
    const candidates: Matrix = { data: meanRows(corpusKeys, corpusVectors, dim), rows: entries.length, cols: dim };
    await context.progress(0.25);

    const params = run.selectionParams as Record<string, unknown>;
    const { threads } = this.options;
    const selection = await selectNegatives(
      run.selectionMethod,
      candidates,
      entries.map((e) => e.pos),
      idEmbeddings,
      params,
      threads,
      context.signal,
    );
    context.throwIfStopped();
    const diagnoses = await diagnoseNegatives(
      this.wordNet,
      entries,
      run.corpus.source,
      selection.selectedIndices,
      labels,
      candidates,
      idEmbeddings,
      threads,
    );
    context.throwIfStopped();
    const rows: NegativeRow[] = Array.from(selection.selectedIndices, (corpusIndex, rank) => {
      const entry = entries[corpusIndex]!;
      const diagnosis = diagnoses[rank]!;
      return {
        miningRunId: run.id,
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
    const resolved = {
      ...params,
      ...selection.parameters,
      statisticName: selection.statisticName,
      keptCounts: selection.keptCounts,
    };
    return {
      runFields: { selectionParams: resolved, statusReason: null },
      write: (tx) => this.runs.writeNegatives(tx, run.id, rows),
    };
  }

  private keys(run: MiningRunForJob): TextKeys {
    const entries = storedEntries(run.corpus.entries);
    const labels = run.labelsSnapshot;
    if (run.model.kind === ModelKind.imported_space) {
      return {
        labelKeys: labels.map((label) => [importedLabelInputHash(label)]),
        corpusKeys: entries.map((_, i) => [importedCorpusRowInputHash(run.corpus.versionHash, i)]),
      };
    }
    const templates = run.labelSet.promptTemplates;
    const labelPrompts = this.wordNet.labelPrompts(labels, templates);
    const { prompts, promptStart } = this.wordNet.wordNetPrompts(run.corpus.versionHash);
    return {
      labelKeys: labels.map((_, i) =>
        labelPrompts.slice(i * templates.length, (i + 1) * templates.length).map(promptInputHash),
      ),
      corpusKeys: entries.map((_, i) => prompts.slice(promptStart[i]!, promptStart[i + 1]!).map(promptInputHash)),
    };
  }
}

/** `encode-text`: encodes the prompts of corpus entries [start, end) with the run's model into the text cache. */
export class EncodeTextShardJob implements ShardJobBody<'encode-text'> {
  constructor(
    private readonly runs: MiningRepository,
    private readonly encoding: EncodingService,
    private readonly wordNet: WordNetCorpus,
  ) {}

  async encode(shard: JobPayloads['encode-text'], context: RunJobContext): Promise<void> {
    const run = await this.runs.forTextShard(shard.runId);
    if (run === null) return;
    if (run.model.folder === null) throw new Error(`mining run ${shard.runId} has no ONNX model to encode with`);
    const { prompts, promptStart } = this.wordNet.wordNetPrompts(run.corpus.versionHash);
    await this.encoding.encodePrompts(
      run.model.folder,
      run.modelHash,
      prompts.slice(promptStart[shard.start]!, promptStart[shard.end]!),
      context.signal,
    );
  }
}
