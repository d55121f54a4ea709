// End to end over HTTP, as a client would: a dnm-parity case is imported as an embedding space
// (label names, corpus, ID and OOD image embeddings), negatives are mined with both strategies and
// paged through, and mcm / neglabel / debiased evaluations are launched, run by the queue's workers
// and read back. Selections must equal the reference's, and every method's metrics must match it
// within the fixture's tolerances: the grouped methods are given the reference's own permutations
// (expected/perm_*.npy, as base64 and as a list), so they group exactly as it did.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { asIndexVector } from '@negmine/formats';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import { startTestApp, waitForRun, type TestApp } from '../support/test-app';

const CASE = 'p1-k10-n2000';
/** The fixture README's tolerances for metrics: FPR95 within 2 / n_ood, AUROC and AUPR within 1e-4. */
const METRIC_TOLERANCE = 1e-4;

interface Metrics {
  fpr95: number;
  auroc: number;
  aupr_in: number;
  aupr_out: number;
}

function base64File(file: string): string {
  return readFileSync(file).toString('base64');
}

describeWithSharedFixtures(
  'dnm-parity',
  'GraphQL end to end on a dnm-parity case (imported embedding space)',
  (fixtures) => {
    const dir = path.join(fixtures, CASE);
    const meta = readJson<{ ood_sets: string[] }>(path.join(dir, 'meta.json'));
    const expectedMetrics = readJson<Record<string, Record<string, Metrics>>>(
      path.join(dir, 'expected', 'metrics.json'),
    );
    let app: TestApp;
    let modelId: string;
    let labelSetId: string;
    let corpusId: string;
    const imageSetIds: Record<string, string> = {};

    beforeAll(async () => {
      app = await startTestApp();
    }, 60_000);

    afterAll(async () => {
      await app?.stop();
    });

    const importNpy = (input: Record<string, unknown>) =>
      app.gql<{ importEmbeddings: { rows: number; corpusId: string | null; imageSetId: string | null } }>(
        'mutation($input: ImportEmbeddingsInput!) { importEmbeddings(input: $input) { rows embeddingDim corpusId imageSetId } }',
        { input },
      );

    it('imports the case as an embedding space', async () => {
      ({
        registerModel: { id: modelId },
      } = await app.gql<{ registerModel: { id: string } }>(
        'mutation { registerModel(input: { name: "dnm-parity space", importedEmbeddingDim: 512, backbone: vit_b16 }) { id } }',
      ));
      const labels = readJson<string[]>(path.join(dir, 'id_labels.json'));
      ({
        createLabelSet: { id: labelSetId },
      } = await app.gql<{ createLabelSet: { id: string } }>(
        'mutation($labels: [String!]) { createLabelSet(input: { name: "dnm-parity", labels: $labels }) { id } }',
        {
          labels,
        },
      ));
      await importNpy({
        target: 'label_names',
        modelId,
        labelSetId,
        npyBase64: base64File(path.join(dir, 'id_text_emb.npy')),
      });
      const corpusEntries = readJson<{ word: string; pos: string }[]>(path.join(dir, 'corpus.json'));
      const corpus = await importNpy({
        target: 'corpus',
        modelId,
        corpusEntries,
        npyBase64: base64File(path.join(dir, 'corpus_text_emb.npy')),
      });
      expect(corpus.importEmbeddings.rows).toBe(corpusEntries.length);
      corpusId = corpus.importEmbeddings.corpusId!;
      for (const set of ['id', ...meta.ood_sets]) {
        const imported = await importNpy({
          target: 'image_set',
          modelId,
          imageSetName: `dnm-parity ${set}`,
          npyBase64: base64File(path.join(dir, `images_${set}.npy`)),
        });
        imageSetIds[set] = imported.importEmbeddings.imageSetId!;
      }
    }, 120_000);

    const mine = async (selectionMethod: string) => {
      const { mineNegatives } = await app.gql<{ mineNegatives: { id: string; status: string } }>(
        `mutation($input: MineNegativesInput!) { mineNegatives(input: $input) { id status } }`,
        { input: { labelSetId, modelId, corpusId, selectionMethod, params: { precision: 'float64' } } },
      );
      expect(await waitForRun(app, mineNegatives.id)).toEqual({ status: 'succeeded', error: null });
      return mineNegatives.id;
    };

    const allNegatives = async (miningRunId: string, pageSize: number) => {
      const indices: number[] = [];
      let after: string | null = null;
      for (;;) {
        const page: {
          negatives: {
            edges: { node: { corpusIndex: number } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        } = await app.gql(
          'query($id: ID!, $first: Int!, $after: String) { negatives(miningRunId: $id, first: $first, after: $after) { edges { node { corpusIndex } } pageInfo { hasNextPage endCursor } } }',
          { id: miningRunId, first: pageSize, after },
        );
        indices.push(...page.negatives.edges.map((edge) => edge.node.corpusIndex));
        if (!page.negatives.pageInfo.hasNextPage) return indices;
        after = page.negatives.pageInfo.endCursor;
      }
    };

    let seedRunId: string;
    let neglabelRunId: string;

    it('mines the reference kNN-density and NegLabel selections and pages through them', async () => {
      seedRunId = await mine('knn_density');
      neglabelRunId = await mine('neglabel');
      const expectedSeed = Array.from(
        asIndexVector(readNpy(path.join(dir, 'expected', 'selected_seed.npy')), 'selected_seed'),
      );
      const expectedNeglabel = Array.from(
        asIndexVector(readNpy(path.join(dir, 'expected', 'selected_neglabel.npy')), 'selected_neglabel'),
      );
      expect(await allNegatives(seedRunId, 100)).toEqual(expectedSeed);
      expect(await allNegatives(neglabelRunId, 77)).toEqual(expectedNeglabel);
    }, 180_000);

    it('filters negatives and reports false-negative diagnostics', async () => {
      const { negatives } = await app.gql<{
        negatives: { totalCount: number; edges: { node: { pos: string; word: string } }[] };
      }>(
        'query($l: ID!, $m: ID!) { negatives(labelSetId: $l, modelId: $m, first: 500, filter: { pos: "adj" }) { totalCount edges { node { pos word } } } }',
        { l: labelSetId, m: modelId },
      );
      expect(negatives.totalCount).toBeGreaterThan(0);
      expect(negatives.edges.every((edge) => edge.node.pos === 'adj')).toBe(true);
      const flagged = await app.gql<{
        negatives: { edges: { node: { flagged: boolean; nearestIdLabel: string | null } }[] };
      }>(
        'query($id: ID!) { negatives(miningRunId: $id, first: 500, filter: { flagged: true }) { edges { node { flagged nearestIdLabel } } } }',
        { id: seedRunId },
      );
      expect(flagged.negatives.edges.every((edge) => edge.node.flagged && edge.node.nearestIdLabel !== null)).toBe(
        true,
      );
    }, 60_000);

    const launch = async (input: Record<string, unknown>) => {
      const { launchEvaluation } = await app.gql<{ launchEvaluation: { id: string } }>(
        'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id } }',
        {
          input: {
            idImageSetId: imageSetIds['id'],
            oodImageSetIds: meta.ood_sets.map((set) => imageSetIds[set]),
            ...input,
          },
        },
      );
      return launchEvaluation.id;
    };

    interface ResultRow {
      oodImageSet: { name: string };
      fprAtTprId: number;
      auroc: number;
      auprIn: number;
      auprOut: number;
      nId: number;
      nOod: number;
      rocPoints: { fpr: number; tpr: number }[];
      histograms: { edges: number[]; idCounts: number[] };
    }

    const results = async (runId: string) => {
      const { evaluationRun } = await app.gql<{ evaluationRun: { status: string; results: ResultRow[] } }>(
        'query($id: ID!) { evaluationRun(id: $id) { status results { oodImageSet { name } fprAtTprId auroc auprIn auprOut nId nOod rocPoints { fpr tpr } histograms { edges idCounts } } } }',
        { id: runId },
      );
      return new Map(evaluationRun.results.map((row) => [row.oodImageSet.name.replace('dnm-parity ', ''), row]));
    };

    it('evaluates mcm, neglabel and debiased and returns the expected metrics', async () => {
      const mcm = await launch({
        labelSetId,
        modelId,
        method: 'mcm',
        params: { temperature: 1 },
        idempotencyKey: 'parity-mcm',
      });
      expect(
        await launch({ labelSetId, modelId, method: 'mcm', params: { temperature: 1 }, idempotencyKey: 'parity-mcm' }),
      ).toBe(mcm);
      const permNeglabel = Array.from(
        asIndexVector(readNpy(path.join(dir, 'expected', 'perm_neglabel.npy')), 'perm_neglabel'),
      );
      const neglabel = await launch({
        miningRunId: neglabelRunId,
        method: 'neglabel',
        params: { temperature: 0.01, groups: 100 },
        permutation: { indices: permNeglabel },
      });
      const debiased = await launch({
        miningRunId: seedRunId,
        method: 'debiased',
        params: { temperature: 0.01, groups: 100, tau: 0.5 },
        permutation: { npyBase64: base64File(path.join(dir, 'expected', 'perm_seed.npy')) },
      });
      for (const runId of [mcm, neglabel, debiased])
        expect(await waitForRun(app, runId)).toEqual({ status: 'succeeded', error: null });

      const nOod = 300;
      for (const [runId, method] of [
        [mcm, 'mcm'],
        [neglabel, 'neglabel'],
        [debiased, 'seed'],
      ] as const) {
        const rows = await results(runId);
        for (const set of meta.ood_sets) {
          const row = rows.get(set)!;
          const expected = expectedMetrics[set]![method]!;
          expect(Math.abs(row.fprAtTprId - expected.fpr95)).toBeLessThanOrEqual(2 / nOod);
          expect(Math.abs(row.auroc - expected.auroc)).toBeLessThan(METRIC_TOLERANCE);
          expect(Math.abs(row.auprIn - expected.aupr_in)).toBeLessThan(METRIC_TOLERANCE);
          expect(Math.abs(row.auprOut - expected.aupr_out)).toBeLessThan(METRIC_TOLERANCE);
          expect(row).toMatchObject({ nId: 600, nOod });
          expect(row.rocPoints.at(0)).toEqual({ fpr: 0, tpr: 0 });
          expect(row.rocPoints.at(-1)).toEqual({ fpr: 1, tpr: 1 });
          expect(row.histograms.idCounts.reduce((a, b) => a + b, 0)).toBe(600);
        }
      }
      const { evaluationRun } = await app.gql<{
        evaluationRun: { permutations: number; groupPermutation: number[] | null };
      }>('query($id: ID!) { evaluationRun(id: $id) { permutations groupPermutation } }', { id: neglabel });
      expect(evaluationRun).toEqual({ permutations: 1, groupPermutation: permNeglabel });
      const { compareRuns } = await app.gql<{
        compareRuns: { rows: { oodImageSetName: string; cells: unknown[]; bestByAuroc: string }[] };
      }>(
        'query($ids: [ID!]!) { compareRuns(ids: $ids) { rows { oodImageSetName cells { evaluationRunId auroc } bestByAuroc } } }',
        { ids: [mcm, neglabel, debiased] },
      );
      expect(compareRuns.rows).toHaveLength(meta.ood_sets.length + 1);
      expect(compareRuns.rows.every((row) => row.cells.length === 3)).toBe(true);
    }, 300_000);

    it('stores per-sample scores so metrics can be recomputed', async () => {
      const runs = await app.services.prisma.sampleScores.findMany({ where: { imageSetId: imageSetIds['id'] } });
      expect(runs.length).toBe(3);
      for (const row of runs) expect(row.scores.byteLength).toBe(600 * 4);
    });
  },
);
