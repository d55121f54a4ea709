// Every evaluationRuns ordering on Postgres: paging through with small pages gives exactly the rows
// a reference sort in JS gives (names, means, duration; nulls last; ties by id in the same
// direction), with filters, and a cursor of another ordering is refused. The means a list sorts by
// are the ones writeResults stores with the results.
import { evaluationRunRow } from '../../../test/support/run-rows';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { RecordingQueue, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { RunStatus, ScoringMethod } from '../../shared/enums';
import { EvaluationRunOrder, sortOfOrder, type EvaluationRunFilter } from './evaluation.input';
import { EvaluationRepository, meansOfResults } from './evaluation.repository';

jest.setTimeout(60_000);

interface Reference {
  id: string;
  createdAt: number;
  method: string;
  status: string;
  labelSet: string;
  model: string;
  labelSetId: string;
  meanFprAtTprId: number | null;
  meanFprAtTprOod: number | null;
  meanAuroc: number | null;
  duration: number | null;
  oodSets: number;
}

/** The order the API promises: by the key (nulls last either way), then by id, both in the direction. */
function referenceOrder(rows: readonly Reference[], order: EvaluationRunOrder): string[] {
  const { key, direction } = sortOfOrder(order);
  const sign = direction === 'asc' ? 1 : -1;
  const value = (row: Reference): string | number | null => (key === 'created' ? row.createdAt : row[key]);
  // Postgres' uuid order is the byte order, which is the order of the lower-case hex text.
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows]
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === null && vb !== null) return 1;
      if (vb === null && va !== null) return -1;
      if (va !== null && vb !== null && va !== vb)
        return sign * (typeof va === 'number' && typeof vb === 'number' ? va - vb : byText(String(va), String(vb)));
      return sign * byText(a.id, b.id);
    })
    .map((row) => row.id);
}

