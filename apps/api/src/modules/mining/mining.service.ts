// Mining runs: validate and record a run (everything needed to reproduce it), enqueue its `mine`
// job, list runs, and page through a run's negative labels with filters and keyset cursors.
import type { ApiConfig } from '../../config';
import type { Db } from '../../db/prisma.service';
import type { Prisma } from '../../db/prisma.service';
import { badInput, notFound } from '../../errors';
import type { RunService } from '../../runs/run.service';
import type { EmbeddingStore } from '../../shared/embedding-store';
import { codeVersion } from '../../shared/code-version';
import { ModelKind, RunStatus } from '../../shared/enums';
import { importedCorpusRowInputHash, importedLabelInputHash } from '../../shared/hashing';
import { ImmutableRowCache } from '../../shared/immutable-row-cache';
import { checkPageSize, decodeCursor, encodeCursor, toPage, type Page } from '../../shared/pagination';
import { decodeSortCursor, encodeSortCursor } from '../../db/sql-order';
import { WORDNET_SOURCE, type WordNetCorpus } from '../../shared/wordnet-corpus';
import type { LabelSetRepository } from '../label-set';
import type { ModelRepository } from '../model';
import { literalContains, type MiningRepository } from './mining.repository';
import { validateMiningLaunch } from './mining-launch-validation';
import { resolveSelectionParams } from './selection';
import {
  MiningRunOrder,
  NegativeOrder,
  sortOfMiningOrder,
  type MineNegativesInput,
  type MiningRunsArgs,
  type NegativesArgs,
} from './mining.input';
import type { Corpus, MiningRun, NegativeLabel, NegativesSummary } from './mining.type';

/** Negatives of succeeded runs kept in memory, in rows (a row is ~0.3 kB). */
const CACHED_NEGATIVE_ROWS = 500_000;

/** A succeeded run's negatives in rank order, and (made when first asked) in each statistic order. */
interface FinishedNegatives {
  readonly byRank: readonly NegativeLabel[];
  byStatistic?: { readonly asc: readonly NegativeLabel[]; readonly desc: readonly NegativeLabel[] };
}

/** Bins a negatives summary may ask for. */
export const MAX_SUMMARY_BINS = 1000;
const MAX_CACHED_SUMMARIES = 200;

export class MiningService {
  private readonly finishedNegatives = new ImmutableRowCache<FinishedNegatives>(
    CACHED_NEGATIVE_ROWS,
    (entry) => entry.byRank.length,
  );

  /** Summaries of succeeded runs (their negatives never change), by run and bin count. */
  private readonly finishedSummaries = new ImmutableRowCache<NegativesSummary>(MAX_CACHED_SUMMARIES, () => 1);

  constructor(
    private readonly repository: MiningRepository,
    private readonly labelSets: LabelSetRepository,
    private readonly models: ModelRepository,
    private readonly embeddings: EmbeddingStore,
    private readonly wordNet: WordNetCorpus,
    private readonly runs: RunService,
    private readonly config: Pick<ApiConfig, 'maxPageSize'>,
  ) {}

