// The mining-run list and the negatives summary on Postgres: every miningRuns ordering paged with
// small pages equals a reference sort in JS (nulls last, ties by id), and negativesSummary equals
// counts and bins computed in JS from every negative (NaN, infinities and missing lexnames included).
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { RecordingQueue, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { RunStatus, SelectionMethod } from '../../shared/enums';
import { MiningRunOrder, sortOfMiningOrder } from './mining.input';

jest.setTimeout(60_000);

interface Reference {
  id: string;
  created: number;
  selectionMethod: string;
  status: string;
  labelSet: string;
  model: string;
  negativeCount: number;
  duration: number | null;
}

function referenceOrder(rows: readonly Reference[], order: MiningRunOrder): string[] {
  const { key, direction } = sortOfMiningOrder(order);
  const sign = direction === 'asc' ? 1 : -1;
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows]
    .sort((a, b) => {
      const va = a[key];
      const vb = b[key];
      if (va === null && vb !== null) return 1;
      if (vb === null && va !== null) return -1;
      if (va !== null && vb !== null && va !== vb)
        return sign * (typeof va === 'number' && typeof vb === 'number' ? va - vb : byText(String(va), String(vb)));
      return sign * byText(a.id, b.id);
    })
    .map((row) => row.id);
}

describe('mining runs list and negatives summary (Postgres)', () => {
  let db: TestDatabase;
  let services: AllServices;
  const reference: Reference[] = [];
  let summarised: { id: string; statistics: number[]; pos: string[]; lexnames: (string | null)[]; flags: boolean[] };

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma, new RecordingQueue());
    const models = await Promise.all(
      ['vit-l14', 'vit-b16'].map((name, i) =>
        db.prisma.encoderModel.create({
          data: { name, kind: 'imported_space', embeddingDim: 4, contentHash: String(i).repeat(64) },
        }),
      ),
    );
    const labelSets = await Promise.all(
      ['pets', 'birds', 'cars'].map((name) =>
        db.prisma.labelSet.create({ data: { name, labels: ['a', 'b'], promptTemplates: ['{}'] } }),
      ),
    );
    const corpus = await db.prisma.corpus.create({
      data: { versionHash: 'f'.repeat(64), source: 'imported', options: {}, entryCount: 0, entries: [] },
    });
    const methods = [SelectionMethod.knn_density, SelectionMethod.neglabel];
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 11; i++) {
      const finished = i % 4 !== 3;
      const created = new Date(base + Math.floor(i / 2) * 1000);
      const labelSet = labelSets[i % 3]!;
      const model = models[i % 2]!;
      const run = await db.prisma.miningRun.create({
        data: {
          labelSetId: labelSet.id,
          modelId: model.id,
          corpusId: corpus.id,
          selectionMethod: methods[(i * 5) % 2]!,
          selectionParams: {},
          labelsSnapshot: [],
          modelHash: model.contentHash,
          codeVersion: 'test',
          status: finished ? RunStatus.succeeded : RunStatus.running,
          createdAt: created,
          startedAt: created,
          finishedAt: finished ? new Date(created.getTime() + ((i * 3) % 5) * 700) : null,
        },
      });
      const count = (i * 7) % 5;
      await db.prisma.negativeLabel.createMany({
        data: Array.from({ length: count }, (_v, rank) => ({
          miningRunId: run.id,
          rank,
          corpusIndex: rank,
          word: `w${rank}`,
          pos: 'noun',
          statistic: rank,
          falseNegativeFlags: [],
          flagged: false,
        })),
      });
      reference.push({
        id: run.id,
        created: created.getTime(),
        selectionMethod: run.selectionMethod,
        status: run.status,
        labelSet: labelSet.name,
        model: model.name,
        negativeCount: count,
        duration: finished ? (run.finishedAt!.getTime() - created.getTime()) / 1000 : null,
      });
    }
    // One succeeded run with 3,000 negatives: skewed statistics, a few NaN and infinite ones.
    const run = await db.prisma.miningRun.findUniqueOrThrow({ where: { id: reference[0]!.id } });
    await db.prisma.negativeLabel.deleteMany({ where: { miningRunId: run.id } });
    const n = 3000;
    const statistics = Array.from({ length: n }, (_v, i) =>
      i === 17
        ? Number.NaN
        : i === 18
          ? Number.POSITIVE_INFINITY
          : i === 19
            ? Number.NEGATIVE_INFINITY
            : Math.exp(Math.sin(i) * 3) - 1,
    );
    const pos = statistics.map((_v, i) => (i % 3 === 0 ? 'adj' : 'noun'));
    const lexnames = statistics.map((_v, i) => (i % 11 === 0 ? null : pos[i] === 'adj' ? 'adj.all' : `noun.l${i % 4}`));
    const flags = statistics.map((_v, i) => i % 13 === 0);
    await db.prisma.negativeLabel.createMany({
      data: statistics.map((statistic, rank) => ({
        miningRunId: run.id,
        rank,
        corpusIndex: rank,
        word: `w${rank}`,
        pos: pos[rank]!,
        lexname: lexnames[rank],
        statistic,
        falseNegativeFlags: flags[rank] ? ['nearIdLabel'] : [],
        flagged: flags[rank]!,
      })),
    });
    reference[0]!.negativeCount = n;
    summarised = { id: run.id, statistics, pos, lexnames, flags };
  });

  afterAll(async () => {
    await db?.drop();
  });

  it.each(Object.values(MiningRunOrder))('pages through %s in the promised order', async (orderBy) => {
    const ids: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await services.mining.list({ first: 3, after, orderBy });
      expect(page.totalCount).toBe(reference.length);
      ids.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(ids).toEqual(referenceOrder(reference, orderBy));
  });

  const countsOf = (values: readonly (string | null)[]) => {
    const counts = new Map<string | null, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : 1));
  };

  it('summarises every negative of a run: counts, flags and the statistic histogram', async () => {
    const bins = 25;
    const summary = await services.mining.negativesSummary({ id: summarised.id, status: RunStatus.succeeded }, bins);
    const finite = summarised.statistics.filter((value) => Number.isFinite(value));
    const lo = Math.min(...finite);
    const hi = Math.max(...finite);
    const counts = new Array<number>(bins).fill(0);
    for (const value of finite) counts[Math.min(bins - 1, Math.floor(((value - lo) / (hi - lo)) * bins))]! += 1;
    expect(summary).toEqual({
      total: summarised.statistics.length,
      flagged: summarised.flags.filter(Boolean).length,
      byPos: countsOf(summarised.pos),
      byLexname: countsOf(summarised.lexnames),
      statistic: { min: lo, max: hi, edges: expect.any(Array), counts, nonFinite: 3 },
    });
    expect(summary.statistic.edges).toHaveLength(bins + 1);
    expect([summary.statistic.edges[0], summary.statistic.edges[bins]]).toEqual([lo, hi]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(finite.length);
  });

  it('puts equal statistics in one bin, gives an empty histogram without negatives, and refuses bad bins', async () => {
    const equal = reference.find((row) => row.negativeCount === 1)!;
    const one = await services.mining.negativesSummary({ id: equal.id, status: RunStatus.running }, 40);
    expect(one.statistic).toEqual({ min: 0, max: 0, edges: [0, 0], counts: [1], nonFinite: 0 });
    const empty = reference.find((row) => row.negativeCount === 0)!;
    const none = await services.mining.negativesSummary({ id: empty.id, status: RunStatus.running }, 40);
    expect(none).toEqual({
      total: 0,
      flagged: 0,
      byPos: [],
      byLexname: [],
      statistic: { min: null, max: null, edges: [], counts: [], nonFinite: 0 },
    });
    await expect(
      services.mining.negativesSummary({ id: empty.id, status: RunStatus.running }, 0),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'bins must be an integer from 1 to 1000; got 0',
    });
  });
});
