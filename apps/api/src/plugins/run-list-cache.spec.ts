// Run lists in the whole-answer cache, through the real HTTP server: a list is replayed while the
// tables it reads keep their version, and never after a write to them from any process (a run's
// progress, a new or deleted run, a renamed label set, a run's status flip with its negatives),
// including a write committed while the answer was being computed. A list that reads other rows
// (image sets, the mining run of an evaluation) is never stored.
import { startTestApp, type TestApp } from '../../test/support/test-app';
import { evaluationRunRow, miningRunRow, negativeRows } from '../../test/support/run-rows';
import { RunStatus } from '../shared/enums';

jest.setTimeout(60_000);

const EVALUATIONS = `{ evaluationRuns(first: 10) { totalCount edges { cursor node { id status progress
  labelSet { name } model { name } results { oodImageSetId auroc } } } pageInfo { hasNextPage endCursor } } }`;
const MINING = `{ miningRuns(first: 10) { totalCount edges { node { id status negativeCount labelSet { name } } } } }`;

interface EvaluationList {
  totalCount: number;
  edges: { node: { id: string; status: string; progress: number; labelSet: { name: string } } }[];
}

describe('run lists in the response cache', () => {
  let app: TestApp;
  let labelSetId: string;
  let modelId: string;
  let imageSetId: string;

  async function post(query: string): Promise<string> {
    const response = await fetch(app.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(200);
    return response.text();
  }

  const evaluationList = async () => {
    const body = JSON.parse(await post(EVALUATIONS)) as { data: { evaluationRuns: EvaluationList }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data.evaluationRuns;
  };

  const stats = () => ({ ...app.server.responseCache.stats });

  async function evaluationRun(status: RunStatus): Promise<string> {
    const run = await app.db.prisma.evaluationRun.create({
      data: evaluationRunRow({ labelSetId, modelId, modelHash: 'a'.repeat(64), imageSetId }, { status }),
    });
    return run.id;
  }

  beforeAll(async () => {
    app = await startTestApp({ workerCount: 0 });
    modelId = (
      await app.db.prisma.encoderModel.create({
        data: { name: 'space', kind: 'imported_space', embeddingDim: 4, contentHash: 'a'.repeat(64) },
      })
    ).id;
    labelSetId = (
      await app.db.prisma.labelSet.create({ data: { name: 'pets', labels: ['cat', 'dog'], promptTemplates: ['{}'] } })
    ).id;
    imageSetId = (
      await app.db.prisma.imageSet.create({
        data: { name: 'ood', kind: 'folder', folder: '/x', imageCount: 1, contentHash: 'c'.repeat(64) },
      })
    ).id;
    await app.db.prisma.corpus.create({
      data: { versionHash: 'f'.repeat(64), source: 'imported', options: {}, entryCount: 0, entries: [] },
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('replays an evaluation run list until a write under the server changes what it shows', async () => {
    const running = await evaluationRun(RunStatus.running);
    await evaluationRun(RunStatus.queued);
    const before = stats();
    const first = await post(EVALUATIONS);
    expect(await post(EVALUATIONS)).toBe(first);
    expect(stats()).toMatchObject({ stored: before.stored + 1, hits: before.hits + 1 });

    // Rows written by another process (a worker's progress), not through this server.
    await app.db.prisma.evaluationRun.update({ where: { id: running }, data: { progress: 0.5 } });
    expect((await evaluationList()).edges.find((edge) => edge.node.id === running)?.node.progress).toBe(0.5);
    expect(stats()).toMatchObject({ invalidated: before.invalidated + 1 });

    await app.db.prisma.labelSet.update({ where: { id: labelSetId }, data: { name: 'renamed pets' } });
    expect((await evaluationList()).edges.map((edge) => edge.node.labelSet.name)).toEqual([
      'renamed pets',
      'renamed pets',
    ]);

    const added = await evaluationRun(RunStatus.queued);
    expect((await evaluationList()).totalCount).toBe(3);
    await app.db.prisma.evaluationRun.delete({ where: { id: added } });
    const list = await evaluationList();
    expect(list.totalCount).toBe(2);
    expect(list.edges.map((edge) => edge.node.id)).not.toContain(added);

    // Unchanged since: a hit again.
    const settled = stats();
    await evaluationList();
    expect(stats()).toMatchObject({ hits: settled.hits + 1, invalidated: settled.invalidated });
  });

  it('never replays an answer computed while a write committed', async () => {
    const id = await evaluationRun(RunStatus.running);
    const repository = (app.services.evaluations as unknown as { repository: { page: (...args: never[]) => unknown } })
      .repository;
    const page = repository.page.bind(repository);
    // The page is read, then a worker's write commits before the answer is stored.
    const spy = jest.spyOn(repository, 'page').mockImplementationOnce(async (...args: never[]) => {
      const rows = await page(...args);
      await app.db.prisma.evaluationRun.update({ where: { id }, data: { progress: 0.75 } });
      return rows as never;
    });
    try {
      const stale = await evaluationList();
      expect(stale.edges.find((edge) => edge.node.id === id)?.node.progress).toBe(0);
      expect((await evaluationList()).edges.find((edge) => edge.node.id === id)?.node.progress).toBe(0.75);
    } finally {
      spy.mockRestore();
    }
  });

  it('replays a mining run list until a run succeeds with its negatives', async () => {
    const corpus = await app.db.prisma.corpus.findFirstOrThrow();
    const run = await app.db.prisma.miningRun.create({
      data: miningRunRow(
        { labelSetId, modelId, modelHash: 'a'.repeat(64), corpusId: corpus.id },
        { status: RunStatus.running },
      ),
    });
    const before = stats();
    const first = await post(MINING);
    expect(JSON.parse(first).data.miningRuns.edges[0].node).toMatchObject({ status: 'running', negativeCount: 0 });
    expect(await post(MINING)).toBe(first);
    expect(stats()).toMatchObject({ stored: before.stored + 1, hits: before.hits + 1 });

    // The job's commit: the status flip and the negatives together.
    await app.db.prisma.$transaction([
      app.db.prisma.miningRun.update({ where: { id: run.id }, data: { status: RunStatus.succeeded, progress: 1 } }),
      app.db.prisma.negativeLabel.createMany({ data: negativeRows(run.id, ['ant', 'bee']) }),
    ]);
    expect(JSON.parse(await post(MINING)).data.miningRuns.edges[0].node).toMatchObject({
      status: 'succeeded',
      negativeCount: 2,
    });
  });

  it('never stores a list that reads rows outside its tables', async () => {
    await evaluationRun(RunStatus.queued);
    const before = stats();
    for (const query of [
      `{ evaluationRuns(first: 5) { edges { node { id idImageSet { name } } } } }`,
      `{ evaluationRuns(first: 5) { edges { node { id oodImageSets { name } } } } }`,
      `{ evaluationRuns(first: 5) { edges { node { id miningRun { id } } } } }`,
      `{ evaluationRuns(first: 5) { edges { node { id results { oodImageSet { name } } } } } }`,
      `{ miningRuns(first: 5) { edges { node { id corpus { id } } } } }`,
      `{ miningRuns(first: 5) { edges { node { id negativesSummary { total } } } } }`,
    ]) {
      for (let i = 0; i < 2; i++) expect(JSON.parse(await post(query)).errors).toBeUndefined();
    }
    expect(stats()).toMatchObject({ stored: before.stored, hits: before.hits });
  });
});