  async mineNegatives(input: MineNegativesInput): Promise<MiningRun> {
    const labelSet = await this.labelSets.find(input.labelSetId);
    if (labelSet === null) throw notFound('label set', input.labelSetId);
    if (labelSet.archived)
      throw badInput(
        `label set '${labelSet.name}' is archived; unarchive it (updateLabelSet archived: false) to mine for it`,
      );
    const model = await this.models.find(input.modelId);
    if (model === null) throw notFound('model', input.modelId);
    const corpusId =
      input.corpusId ??
      (model.kind === ModelKind.onnx_folder ? (await this.repository.ensureWordNetCorpus(this.wordNet)).id : undefined);
    if (corpusId === undefined) {
      throw badInput(
        `model '${model.name}' is an imported space: import a corpus (importEmbeddings target corpus) and pass its corpusId`,
      );
    }
    const corpus = await this.repository.corpus(corpusId);
    if (corpus === null) throw notFound('corpus', corpusId);
    if (model.kind === ModelKind.onnx_folder && corpus.source !== WORDNET_SOURCE) {
      throw badInput(
        `corpus ${corpus.id} was imported with precomputed embeddings of another space; an ONNX model mines from the WordNet corpus (omit corpusId)`,
      );
    }
    if (model.kind === ModelKind.imported_space)
      await this.assertImportedEmbeddings(model.contentHash, labelSet.labels, corpus.versionHash, corpus.entryCount);
    const selectionParams = resolveSelectionParams(input.selectionMethod, model.backbone, input.params ?? {});
    validateMiningLaunch(input.selectionMethod, selectionParams, {
      corpusSize: corpus.entryCount,
      partsOfSpeech: await this.repository.partOfSpeechCounts(corpus.id),
    });
    const run = await this.repository.create({
      labelSetId: labelSet.id,
      modelId: model.id,
      corpusId: corpus.id,
      selectionMethod: input.selectionMethod,
      selectionParams: selectionParams as Prisma.InputJsonValue,
      labelsSnapshot: labelSet.labels,
      modelHash: model.contentHash,
      codeVersion: codeVersion(),
    });
    await this.runs.enqueue('mining', run.id);
    return run;
  }

  /** An imported space has nothing to encode, so missing vectors are reported now, not by a failing job. */
  private async assertImportedEmbeddings(
    modelHash: string,
    labels: readonly string[],
    corpusHash: string,
    entryCount: number,
  ): Promise<void> {
    const missingLabels = (await this.embeddings.missing('text', modelHash, labels.map(importedLabelInputHash))).length;
    if (missingLabels > 0) {
      throw badInput(
        `${missingLabels} of ${labels.length} labels have no imported embedding in this space; import them (importEmbeddings target label_names)`,
      );
    }
    const lastRow = importedCorpusRowInputHash(corpusHash, entryCount - 1);
    const firstRow = importedCorpusRowInputHash(corpusHash, 0);
    if ((await this.embeddings.missing('text', modelHash, [firstRow, lastRow])).length > 0) {
      throw badInput(
        'the corpus has no embeddings in this imported space; import them (importEmbeddings target corpus) with the same model',
      );
    }
  }

  async get(id: string, db?: Db): Promise<MiningRun> {
    const run = await this.repository.find(id, db);
    if (run === null) throw notFound('mining run', id);
    return run;
  }

  corpora(): Promise<Corpus[]> {
    return this.repository.corpora();
  }

  /** Changes with every committed write a run list can show (db/tables-version.ts). */
  listingVersion(): Promise<string> {
    return this.repository.listingVersion();
  }

  async list(args: MiningRunsArgs): Promise<Page<MiningRun>> {
    checkPageSize(args.first, this.config.maxPageSize);
    const order = args.orderBy ?? MiningRunOrder.created_desc;
    const { rows, totalCount } = await this.repository.page(
      args,
      sortOfMiningOrder(order),
      args.after == null ? undefined : decodeSortCursor(args.after, order),
      args.first + 1,
    );
    const page = toPage(
      rows,
      args.first,
      (row) => encodeSortCursor(order, { value: row.sortValue, id: row.run.id }),
      totalCount,
    );
    return { ...page, edges: page.edges.map((edge) => ({ node: edge.node.run, cursor: edge.cursor })) };
  }

  /**
   * Counts per part of speech and lexicographer file, flags and the statistic histogram of all of a
   * run's negatives. A succeeded run's summary is computed once: its negatives were written with
   * the status flip and never change (a deleted run's entry is never asked for again by id).
   */
  async negativesSummary(run: Pick<MiningRun, 'id' | 'status'>, bins: number): Promise<NegativesSummary> {
    if (!Number.isInteger(bins) || bins < 1 || bins > MAX_SUMMARY_BINS)
      throw badInput(`bins must be an integer from 1 to ${MAX_SUMMARY_BINS}; got ${bins}`, { bins });
    if (run.status !== RunStatus.succeeded) return this.repository.negativesSummary(run.id, bins);
    return this.finishedSummaries.getOrLoad(`${run.id}:${bins}`, () => this.repository.negativesSummary(run.id, bins));
  }

