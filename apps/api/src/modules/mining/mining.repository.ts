// Data access of the mining feature: mining runs, their negative labels and the stored corpora.
// The only file of the feature that calls Prisma.
import type { Db, PrismaClient } from '../../db/prisma.service';
import { Prisma } from '../../db/prisma.service';
import { RunStatus } from '../../shared/enums';
import type { StoredCorpusEntry } from '../../shared/corpus-store';
import { WORDNET_SOURCE, type WordNetCorpus } from '../../shared/wordnet-corpus';
import { keysetCondition, orderByClause, type SortPosition, type SqlSortExpression } from '../../db/sql-order';
import { tablesVersion } from '../../db/tables-version';
import type { MiningRunSortKey, MiningRunsArgs } from './mining.input';
import type { Corpus, MiningRun, NegativeLabel, NegativesSummary, NegativeValueCount } from './mining.type';

const INSERT_CHUNK = 2000;

/** A corpus row without its entries (most readers need only its identity). */
export type CorpusRow = Omit<Prisma.CorpusGetPayload<object>, 'entries'>;

export type NegativeRow = Prisma.NegativeLabelCreateManyInput;

/** A mining run with what its job reads. */
export type MiningRunForJob = Prisma.MiningRunGetPayload<{ include: { model: true; corpus: true; labelSet: true } }>;

/**
 * A case-insensitive substring condition that matches `text` literally: Prisma's `contains`
 * becomes `ILIKE '%…%'`, where `%`, `_` and the escape character `\\` would be patterns.
 */
export function literalContains(text: string): Prisma.StringFilter {
  return { contains: text.replace(/[\\%_]/g, (char) => `\\${char}`), mode: 'insensitive' };
}

/**
 * The SQL value each miningRuns ordering sorts by (over `mining_runs r`). The negative count is
 * counted per run from the (mining_run_id, rank) primary key, an index-only count.
 */
const MINING_SORT_EXPRESSIONS: Readonly<Record<MiningRunSortKey, SqlSortExpression>> = {
  created: { sql: Prisma.sql`r.created_at`, type: Prisma.sql`timestamp(3)`, nullable: false },
  selectionMethod: { sql: Prisma.sql`r.selection_method::text`, type: Prisma.sql`text`, nullable: false },
  status: { sql: Prisma.sql`r.status::text`, type: Prisma.sql`text`, nullable: false },
  labelSet: {
    sql: Prisma.sql`l.name`,
    type: Prisma.sql`text`,
    nullable: false,
    join: Prisma.sql`JOIN label_sets l ON l.id = r.label_set_id`,
  },
  model: {
    sql: Prisma.sql`m.name`,
    type: Prisma.sql`text`,
    nullable: false,
    join: Prisma.sql`JOIN encoder_models m ON m.id = r.model_id`,
  },
  negativeCount: {
    sql: Prisma.sql`(SELECT count(*) FROM negative_labels n WHERE n.mining_run_id = r.id)`,
    type: Prisma.sql`bigint`,
    nullable: false,
  },
  duration: {
    sql: Prisma.sql`EXTRACT(EPOCH FROM r.finished_at - r.started_at)`,
    type: Prisma.sql`numeric`,
    nullable: true,
  },
};

