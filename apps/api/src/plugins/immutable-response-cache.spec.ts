// The whole-answer cache for immutable queries, through the real HTTP server: a succeeded run's
// negatives page is replayed byte for byte; answers that could change (a running run, the latest
// run of a label set, a query with another root field, an error) are never stored; a deleted run's
// page is never replayed, whether this process deleted it (a mutation) or another one did (a row
// deleted under the server).
import { startTestApp, type TestApp } from '../../test/support/test-app';
import { evaluationRunRow, miningRunRow, negativeRows } from '../../test/support/run-rows';
import { RunStatus } from '../shared/enums';

jest.setTimeout(60_000);

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

const NEGATIVES = `query($id: ID, $after: String) { negatives(miningRunId: $id, first: 3, after: $after) {
  totalCount edges { cursor node { rank word statistic } } pageInfo { hasNextPage endCursor } } }`;

describe('immutable response cache', () => {
  let app: TestApp;
  let labelSetId: string;
  let modelId: string;

  async function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(app.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  async function miningRun(status: RunStatus, words: readonly string[], labelSet = labelSetId): Promise<string> {
    const corpus = await app.db.prisma.corpus.findFirstOrThrow();
    const model = await app.db.prisma.encoderModel.findUniqueOrThrow({ where: { id: modelId } });
    const run = await app.db.prisma.miningRun.create({
      data: miningRunRow(
        { labelSetId: labelSet, modelId, modelHash: model.contentHash, corpusId: corpus.id },
        { status },
      ),
    });
    await app.db.prisma.negativeLabel.createMany({ data: negativeRows(run.id, words) });
    return run.id;
  }

  const stats = () => ({ ...app.server.responseCache.stats });

  beforeAll(async () => {
    app = await startTestApp({ workerCount: 0 });
    const model = await app.db.prisma.encoderModel.create({
      data: { name: 'space', kind: 'imported_space', embeddingDim: 4, contentHash: 'a'.repeat(64) },
    });
    modelId = model.id;
    const labelSet = await app.db.prisma.labelSet.create({
      data: { name: 'pets', labels: ['cat', 'dog'], promptTemplates: ['{}'] },
    });
    labelSetId = labelSet.id;
    await app.db.prisma.corpus.create({
      data: { versionHash: 'f'.repeat(64), source: 'imported', options: {}, entryCount: 0, entries: [] },
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('replays a succeeded run’s page byte for byte, one entry per request', async () => {
    const id = await miningRun(RunStatus.succeeded, ['ant', 'bee', 'cow', 'doe', 'elk']);
    const before = stats();
    const first = await post({ query: NEGATIVES, variables: { id } });
    const second = await post({ query: NEGATIVES, variables: { id } });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text).data.negatives.edges.map((e: { node: { word: string } }) => e.node.word)).toEqual([
      'ant',
      'bee',
      'cow',
    ]);
    expect(second).toEqual(first);
    expect(stats()).toMatchObject({ stored: before.stored + 1, hits: before.hits + 1 });

    // The next page (another variable) is its own entry, and so is another Accept header.
    const endCursor = JSON.parse(first.text).data.negatives.pageInfo.endCursor as string;
    const next = await post({ query: NEGATIVES, variables: { id, after: endCursor } });
    expect(JSON.parse(next.text).data.negatives.edges.map((e: { node: { word: string } }) => e.node.word)).toEqual([
      'doe',
      'elk',
    ]);
    const graphqlJson = await post(
      { query: NEGATIVES, variables: { id } },
      { accept: 'application/graphql-response+json' },
    );
    expect(graphqlJson.contentType).toMatch(/application\/graphql-response\+json/);
    expect(JSON.parse(graphqlJson.text)).toEqual(JSON.parse(first.text));
    expect(stats()).toMatchObject({ stored: before.stored + 3, hits: before.hits + 1 });
  });

  it('stores only answers every root field of which is immutable', async () => {
    const done = await miningRun(RunStatus.succeeded, ['fox', 'gnu']);
    const running = await miningRun(RunStatus.running, ['hen']);
    const before = stats();
    const requests = [
      // A running run's negatives change when it finishes.
      { query: NEGATIVES, variables: { id: running } },
      // The latest run of a label set and model changes when a newer one succeeds.
      {
        query: `query($l: ID, $m: ID) { negatives(labelSetId: $l, modelId: $m, first: 2) { totalCount } }`,
        variables: { l: labelSetId, m: modelId },
      },
      // Another root field that declares nothing (corpora).
      {
        query: `query($id: ID) { negatives(miningRunId: $id, first: 2) { totalCount } corpora { id } }`,
        variables: { id: done },
      },
      {
        query: `query($id: ID) { __typename negatives(miningRunId: $id, first: 2) { totalCount } }`,
        variables: { id: done },
      },
      // A directive on the root field decides per request.
      {
        query: `query($id: ID, $x: Boolean!) { negatives(miningRunId: $id, first: 2) @include(if: $x) { totalCount } }`,
        variables: { id: done, x: true },
      },
      // Errors (a cursor that is not one).
      { query: NEGATIVES, variables: { id: done, after: 'not-a-cursor' } },
    ];
    for (const request of requests) {
      for (let i = 0; i < 2; i++) expect((await post(request)).status).toBe(200);
    }
    expect(stats()).toMatchObject({ stored: before.stored, hits: before.hits });

    // Two aliased pages of succeeded runs: both root fields declared themselves.
    const aliased = {
      query: `query($a: ID, $b: ID) { a: negatives(miningRunId: $a, first: 1) { totalCount } b: negatives(miningRunId: $b, first: 1) { totalCount } }`,
      variables: { a: done, b: done },
    };
    const first = await post(aliased);
    expect(await post(aliased)).toEqual(first);
    expect(stats()).toMatchObject({ stored: before.stored + 1, hits: before.hits + 1 });
  });

  it('stores a filtered page of a succeeded run, not of a running one', async () => {
    const done = await miningRun(RunStatus.succeeded, ['mole', 'moth', 'newt']);
    const running = await miningRun(RunStatus.running, ['mole', 'mink']);
    const searched = `query($id: ID) { negatives(miningRunId: $id, first: 5, filter: { search: "mo" }) { totalCount edges { node { word } } } }`;
    const before = stats();
    const first = await post({ query: searched, variables: { id: done } });
    expect(JSON.parse(first.text).data.negatives.totalCount).toBe(2);
    expect(await post({ query: searched, variables: { id: done } })).toEqual(first);
    for (let i = 0; i < 2; i++) await post({ query: searched, variables: { id: running } });
    expect(stats()).toMatchObject({ stored: before.stored + 1, hits: before.hits + 1 });
  });

  it('stores a succeeded evaluation run read for its values, never with its relations or while it runs', async () => {
    const imageSet = await app.db.prisma.imageSet.create({
      data: { name: 'ood', kind: 'folder', folder: '/x', imageCount: 1, contentHash: 'c'.repeat(64) },
    });
    const model = await app.db.prisma.encoderModel.findUniqueOrThrow({ where: { id: modelId } });
    const evaluation = async (status: RunStatus) => {
      const run = await app.db.prisma.evaluationRun.create({
        data: evaluationRunRow(
          { labelSetId, modelId, modelHash: model.contentHash, imageSetId: imageSet.id },
          { status },
        ),
      });
      if (status === RunStatus.succeeded)
        await app.db.prisma.evaluationResult.create({
          data: {
            evaluationRunId: run.id,
            oodImageSetId: imageSet.id,
            fprAtTprId: 0.25,
            fprAtTprOod: 0.5,
            auroc: 0.875,
            auprIn: 0.5,
            auprOut: 0.5,
            nId: 10,
            nOod: 10,
            thresholdAtTprId: 0,
            rocPoints: [],
            histograms: {},
            guardHits: 0,
          },
        });
      return run.id;
    };
    const succeeded = await evaluation(RunStatus.succeeded);
    const running = await evaluation(RunStatus.running);
    const values = `query($id: ID!) { evaluationRun(id: $id) { id status method params results { auroc fprAtTprId rocPoints { fpr tpr } } } }`;
    const relations = `query($id: ID!) { evaluationRun(id: $id) { id results { auroc oodImageSet { name } } } }`;
    const related = `query($id: ID!) { evaluationRun(id: $id) { id labelSet { name } } }`;
    const before = stats();
    const first = await post({ query: values, variables: { id: succeeded } });
    expect(JSON.parse(first.text).data.evaluationRun.results[0].auroc).toBe(0.875);
    expect(await post({ query: values, variables: { id: succeeded } })).toEqual(first);
    for (const [query, id] of [
      [values, running],
      [relations, succeeded],
      [related, succeeded],
    ] as const) {
      for (let i = 0; i < 2; i++)
        expect(JSON.parse((await post({ query, variables: { id } })).text).errors).toBeUndefined();
    }
    expect(stats()).toMatchObject({ stored: before.stored + 1, hits: before.hits + 1 });
    // A renamed label set shows at once where the query reads it.
    await app.db.prisma.labelSet.update({ where: { id: labelSetId }, data: { name: 'renamed pets' } });
    expect(
      JSON.parse((await post({ query: related, variables: { id: succeeded } })).text).data.evaluationRun.labelSet.name,
    ).toBe('renamed pets');
  });

  it('never replays a run deleted by another process', async () => {
    const id = await miningRun(RunStatus.succeeded, ['ibex', 'jay']);
    const request = { query: NEGATIVES, variables: { id } };
    await post(request);
    const before = stats();
    await app.db.prisma.miningRun.delete({ where: { id } });
    const after = JSON.parse((await post(request)).text) as { errors?: { extensions: { code: string } }[] };
    expect(after.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(stats()).toMatchObject({ hits: before.hits, invalidated: before.invalidated + 1 });
  });

  it('never replays a run this process deleted, even to requests that arrive while a check is in flight', async () => {
    const archived = await app.db.prisma.labelSet.create({
      data: { name: 'archived pets', labels: ['cat'], promptTemplates: ['{}'], archived: true },
    });
    const id = await miningRun(RunStatus.succeeded, ['kiwi', 'lark'], archived.id);
    const request = { query: NEGATIVES, variables: { id } };
    await post(request);
    // A hit whose check read the run before the delete committed and answers only later.
    const repository = (app.services.mining as unknown as { repository: { status(id: string): Promise<unknown> } })
      .repository;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const status = jest.spyOn(repository, 'status').mockImplementationOnce(async () => {
      await gate;
      return RunStatus.succeeded;
    });
    try {
      const early = post(request);
      while (status.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const deleted = await post({
        query: `mutation($id: ID!) { deleteLabelSet(id: $id) { id } }`,
        variables: { id: archived.id },
      });
      expect(JSON.parse(deleted.text).errors).toBeUndefined();
      // Asked after the delete answered: it must not share the early, stale check.
      setTimeout(release, 300);
      const after = JSON.parse((await post(request)).text) as { errors?: { extensions: { code: string } }[] };
      expect(after.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
      // The early request was served on its own (stale but earlier) read: that is its answer.
      expect((await early).status).toBe(200);
    } finally {
      release();
      status.mockRestore();
    }
  });
});

describe('immutable response cache turned off', () => {
  it('stores nothing with NEGMINE_RESPONSE_CACHE_MB=0', async () => {
    const app = await startTestApp({ workerCount: 0, responseCacheMb: 0 });
    try {
      const response = await fetch(app.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ corpora { id } }' }),
      });
      expect(response.status).toBe(200);
      expect(app.server.responseCache.stats).toEqual({ hits: 0, misses: 0, stored: 0, invalidated: 0 });
    } finally {
      await app.stop();
    }
  });
});