  /** "The run still exists and has succeeded", for answers that hold while it does. */
  private succeededCheck(miningRunId: string): { subject: string; stillValid: () => Promise<boolean> } {
    return {
      subject: `mining-run:${miningRunId}`,
      stillValid: async () => (await this.repository.status(miningRunId)) === RunStatus.succeeded,
    };
  }

  /** The run a negatives query reads: the given one, or the latest succeeded run of a label set and model. */
  async resolveRunId(args: Pick<NegativesArgs, 'miningRunId' | 'labelSetId' | 'modelId'>): Promise<string> {
    return (await this.resolveRun(args)).id;
  }

  /** The run and its status (undefined when it was given by id and not looked up yet). */
  private async resolveRun(
    args: Pick<NegativesArgs, 'miningRunId' | 'labelSetId' | 'modelId'>,
  ): Promise<{ id: string; status?: RunStatus }> {
    if (args.miningRunId != null) return { id: args.miningRunId };
    if (args.labelSetId == null || args.modelId == null) {
      throw badInput('give miningRunId, or labelSetId and modelId (for their latest succeeded mining run)');
    }
    const latest = await this.repository.latestSucceeded(args.labelSetId, args.modelId);
    if (latest === null)
      throw notFound('succeeded mining run for label set and model', `${args.labelSetId}/${args.modelId}`);
    return { id: latest.id, status: RunStatus.succeeded };
  }

  /**
   * A page of a run's negatives. `whileImmutable` hears when the page can never change while the
   * check it is given holds: a run named by id that has succeeded (not the latest run of a label set
   * and model, which a newer run replaces), as long as that run still exists.
   */
  async negatives(
    args: NegativesArgs,
    options: {
      totalCount?: boolean;
      whileImmutable?: (check: { subject: string; stillValid: () => Promise<boolean> }) => void;
    } = {},
  ): Promise<Page<NegativeLabel>> {
    checkPageSize(args.first, this.config.maxPageSize);
    const run = await this.resolveRun(args);
    const miningRunId = run.id;
    const filter = args.filter ?? {};
    const ordering = negativeOrdering(args.orderBy, args.after ?? undefined);
    // Unfiltered pages of a succeeded run in a numeric order come from memory: its negatives were
    // written with the status flip and never change. Word order stays in Postgres (its collation).
    const unfiltered = filter.pos == null && filter.lexname == null && filter.flagged == null && filter.search == null;
    if (unfiltered && args.orderBy !== NegativeOrder.word_asc) {
      const status = run.status ?? (await this.repository.status(miningRunId));
      if (status === undefined) {
        this.finishedNegatives.delete(miningRunId);
        throw notFound('mining run', miningRunId);
      }
      if (status === RunStatus.succeeded) {
        const finished = await this.finishedNegatives.getOrLoad(miningRunId, async () => ({
          byRank: await this.repository.negativesInRankOrder(miningRunId),
        }));
        const page = pageFromMemory(finished, args.orderBy, args.after ?? undefined, args.first, ordering.cursorOf);
        if (args.miningRunId != null) options.whileImmutable?.(this.succeededCheck(miningRunId));
        return page;
      }
    }
    // Filtered and word-ordered pages of a succeeded run never change either. The status is read
    // before the page: negatives are written with the status flip, so a page read after a
    // "succeeded" is final, while one read before it might be the empty page of a running run.
    const succeededBeforeRead =
      args.miningRunId != null &&
      options.whileImmutable !== undefined &&
      (run.status ?? (await this.repository.status(miningRunId))) === RunStatus.succeeded;
    const where: Prisma.NegativeLabelWhereInput = {
      miningRunId,
      pos: filter.pos ?? undefined,
      lexname: filter.lexname ?? undefined,
      flagged: filter.flagged ?? undefined,
      word: filter.search == null ? undefined : literalContains(filter.search),
    };
    const { rows, totalCount } = await this.repository.negativesPage(
      where,
      ordering.keyset,
      ordering.orderBy,
      args.first + 1,
      options.totalCount !== false,
    );
    if (rows.length === 0 && totalCount <= 0 && args.after == null) await this.get(miningRunId);
    if (succeededBeforeRead) options.whileImmutable?.(this.succeededCheck(miningRunId));
    return toPage(rows, args.first, ordering.cursorOf, Math.max(totalCount, 0));
  }
}