export class MiningRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(data: Prisma.MiningRunUncheckedCreateInput): Promise<MiningRun> {
    return this.prisma.miningRun.create({ data });
  }

  find(id: string, db: Db = this.prisma): Promise<MiningRun | null> {
    return db.miningRun.findUnique({ where: { id } });
  }

  byIds(ids: readonly string[]): Promise<MiningRun[]> {
    return this.prisma.miningRun.findMany({ where: { id: { in: [...ids] } } });
  }

  status(id: string): Promise<RunStatus | undefined> {
    return this.prisma.miningRun.findUnique({ where: { id }, select: { status: true } }).then((row) => row?.status);
  }

  forJob(id: string): Promise<MiningRunForJob> {
    return this.prisma.miningRun.findUniqueOrThrow({
      where: { id },
      include: { model: true, corpus: true, labelSet: true },
    });
  }

  /** The model folder, hash and corpus of a run, for its text shards. */
  forTextShard(
    id: string,
  ): Promise<{ modelHash: string; model: { folder: string | null }; corpus: { versionHash: string } } | null> {
    return this.prisma.miningRun.findUnique({
      where: { id },
      select: { modelHash: true, model: { select: { folder: true } }, corpus: { select: { versionHash: true } } },
    });
  }

  /** One page of runs in `sort` order after `after`, with each row's sort value (db/sql-order.ts). */
  async page(
    filter: Pick<MiningRunsArgs, 'labelSetId' | 'modelId' | 'status'>,
    sort: { key: MiningRunSortKey; direction: 'asc' | 'desc' },
    after: SortPosition | undefined,
    take: number,
  ): Promise<{ rows: { run: MiningRun; sortValue: string | null }[]; totalCount: number }> {
    const expression = MINING_SORT_EXPRESSIONS[sort.key];
    const where = [Prisma.sql`TRUE`];
    if (filter.labelSetId != null) where.push(Prisma.sql`r.label_set_id = ${filter.labelSetId}::uuid`);
    if (filter.modelId != null) where.push(Prisma.sql`r.model_id = ${filter.modelId}::uuid`);
    if (filter.status != null) where.push(Prisma.sql`r.status::text = ${filter.status}`);
    const conditions = after === undefined ? where : [...where, keysetCondition(expression, sort.direction, after)];
    const [ordered, counted] = await Promise.all([
      this.prisma.$queryRaw<{ id: string; sort_value: string | null }[]>`
        SELECT r.id::text AS id, (${expression.sql})::text AS sort_value
          FROM mining_runs r ${expression.join ?? Prisma.empty}
         WHERE ${Prisma.join(conditions, ' AND ')}
         ${orderByClause(expression, sort.direction)}
         LIMIT ${take}`,
      this.prisma.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM mining_runs r WHERE ${Prisma.join(where, ' AND ')}`,
    ]);
    const runs = await this.byIds(ordered.map((row) => row.id));
    const byId = new Map(runs.map((run) => [run.id, run]));
    const rows = ordered.flatMap((row) => {
      const run = byId.get(row.id);
      // A run deleted between the two reads is left out of the page.
      return run === undefined ? [] : [{ run, sortValue: row.sort_value }];
    });
    return { rows, totalCount: counted[0]?.count ?? 0 };
  }

  /** The version of what a run list reads: the runs (with their negatives) and their label sets and models. */
  listingVersion(): Promise<string> {
    return tablesVersion(this.prisma, ['mining_runs', 'label_sets', 'encoder_models']);
  }

  latestSucceeded(labelSetId: string, modelId: string): Promise<{ id: string } | null> {
    return this.prisma.miningRun.findFirst({
      where: { labelSetId, modelId, status: RunStatus.succeeded },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true },
    });
  }

  /** Written inside the RunJob commit, after the status guard flipped (replaces any partial rows). */
  async writeNegatives(tx: Db, miningRunId: string, rows: readonly NegativeRow[]): Promise<void> {
    await tx.negativeLabel.deleteMany({ where: { miningRunId } });
    for (let start = 0; start < rows.length; start += INSERT_CHUNK)
      await tx.negativeLabel.createMany({ data: rows.slice(start, start + INSERT_CHUNK) });
  }

  negativesInRankOrder(miningRunId: string): Promise<NegativeLabel[]> {
    return this.prisma.negativeLabel.findMany({ where: { miningRunId }, orderBy: { rank: 'asc' } });
  }

  /** The corpus rows of a run's negatives, in rank order (the order a grouping permutes). */
  async negativeCorpusRows(miningRunId: string): Promise<{ corpusVersionHash: string; corpusIndices: number[] }> {
    const run = await this.prisma.miningRun.findUniqueOrThrow({
      where: { id: miningRunId },
      select: { corpus: { select: { versionHash: true } } },
    });
    const negatives = await this.prisma.negativeLabel.findMany({
      where: { miningRunId },
      orderBy: { rank: 'asc' },
      select: { corpusIndex: true },
    });
    return { corpusVersionHash: run.corpus.versionHash, corpusIndices: negatives.map((n) => n.corpusIndex) };
  }

  /** The corpus a run mined from, with its entries. */
  async corpusOfRun(miningRunId: string): Promise<{ versionHash: string; entries: unknown }> {
    const run = await this.prisma.miningRun.findUniqueOrThrow({
      where: { id: miningRunId },
      select: { corpus: { select: { versionHash: true, entries: true } } },
    });
    return run.corpus;
  }

  async negativesPage(
    where: Prisma.NegativeLabelWhereInput,
    keyset: Prisma.NegativeLabelWhereInput,
    orderBy: Prisma.NegativeLabelOrderByWithRelationInput[],
    take: number,
    withCount: boolean,
  ): Promise<{ rows: NegativeLabel[]; totalCount: number }> {
    const [rows, totalCount] = await Promise.all([
      this.prisma.negativeLabel.findMany({ where: { AND: [where, keyset] }, orderBy, take }),
      withCount ? this.prisma.negativeLabel.count({ where }) : Promise.resolve(-1),
    ]);
    return { rows, totalCount };
  }

  /** One chunk of a run's negatives in rank order after `afterRank`, for the export routes. */
  negativesAfterRank(where: Prisma.NegativeLabelWhereInput, afterRank: number, take: number): Promise<NegativeLabel[]> {
    return this.prisma.negativeLabel.findMany({
      where: { AND: [where, { rank: { gt: afterRank } }] },
      orderBy: { rank: 'asc' },
      take,
    });
  }

  negativeCount(miningRunId: string): Promise<number> {
    return this.prisma.negativeLabel.count({ where: { miningRunId } });
  }

  async negativeCounts(miningRunIds: readonly string[]): Promise<Map<string, number>> {
    const counts = await this.prisma.negativeLabel.groupBy({
      by: ['miningRunId'],
      where: { miningRunId: { in: [...miningRunIds] } },
      _count: { _all: true },
    });
    return new Map(counts.map((row) => [row.miningRunId, row._count._all]));
  }

  /**
   * Counts, flags and the statistic histogram of every negative of a run, aggregated in Postgres
   * (the (mining_run_id, …) indexes; no row leaves the database). Bins as StatisticHistogram says.
   */
  async negativesSummary(miningRunId: string, bins: number): Promise<NegativesSummary> {
    const finite = Prisma.sql`statistic NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)`;
    const [totals, byPos, byLexname] = await Promise.all([
      this.prisma.$queryRaw<
        { total: number; flagged: number; non_finite: number; lo: number | null; hi: number | null }[]
      >`
        SELECT count(*)::int AS total, (count(*) FILTER (WHERE flagged))::int AS flagged,
               (count(*) FILTER (WHERE NOT ${finite}))::int AS non_finite,
               min(statistic) FILTER (WHERE ${finite}) AS lo, max(statistic) FILTER (WHERE ${finite}) AS hi
          FROM negative_labels WHERE mining_run_id = ${miningRunId}::uuid`,
      this.valueCounts(miningRunId, Prisma.sql`pos`),
      this.valueCounts(miningRunId, Prisma.sql`lexname`),
    ]);
    const { total = 0, flagged = 0, non_finite: nonFinite = 0, lo = null, hi = null } = totals[0] ?? {};
    const counts = new Array<number>(lo === null ? 0 : bins).fill(0);
    let edges: number[] = [];
    if (lo !== null && hi !== null) {
      // The bin formula is StatisticHistogram's; a single bin when every finite value is equal.
      const bin =
        hi > lo
          ? Prisma.sql`LEAST(${bins - 1}, floor((statistic - ${lo}::float8) / (${hi}::float8 - ${lo}::float8) * ${bins}))::int`
          : Prisma.sql`0`;
      const rows = await this.prisma.$queryRaw<{ bin: number; count: number }[]>`
        SELECT ${bin} AS bin, count(*)::int AS count FROM negative_labels
         WHERE mining_run_id = ${miningRunId}::uuid AND ${finite} GROUP BY 1`;
      if (hi === lo) counts.length = 1;
      for (const row of rows) counts[row.bin] = row.count;
      edges =
        hi > lo
          ? Array.from({ length: bins + 1 }, (_v, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins))
          : [lo, hi];
    }
    return { total, flagged, byPos, byLexname, statistic: { min: lo, max: hi, edges, counts, nonFinite } };
  }

  private valueCounts(miningRunId: string, column: Prisma.Sql): Promise<NegativeValueCount[]> {
    return this.prisma.$queryRaw<NegativeValueCount[]>`
      SELECT ${column} AS value, count(*)::int AS count FROM negative_labels
       WHERE mining_run_id = ${miningRunId}::uuid GROUP BY 1 ORDER BY 2 DESC, 1 ASC NULLS LAST`;
  }

  /** How many entries of each part of speech a corpus has (counted in Postgres, without loading the entries). */
  async partOfSpeechCounts(corpusId: string): Promise<Record<'noun' | 'adj', number>> {
    const rows = await this.prisma.$queryRaw<{ pos: string | null; count: number }[]>`
      SELECT e->>'pos' AS pos, count(*)::int AS count FROM corpora c, jsonb_array_elements(c.entries) e WHERE c.id = ${corpusId}::uuid GROUP BY 1`;
    const counts = { noun: 0, adj: 0 };
    for (const row of rows) if (row.pos === 'noun' || row.pos === 'adj') counts[row.pos] = row.count;
    return counts;
  }

  corpus(id: string): Promise<CorpusRow | null> {
    return this.prisma.corpus.findUnique({ where: { id }, omit: { entries: true } });
  }

  corporaByIds(ids: readonly string[]): Promise<CorpusRow[]> {
    return this.prisma.corpus.findMany({ where: { id: { in: [...ids] } }, omit: { entries: true } });
  }

  corpora(): Promise<Corpus[]> {
    return this.prisma.corpus.findMany({ omit: { entries: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** The default WordNet corpus, stored once (its content hash is its identity). */
  async ensureWordNetCorpus(wordNet: WordNetCorpus): Promise<{ id: string }> {
    const { corpus } = wordNet.wordNet();
    const existing = await this.prisma.corpus.findUnique({
      where: { versionHash: corpus.contentHash },
      select: { id: true },
    });
    if (existing !== null) return existing;
    const entries: StoredCorpusEntry[] = corpus.entries.map((e) => ({
      word: e.word,
      pos: e.pos,
      lexname: e.lexname ?? null,
      synsetOffset: e.synsetOffset ?? null,
      promptRole: e.promptRole,
    }));
    return this.prisma.corpus.upsert({
      where: { versionHash: corpus.contentHash },
      create: {
        versionHash: corpus.contentHash,
        source: WORDNET_SOURCE,
        options: {
          templates: { noun: [...corpus.templates.noun], adj: [...corpus.templates.adj] },
          provenance: corpus.provenance,
        } as never,
        entryCount: entries.length,
        entries: entries as never,
      },
      update: {},
      select: { id: true },
    });
  }
}
