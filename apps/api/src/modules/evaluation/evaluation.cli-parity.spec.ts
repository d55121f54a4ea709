// One protocol: an API evaluation (launchEvaluation + the evaluate job) and `negmine evaluate` on the
// same embeddings give identical per-set metrics and the same mean for every method — adaneg too,
// whose stream (concat(OOD, ID), seeded order per OOD set) the job now builds exactly as the CLI.
// tanl needs noise images only an ONNX model can encode; it is refused for imported spaces (checked
// here) and evaluated through the same evaluateMethod call.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serializeNpy } from '@negmine/formats';
import { repositoryRoot } from '@negmine/formats/testing';
import { SCORING_METHOD_IDS } from '@negmine/mining';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { createImportedSpace, npyBase64, vectors, type ImportedSpace } from '../../../test/support/imported-space';
import { RecordingQueue, runJob, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { ScoringMethod, SelectionMethod } from '../../shared/enums';
import { EmbeddingTarget } from '../import/import.input';
import { NegativeOrder } from '../mining/mining.input';

const DIM = 8;
const SEED = 3;
const METRICS = ['fprAtTprId', 'fprAtTprOod', 'auroc', 'auprIn', 'auprOut', 'thresholdAtTprId', 'nId', 'nOod'] as const;

/** Launch params per method (grouped methods need G ≤ the 20 mined negatives). */
const PARAMS: Partial<Record<ScoringMethod, Record<string, number>>> = {
  neglabel: { groups: 4 },
  debiased: { groups: 4 },
  adaneg: { groups: 4, memoryLength: 5 },
};

interface CliOutput {
  readonly protocol: string;
  readonly sets: Record<string, Record<string, unknown>>;
  readonly mean: Record<string, number>;
}

describe('API evaluation vs negmine evaluate', () => {
  let db: TestDatabase;
  let services: AllServices;
  let space: ImportedSpace;
  let farSetId: string;
  let miningRunId: string;
  let dir: string;

  const npy = (name: string, data: Float32Array, rows: number) => {
    const file = path.join(dir, `${name}.npy`);
    writeFileSync(file, serializeNpy(data, [rows, DIM]));
    return file;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma, new RecordingQueue());
    space = await createImportedSpace(services, 'parity', DIM);
    // A second, farther OOD set (the imported-space sets are "id" and a near "ood").
    const far = vectors(25, DIM, 11).map((value, i) => value + (i % DIM === 0 ? 3 : 0));
    farSetId = (await services.imports.importEmbeddings({ target: EmbeddingTarget.image_set, modelId: space.modelId, imageSetName: 'parity-far', npyBase64: npyBase64(far, 25, DIM) })).imageSetId!;
    const run = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.knn_density,
      params: { k: 5 },
    });
    miningRunId = run.id;
    await runJob(services, 'mine', { runId: miningRunId });
    dir = mkdtempSync(path.join(tmpdir(), 'negmine-parity-'));
    npy('id-text', vectors(3, DIM, 1), 3);
    const negatives = await services.mining.negatives({ miningRunId, first: 500, orderBy: NegativeOrder.rank_asc });
    const corpus = vectors(40, DIM, 2);
    const neg = new Float32Array(negatives.edges.length * DIM);
    negatives.edges.forEach((edge, rank) => neg.set(corpus.subarray(edge.node.corpusIndex * DIM, (edge.node.corpusIndex + 1) * DIM), rank * DIM));
    npy('neg-text', neg, negatives.edges.length);
    npy('images-id', vectors(20, DIM, 3), 20);
    npy('images-near', vectors(20, DIM, 4), 20);
    npy('images-far', far, 25);
  }, 120_000);

  afterAll(async () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  const cli = (method: string, params: Record<string, number>, stream: boolean): CliOutput => {
    const args = [
      path.join(repositoryRoot(), 'tools', 'cli', 'bin', 'negmine.js'),
      'evaluate',
      '--method',
      method,
      '--id-emb',
      path.join(dir, 'id-text.npy'),
      '--neg-emb',
      path.join(dir, 'neg-text.npy'),
      '--images-id',
      path.join(dir, 'images-id.npy'),
      '--images-ood',
      `near=${path.join(dir, 'images-near.npy')}`,
      '--images-ood',
      `far=${path.join(dir, 'images-far.npy')}`,
      '--threads',
      '1',
      ...Object.entries(params).flatMap(([name, value]) => (name === 'groups' ? ['--groups', String(value)] : ['--param', `${name}=${value}`])),
      ...(params['groups'] === undefined ? [] : ['--seed', String(SEED)]),
      ...(stream ? ['--stream-seed', String(SEED)] : []),
    ];
    const result = spawnSync(process.execPath, args, { cwd: repositoryRoot(), encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`negmine evaluate ${method} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as CliOutput;
  };

  it.each(SCORING_METHOD_IDS.filter((id) => id !== 'tanl'))(
    '%s: identical per-set metrics and mean',
    async (method) => {
      const params = PARAMS[method as ScoringMethod] ?? {};
      const launched = await services.evaluations.launch({
        miningRunId,
        method: method as ScoringMethod,
        params: Object.fromEntries(Object.entries(params).filter(([name]) => name !== 'groups' || method !== 'mcm')),
        ...(params['groups'] === undefined ? {} : { seed: SEED }),
        idImageSetId: space.idSetId,
        oodImageSetIds: [space.oodSetId, farSetId],
      });
      expect(await runJob(services, 'evaluate', { runId: launched.id })).toBe('committed');
      const run = await services.evaluations.get(launched.id);
      expect(run.status).toBe('succeeded');
      const results = await db.prisma.evaluationResult.findMany({ where: { evaluationRunId: run.id } });
      const stream = method === 'adaneg';
      const expected = cli(method, params, stream);
      expect((run.diagnostics as { protocol: string }).protocol).toBe(expected.protocol);
      for (const [name, setId] of [
        ['near', space.oodSetId],
        ['far', farSetId],
      ] as const) {
        const result = results.find((row) => row.oodImageSetId === setId)!;
        const fromApi = Object.fromEntries(METRICS.map((metric) => [metric, result[metric]]));
        const fromCli = Object.fromEntries(METRICS.map((metric) => [metric, expected.sets[name]![metric]]));
        expect({ method, set: name, ...fromApi }).toEqual({ method, set: name, ...fromCli });
        if (stream) {
          const order = (run.diagnostics as { sets: Record<string, { streamOrder: { sha256: string } }> }).sets[setId]!.streamOrder;
          expect(order.sha256).toBe((expected.sets[name]!['streamOrder'] as { sha256: string }).sha256);
        }
      }
      expect(run.meanMetrics).toEqual(expected.mean);
    },
    180_000,
  );

  it('an adaneg run records the stream protocol it was scored with (seed, batch size)', async () => {
    const runs = await db.prisma.evaluationRun.findMany({ where: { method: 'adaneg' } });
    expect(runs).toHaveLength(1);
    expect((runs[0]!.diagnostics as { protocol: string; streamSeed: number; batchSize: number }).protocol).toBe('stream');
    expect(runs[0]!.diagnostics).toMatchObject({ streamSeed: SEED, batchSize: 256 });
  });

  it('refuses tanl for an imported space (its noise images need an image tower)', async () => {
    await expect(
      services.evaluations.launch({ miningRunId, method: ScoringMethod.tanl, idImageSetId: space.idSetId, oodImageSetIds: [space.oodSetId] }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/noise images/) });
  });
});
