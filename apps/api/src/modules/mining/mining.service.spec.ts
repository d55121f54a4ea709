// Mining through the services and the job service run inline (no queue): validation of the
// request, the negatives connection (filters, orderings, cursors), exactly-once result writes,
// and the evaluation job on top of it.
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { createImportedSpace, type ImportedSpace } from '../../../test/support/imported-space';
import { RecordingQueue, runJob, testServices } from '../../../test/support/test-services';
import { diagnoseNegatives } from './selection';
import type { AllServices } from '../../app';
import { ApiErrorCode, publicError } from '../../errors';
import { ScoringMethod, SelectionMethod } from '../../shared/enums';
import { NegativeOrder } from './mining.input';

describe('MiningService and the mine/evaluate jobs (Postgres)', () => {
  let db: TestDatabase;
  let services: AllServices;
  let space: ImportedSpace;
  let runId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma, new RecordingQueue());
    space = await createImportedSpace(services, 'mining');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('refuses unknown selection parameters and an imported space without a corpus', async () => {
    const base = { labelSetId: space.labelSetId, modelId: space.modelId, selectionMethod: SelectionMethod.knn_density };
    await expect(
      services.mining.mineNegatives({ ...base, corpusId: space.corpusId, params: { kk: 3 } }),
    ).rejects.toThrow(/unknown knn-density parameters: kk; accepted: k,/);
    await expect(services.mining.mineNegatives(base)).rejects.toThrow(/import a corpus/);
  });

  it('validates every selection parameter at launch against the corpus, storing nothing', async () => {
    const base = { labelSetId: space.labelSetId, modelId: space.modelId, corpusId: space.corpusId };
    const before = await db.prisma.miningRun.count();
    const cases: [SelectionMethod, Record<string, unknown>, string, RegExp][] = [
      [
        SelectionMethod.knn_density,
        { k: 40 },
        'k',
        /k must be smaller than the corpus size; accepted: an integer in \[1, 39\]/,
      ],
      [SelectionMethod.knn_density, { k: 0 }, 'k', /k must be an integer in \[1, ∞\)/],
      [SelectionMethod.knn_density, { k: 2.5 }, 'k', /k must be an integer/],
      [SelectionMethod.knn_density, { k: '5' }, 'k', /k must be an integer/],
      [SelectionMethod.knn_density, { k: 5, keepNoun: 0 }, 'keepNoun', /keepNoun must be \(0, 1\]/],
      [SelectionMethod.knn_density, { k: 5, keepAdj: 1.5 }, 'keepAdj', /keepAdj must be \(0, 1\]/],
      [SelectionMethod.knn_density, { k: 5, keepAdj: 0.05 }, 'keepAdj', /keeps none of its 10 adjectives/],
      [
        SelectionMethod.knn_density,
        { k: 5, distance: 'manhattan' },
        'distance',
        /distance must be one of official, cosine/,
      ],
      [SelectionMethod.knn_density, { k: 5, precision: 'x'.repeat(5000) }, 'precision', /5000-character string/],
      [SelectionMethod.knn_density, { k: 5, blockRows: -1 }, 'blockRows', /blockRows must be an integer in \[1/],
      [SelectionMethod.knn_density, { k: [1] }, 'k', /must be a number or a string, not an array/],
      [SelectionMethod.neglabel, { quantile: 1.01 }, 'quantile', /quantile must be \[0, 1\]/],
      [
        SelectionMethod.neglabel,
        { nearDuplicateCosine: 2 },
        'nearDuplicateCosine',
        /nearDuplicateCosine must be \[-1, 1\]/,
      ],
      [SelectionMethod.neglabel, { keepNoun: 0.01 }, 'keepNoun', /keeps none of its 30 nouns/],
    ];
    for (const [selectionMethod, params, parameter, message] of cases) {
      const error = await services.mining.mineNegatives({ ...base, selectionMethod, params }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const shown = publicError(error);
      expect({
        parameter,
        code: shown?.code,
        reason: shown?.details['reason'],
        named: shown?.details['parameter'],
      }).toEqual({
        parameter,
        code: ApiErrorCode.BadUserInput,
        reason: 'INVALID_PARAMETER',
        named: parameter,
      });
      expect(shown!.message).toMatch(message);
      expect(shown!.message.length).toBeLessThan(400);
    }
    expect(await db.prisma.miningRun.count()).toBe(before);
  });

  it('mines once: a second run of the same job writes nothing more', async () => {
    const run = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.knn_density,
      params: { k: 5, keepNoun: 0.5, keepAdj: 0.5 },
    });
    runId = run.id;
    expect(run).toMatchObject({
      status: 'queued',
      labelsSnapshot: space.labels,
      selectionParams: { k: 5, keepNoun: 0.5, keepAdj: 0.5 },
    });
    await runJob(services, 'mine', { runId });
    await runJob(services, 'mine', { runId }, { retryCount: 1 });
    const done = await services.mining.get(runId);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, attempts: 1 });
    expect(await db.prisma.negativeLabel.count({ where: { miningRunId: runId } })).toBe(15 + 5);
  });

  it('pages, filters and orders negatives', async () => {
    const adjectives = await services.mining.negatives({
      miningRunId: runId,
      first: 50,
      orderBy: NegativeOrder.rank_asc,
      filter: { pos: 'adj' },
    });
    expect(adjectives.totalCount).toBe(5);
    expect(adjectives.edges.every((e) => e.node.pos === 'adj' && e.node.lexname === 'adj.all')).toBe(true);
    const byStatistic = await services.mining.negatives({
      miningRunId: runId,
      first: 50,
      orderBy: NegativeOrder.statistic_desc,
    });
    const statistics = byStatistic.edges.map((e) => e.node.statistic);
    expect(statistics).toEqual([...statistics].sort((a, b) => b - a));
    const collected: number[] = [];
    let after: string | undefined;
    do {
      const page = await services.mining.negatives({
        miningRunId: runId,
        first: 6,
        after,
        orderBy: NegativeOrder.word_asc,
      });
      collected.push(...page.edges.map((e) => e.node.rank));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
    } while (after !== undefined);
    expect(new Set(collected).size).toBe(20);
    const search = await services.mining.negatives({
      miningRunId: runId,
      first: 50,
      orderBy: NegativeOrder.rank_asc,
      filter: { search: 'WORD1' },
    });
    expect(search.edges.every((e) => e.node.word.startsWith('word1'))).toBe(true);
    expect(search.edges.length).toBeGreaterThan(0);
    // `%`, `_` and `\` match themselves, not as LIKE patterns (every word here would match 'w%d' or 'word_').
    for (const literal of ['w%d', 'word_', '%', '_', 'word\\']) {
      const none = await services.mining.negatives({
        miningRunId: runId,
        first: 50,
        orderBy: NegativeOrder.rank_asc,
        filter: { search: literal },
      });
      expect({ literal, count: none.totalCount }).toEqual({ literal, count: 0 });
    }
    const latest = await services.mining.negatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      first: 1,
      orderBy: NegativeOrder.rank_asc,
    });
    expect(latest.totalCount).toBe(20);
  });

  it('serves unfiltered pages of a succeeded run from memory exactly as the keyset queries would', async () => {
    for (const orderBy of [NegativeOrder.rank_asc, NegativeOrder.statistic_asc, NegativeOrder.statistic_desc]) {
      let after: string | undefined;
      let pages = 0;
      do {
        // search '' matches every word but is a filter, so it takes the SQL path.
        const fromSql = await services.mining.negatives({
          miningRunId: runId,
          first: 7,
          after,
          orderBy,
          filter: { search: '' },
        });
        const fromMemory = await services.mining.negatives({ miningRunId: runId, first: 7, after, orderBy });
        expect(fromMemory).toEqual(fromSql);
        after = fromMemory.pageInfo.hasNextPage ? fromMemory.pageInfo.endCursor : undefined;
        pages++;
      } while (after !== undefined);
      expect(pages).toBe(3);
    }
    await expect(
      services.mining.negatives({
        miningRunId: '00000000-0000-4000-8000-000000000000',
        first: 5,
        orderBy: NegativeOrder.rank_asc,
      }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('flags a candidate that is an ID label as a false negative', async () => {
    const matrix = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), rows: rows.length, cols: 2 });
    const [same, far] = await diagnoseNegatives(
      services.wordNet,
      [
        { word: 'beta', pos: 'noun', lexname: null },
        { word: 'zeta', pos: 'noun', lexname: null },
      ],
      'imported',
      Int32Array.from([0, 1]),
      ['alpha', 'beta'],
      matrix([
        [0, 1],
        [-1, 0],
      ]),
      matrix([
        [1, 0],
        [0, 1],
      ]),
      1,
    );
    expect(same).toMatchObject({
      flagged: true,
      flags: { synonym: true, nearIdLabel: true },
      nearestIdLabel: { label: 'beta' },
    });
    expect(far).toMatchObject({ flagged: false });
    const flagged = await services.mining.negatives({
      miningRunId: runId,
      first: 50,
      orderBy: NegativeOrder.rank_asc,
      filter: { flagged: true },
    });
    expect(flagged.edges.every((e) => e.node.flagged && e.node.falseNegativeFlags.length > 0)).toBe(true);
  });

  it('evaluates once on top of the mining run, storing results and per-sample scores', async () => {
    const run = await services.evaluations.launch({
      miningRunId: runId,
      method: ScoringMethod.neglabel,
      params: { groups: 4 },
      idImageSetId: space.idSetId,
      oodImageSetIds: [space.oodSetId],
    });
    await runJob(services, 'evaluate', { runId: run.id });
    await runJob(services, 'evaluate', { runId: run.id });
    expect(await services.evaluations.get(run.id)).toMatchObject({ status: 'succeeded', progress: 1 });
    const results = await db.prisma.evaluationResult.findMany({ where: { evaluationRunId: run.id } });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ nId: 20, nOod: 20 });
    const scores = await db.prisma.sampleScores.findMany({ where: { evaluationRunId: run.id } });
    expect(scores.map((s) => s.scores.byteLength).sort()).toEqual([80, 80]);
  });
});