/** Compares two negatives in a numeric order, ties broken by rank (the order the SQL path uses). */
function compareNegatives(order: NegativeOrder, a: NegativeLabel, b: NegativeLabel): number {
  if (order === NegativeOrder.rank_asc) return a.rank - b.rank;
  const byStatistic = order === NegativeOrder.statistic_asc ? a.statistic - b.statistic : b.statistic - a.statistic;
  return byStatistic !== 0 ? byStatistic : a.rank - b.rank;
}

/** A page of a cached run: the rows after the cursor's key (binary search), as the keyset query would give. */
function pageFromMemory(
  finished: FinishedNegatives,
  order: NegativeOrder,
  after: string | undefined,
  first: number,
  cursorOf: (row: NegativeLabel) => string,
): Page<NegativeLabel> {
  let rows = finished.byRank;
  if (order === NegativeOrder.statistic_asc || order === NegativeOrder.statistic_desc) {
    finished.byStatistic ??= {
      asc: [...finished.byRank].sort((a, b) => compareNegatives(NegativeOrder.statistic_asc, a, b)),
      desc: [...finished.byRank].sort((a, b) => compareNegatives(NegativeOrder.statistic_desc, a, b)),
    };
    rows = order === NegativeOrder.statistic_asc ? finished.byStatistic.asc : finished.byStatistic.desc;
  }
  let start = 0;
  if (after !== undefined) {
    const key = decodeCursor(after, order === NegativeOrder.rank_asc ? 1 : 2);
    const probe = { rank: Number(key.at(-1)), statistic: Number(key[0]) } as NegativeLabel;
    let high = rows.length;
    while (start < high) {
      const middle = (start + high) >>> 1;
      if (compareNegatives(order, rows[middle]!, probe) <= 0) start = middle + 1;
      else high = middle;
    }
  }
  return toPage(rows.slice(start, start + first + 1), first, cursorOf, rows.length);
}

interface Ordering {
  readonly orderBy: Prisma.NegativeLabelOrderByWithRelationInput[];
  readonly keyset: Prisma.NegativeLabelWhereInput;
  readonly cursorOf: (row: NegativeLabel) => string;
}

/** Keyset pagination: the cursor holds the sort key and the rank (unique within a run) as tie-breaker. */
function negativeOrdering(order: NegativeOrder, after: string | undefined): Ordering {
  switch (order) {
    case NegativeOrder.rank_asc: {
      const key = after === undefined ? undefined : decodeCursor(after, 1);
      return {
        orderBy: [{ rank: 'asc' }],
        keyset: key === undefined ? {} : { rank: { gt: Number(key[0]) } },
        cursorOf: (row) => encodeCursor([row.rank]),
      };
    }
    case NegativeOrder.statistic_asc:
    case NegativeOrder.statistic_desc: {
      const direction = order === NegativeOrder.statistic_asc ? 'asc' : 'desc';
      const key = after === undefined ? undefined : decodeCursor(after, 2);
      const beyond = direction === 'asc' ? 'gt' : 'lt';
      return {
        orderBy: [{ statistic: direction }, { rank: 'asc' }],
        keyset:
          key === undefined
            ? {}
            : {
                OR: [
                  { statistic: { [beyond]: Number(key[0]) } },
                  { statistic: Number(key[0]), rank: { gt: Number(key[1]) } },
                ],
              },
        cursorOf: (row) => encodeCursor([row.statistic, row.rank]),
      };
    }
    case NegativeOrder.word_asc: {
      const key = after === undefined ? undefined : decodeCursor(after, 2);
      return {
        orderBy: [{ word: 'asc' }, { rank: 'asc' }],
        keyset:
          key === undefined
            ? {}
            : { OR: [{ word: { gt: String(key[0]) } }, { word: String(key[0]), rank: { gt: Number(key[1]) } }] },
        cursorOf: (row) => encodeCursor([row.word, row.rank]),
      };
    }
  }
}