describe('evaluationRuns orderings (Postgres)', () => {
  let db: TestDatabase;
  let services: AllServices;
  const reference: Reference[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma, new RecordingQueue());
    const repository = new EvaluationRepository(db.prisma);
    const models = await Promise.all(
      ['model-b', 'model-a'].map((name, i) =>
        db.prisma.encoderModel.create({
          data: { name, kind: 'imported_space', embeddingDim: 4, contentHash: String(i).repeat(64) },
        }),
      ),
    );
    // Names chosen so that name order differs from creation order and from id order.
    const labelSets = await Promise.all(
      ['zebra', 'apple', 'mango'].map((name) =>
        db.prisma.labelSet.create({ data: { name, labels: ['a', 'b'], promptTemplates: ['{}'] } }),
      ),
    );
    const imageSet = await db.prisma.imageSet.create({
      data: { name: 'set', kind: 'folder', folder: '/x', imageCount: 1, contentHash: 'c'.repeat(64) },
    });
    const methods = [ScoringMethod.mcm, ScoringMethod.neglabel, ScoringMethod.debiased, ScoringMethod.adaneg];
    const statuses = [RunStatus.succeeded, RunStatus.failed, RunStatus.queued, RunStatus.running];
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 23; i++) {
      const labelSet = labelSets[i % 3]!;
      const model = models[i % 2]!;
      const status = i % 5 === 0 ? statuses[1 + (i % 3)]! : RunStatus.succeeded;
      // Equal creation times (i % 4 pairs) and equal metrics (i % 6 pairs) exercise the id tie-break.
      const createdAt = new Date(base + Math.floor(i / 2) * 60_000);
      const finished = status === RunStatus.succeeded || status === RunStatus.failed;
      const run = await db.prisma.evaluationRun.create({
        data: evaluationRunRow(
          { labelSetId: labelSet.id, modelId: model.id, modelHash: model.contentHash, imageSetId: imageSet.id },
          {
            method: methods[(i * 7) % 4]!,
            oodImageSetIds: Array.from({ length: 1 + (i % 3) }, () => imageSet.id),
            status,
            createdAt,
            startedAt: finished ? createdAt : null,
            finishedAt: finished ? new Date(createdAt.getTime() + ((i * 37) % 11) * 1500 + 0.5) : null,
          },
        ),
      });
      const results =
        status === RunStatus.succeeded
          ? [0, 1].map((set) => ({
              evaluationRunId: run.id,
              oodImageSetId: imageSet.id,
              fprAtTprId: ((i % 6) + set) / 10 + 1 / 3,
              fprAtTprOod: ((i * 5) % 7) / 9 + set / 100,
              auroc: 1 - ((i % 4) + set) / 17,
              auprIn: 0.5,
              auprOut: 0.5,
              nId: 10,
              nOod: 10,
              thresholdAtTprId: 0,
              rocPoints: [],
              histograms: {},
              guardHits: 0,
            }))
          : [];
      if (results.length > 0) {
        // Two results need two OOD sets: the second one is a copy of the set under another id.
        const second = await db.prisma.imageSet.create({
          data: {
            name: `set-${i}`,
            kind: 'folder',
            folder: `/x${i}`,
            imageCount: 1,
            contentHash: `${i}`.padEnd(64, 'd'),
          },
        });
        results[1]!.oodImageSetId = second.id;
        await db.prisma.$transaction((tx) => repository.writeResults(tx, run.id, results, []));
      }
      const means = meansOfResults(results);
      reference.push({
        id: run.id,
        createdAt: createdAt.getTime(),
        method: run.method,
        status,
        labelSet: labelSet.name,
        labelSetId: labelSet.id,
        model: model.name,
        ...means,
        duration: finished ? (run.finishedAt!.getTime() - createdAt.getTime()) / 1000 : null,
        oodSets: run.oodImageSetIds.length,
      });
    }
  });

  afterAll(async () => {
    await db?.drop();
  });

  const pageThrough = async (orderBy: EvaluationRunOrder, filter?: EvaluationRunFilter) => {
    const ids: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await services.evaluations.list({ first: 4, after, orderBy, filter });
      ids.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) return { ids, totalCount: page.totalCount };
      after = page.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  };

  it('stores the means of the results with them', async () => {
    const stored = await db.prisma.evaluationRun.findMany({
      select: { id: true, meanFprAtTprId: true, meanFprAtTprOod: true, meanAuroc: true },
    });
    const expected = reference.map(({ id, meanFprAtTprId, meanFprAtTprOod, meanAuroc }) => ({
      id,
      meanFprAtTprId,
      meanFprAtTprOod,
      meanAuroc,
    }));
    expect(stored.sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
    expect(expected.filter((row) => row.meanAuroc === null).length).toBeGreaterThan(0);
  });

  it.each(Object.values(EvaluationRunOrder))('pages through %s in the promised order', async (orderBy) => {
    const { ids, totalCount } = await pageThrough(orderBy);
    expect(totalCount).toBe(reference.length);
    expect(ids).toEqual(referenceOrder(reference, orderBy));
  });

  it('orders within a filter', async () => {
    const labelSetId = reference[1]!.labelSetId;
    const { ids, totalCount } = await pageThrough(EvaluationRunOrder.meanAuroc_desc, {
      labelSetId,
      status: RunStatus.succeeded,
    });
    const expected = referenceOrder(
      reference.filter((row) => row.labelSetId === labelSetId && row.status === RunStatus.succeeded),
      EvaluationRunOrder.meanAuroc_desc,
    );
    expect(totalCount).toBe(expected.length);
    expect(ids).toEqual(expected);
  });

  it('refuses a cursor of another ordering, saying what to pass', async () => {
    const page = await services.evaluations.list({ first: 2, orderBy: EvaluationRunOrder.labelSet_asc });
    await expect(
      services.evaluations.list({
        first: 2,
        after: page.pageInfo.endCursor,
        orderBy: EvaluationRunOrder.meanAuroc_asc,
      }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(
        /not a valid cursor for orderBy meanAuroc_asc: pass the endCursor of a previous page/,
      ),
    });
  });
});
