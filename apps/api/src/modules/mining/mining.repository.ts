// Data access of the mining feature: mining runs, their negative labels and the stored corpora.
// The only file of the feature that calls Prisma.
import type { Db, PrismaClient } from '../../db/prisma.service';
import { type Prisma } from '../../db/prisma.service';
import { RunStatus } from '../../shared/enums';
import type { StoredCorpusEntry } from '../../shared/corpus-store';
import { WORDNET_SOURCE, type WordNetCorpus } from '../../shared/wordnet-corpus';
import type { Corpus, MiningRun, NegativeLabel } from './mining.type';

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

  async page(
    where: Prisma.MiningRunWhereInput,
    keyset: Prisma.MiningRunWhereInput,
    take: number,
  ): Promise<{ rows: MiningRun[]; totalCount: number }> {
    const [rows, totalCount] = await Promise.all([
      this.prisma.miningRun.findMany({
        where: { AND: [where, keyset] },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take,
      }),
      this.prisma.miningRun.count({ where }),
    ]);
    return { rows, totalCount };
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
