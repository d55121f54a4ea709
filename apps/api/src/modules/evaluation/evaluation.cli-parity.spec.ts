// One protocol: an API evaluation (launchEvaluation + the evaluate job) and `negmine evaluate` on the
// same embeddings give identical per-set metrics and the same mean for every method — adaneg too,
// whose stream (concat(OOD, ID), seeded order per OOD set) the job now builds exactly as the CLI.
// Stream methods (adaneg, tanl) also agree with a given streamSeed and batchSize and with given
// orders; tanl on an imported space needs imported noise-image embeddings (refused until then).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serializeNpy } from '@negmine/formats';
import { seededPermutation, streamOrderSha256 } from '@negmine/mining';
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
    farSetId = (
      await services.imports.importEmbeddings({
        target: EmbeddingTarget.image_set,
        modelId: space.modelId,
        imageSetName: 'parity-far',
        npyBase64: npyBase64(far, 25, DIM),
      })
    ).imageSetId!;
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
    negatives.edges.forEach((edge, rank) =>
      neg.set(corpus.subarray(edge.node.corpusIndex * DIM, (edge.node.corpusIndex + 1) * DIM), rank * DIM),
    );
    npy('neg-text', neg, negatives.edges.length);
    npy('images-id', vectors(20, DIM, 3), 20);
    npy('images-near', vectors(20, DIM, 4), 20);
    npy('images-far', far, 25);
  }, 120_000);

  afterAll(async () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  const cli = (
    method: string,
    params: Record<string, number>,
    stream: boolean,
    extra: readonly string[] = [],
  ): CliOutput => {
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
      ...Object.entries(params).flatMap(([name, value]) =>
        name === 'groups' ? ['--groups', String(value)] : ['--param', `${name}=${value}`],
      ),
      ...(params['groups'] === undefined ? [] : ['--seed', String(SEED)]),
      ...(stream && !extra.includes('--stream-seed') ? ['--stream-seed', String(SEED)] : []),
      ...extra,
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
          const order = (run.diagnostics as { sets: Record<string, { streamOrder: { sha256: string } }> }).sets[setId]!
            .streamOrder;
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
    expect((runs[0]!.diagnostics as { protocol: string; streamSeed: number; batchSize: number }).protocol).toBe(
      'stream',
    );
    expect(runs[0]!.diagnostics).toMatchObject({ streamSeed: SEED, batchSize: 256 });
  });

  it('refuses tanl for an imported space without imported noise-image embeddings, naming the import', async () => {
    await expect(
      services.evaluations.launch({
        miningRunId,
        method: ScoringMethod.tanl,
        idImageSetId: space.idSetId,
        oodImageSetIds: [space.oodSetId],
      }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/noise images.*importEmbeddings\(target: noise\)/),
    });
  });

  const STREAM_SEED = 7;
  const BATCH = 8;
  const STREAM_PARAMS: Record<'adaneg' | 'tanl', Record<string, number>> = {
    adaneg: { groups: 4, memoryLength: 5 },
    tanl: { negatives: 5, memoryLength: 6 },
  };

  it.each(['adaneg', 'tanl'] as const)(
    '%s with a given streamSeed and batchSize: identical per-set metrics, orders and mean; stored with the run',
    async (method) => {
      if (method === 'tanl') {
        const noise = vectors(15, DIM, 9).map((value, i) => value * 0.2 + (i % 3));
        await services.imports.importEmbeddings({
          target: EmbeddingTarget.noise,
          modelId: space.modelId,
          npyBase64: npyBase64(noise, 15, DIM),
        });
        npy('noise', noise, 15);
        npy('corpus', vectors(40, DIM, 2), 40);
      }
      const params = STREAM_PARAMS[method];
      const { groups: _groups, ...launchParams } = params;
      const launched = await services.evaluations.launch({
        miningRunId,
        method: method as ScoringMethod,
        params: method === 'adaneg' ? { ...launchParams, groups: 4 } : launchParams,
        streamSeed: STREAM_SEED,
        batchSize: BATCH,
        idImageSetId: space.idSetId,
        oodImageSetIds: [space.oodSetId, farSetId],
      });
      expect(launched).toMatchObject({ streamSeed: STREAM_SEED, batchSize: BATCH });
      expect(await runJob(services, 'evaluate', { runId: launched.id })).toBe('committed');
      const run = await services.evaluations.get(launched.id);
      expect(run.status).toBe('succeeded');
      const extra = ['--stream-seed', String(STREAM_SEED), '--batch-size', String(BATCH)];
      if (method === 'tanl')
        extra.push('--corpus-emb', path.join(dir, 'corpus.npy'), '--noise-emb', path.join(dir, 'noise.npy'));
      const expected = cli(method, params, true, extra);
      const results = await db.prisma.evaluationResult.findMany({ where: { evaluationRunId: run.id } });
      const orders = run.streamOrders as {
        kind: string;
        imageSetId?: string;
        given: boolean;
        seed: number | null;
        length: number;
        sha256: string;
      }[];
      for (const [index, [name, setId, rows]] of (
        [
          ['near', space.oodSetId, 40],
          ['far', farSetId, 45],
        ] as const
      ).entries()) {
        const result = results.find((row) => row.oodImageSetId === setId)!;
        const fromApi = Object.fromEntries(METRICS.map((metric) => [metric, result[metric]]));
        const fromCli = Object.fromEntries(METRICS.map((metric) => [metric, expected.sets[name]![metric]]));
        expect({ method, set: name, ...fromApi }).toEqual({ method, set: name, ...fromCli });
        const order = orders.find((record) => record.kind === 'stream' && record.imageSetId === setId)!;
        expect(order).toEqual({
          kind: 'stream',
          imageSetId: setId,
          given: false,
          seed: STREAM_SEED + index,
          length: rows,
          sha256: streamOrderSha256(seededPermutation(rows, STREAM_SEED + index)),
        });
        expect(order.sha256).toBe((expected.sets[name]!['streamOrder'] as { sha256: string }).sha256);
      }
      if (method === 'tanl') {
        expect(
          orders
            .filter((record) => record.kind !== 'stream')
            .map((record) => [record.kind, record.length, record.given]),
        ).toEqual([
          ['positiveInit', 3, false],
          ['noiseInit', 15, false],
        ]);
      }
      expect(run.meanMetrics).toEqual(expected.mean);
      expect(run.diagnostics).toMatchObject({ protocol: 'stream', streamSeed: STREAM_SEED, batchSize: BATCH });
    },
    180_000,
  );

  const orderNpy = (order: ArrayLike<number>) =>
    Buffer.from(serializeNpy(BigInt64Array.from(Array.from(order, BigInt)), [order.length])).toString('base64');

  it('uses given stream and queue-initialisation orders as the CLI does (--stream-order, --pos-init-order, --noise-init-order)', async () => {
    const near = Array.from({ length: 40 }, (_, i) => 39 - i);
    const positive = [2, 0, 1];
    const noise = Array.from({ length: 15 }, (_, i) => (i * 4) % 15);
    const launched = await services.evaluations.launch({
      miningRunId,
      method: ScoringMethod.tanl,
      params: STREAM_PARAMS.tanl,
      streamSeed: STREAM_SEED,
      batchSize: BATCH,
      streamOrders: [{ imageSetId: space.oodSetId, npyBase64: orderNpy(near) }],
      positiveInitOrder: { npyBase64: orderNpy(positive) },
      noiseInitOrder: { npyBase64: orderNpy(noise) },
      idImageSetId: space.idSetId,
      oodImageSetIds: [space.oodSetId, farSetId],
    });
    const before = launched.streamOrders as { kind: string; given: boolean; sha256: string | null }[];
    expect(before.map((record) => [record.kind, record.given])).toEqual([
      ['stream', true],
      ['stream', false],
      ['positiveInit', true],
      ['noiseInit', true],
    ]);
    expect(before[0]!.sha256).toBe(streamOrderSha256(Int32Array.from(near)));
    expect(await runJob(services, 'evaluate', { runId: launched.id })).toBe('committed');
    const run = await services.evaluations.get(launched.id);
    const files = { near: 'order-near.npy', pos: 'order-pos.npy', noise: 'order-noise.npy' };
    writeFileSync(path.join(dir, files.near), Buffer.from(orderNpy(near), 'base64'));
    writeFileSync(path.join(dir, files.pos), Buffer.from(orderNpy(positive), 'base64'));
    writeFileSync(path.join(dir, files.noise), Buffer.from(orderNpy(noise), 'base64'));
    const expected = cli('tanl', STREAM_PARAMS.tanl, true, [
      '--stream-seed',
      String(STREAM_SEED),
      '--batch-size',
      String(BATCH),
      '--corpus-emb',
      path.join(dir, 'corpus.npy'),
      '--noise-emb',
      path.join(dir, 'noise.npy'),
      '--stream-order',
      `near=${path.join(dir, files.near)}`,
      '--pos-init-order',
      path.join(dir, files.pos),
      '--noise-init-order',
      path.join(dir, files.noise),
    ]);
    const results = await db.prisma.evaluationResult.findMany({ where: { evaluationRunId: run.id } });
    for (const [name, setId] of [
      ['near', space.oodSetId],
      ['far', farSetId],
    ] as const) {
      const result = results.find((row) => row.oodImageSetId === setId)!;
      expect(Object.fromEntries(METRICS.map((metric) => [metric, result[metric]]))).toEqual(
        Object.fromEntries(METRICS.map((metric) => [metric, expected.sets[name]![metric]])),
      );
    }
    expect(run.meanMetrics).toEqual(expected.mean);
    // The orders the job scored with (evaluateMethod's record) are the given ones.
    const used = run.streamOrders as { given: boolean; sha256: string }[];
    expect(used.map((record) => record.given)).toEqual([true, false, true, true]);
    expect([used[0]!.sha256, used[2]!.sha256, used[3]!.sha256]).toEqual(
      [near, positive, noise].map((order) => streamOrderSha256(Int32Array.from(order))),
    );
  }, 180_000);

  it('refuses a given order that is not a permutation of its set, naming the set, and stores nothing', async () => {
    const count = await db.prisma.evaluationRun.count();
    const bad = Array.from({ length: 40 }, (_, i) => (i === 3 ? 4 : i));
    await expect(
      services.evaluations.launch({
        miningRunId,
        method: ScoringMethod.adaneg,
        params: { groups: 4 },
        streamOrders: [{ imageSetId: farSetId, npyBase64: orderNpy(bad) }],
        idImageSetId: space.idSetId,
        oodImageSetIds: [space.oodSetId, farSetId],
      }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining(farSetId),
      details: expect.objectContaining({ imageSetId: farSetId }),
    });
    await expect(
      services.evaluations.launch({
        miningRunId,
        method: ScoringMethod.adaneg,
        params: { groups: 4 },
        streamOrders: [{ imageSetId: space.oodSetId, npyBase64: orderNpy(bad) }],
        idImageSetId: space.idSetId,
        oodImageSetIds: [space.oodSetId, farSetId],
      }),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/not a permutation/),
      details: expect.objectContaining({ imageSetId: space.oodSetId }),
    });
    await expect(
      services.evaluations.launch({
        miningRunId,
        method: ScoringMethod.neglabel,
        streamSeed: 1,
        idImageSetId: space.idSetId,
        oodImageSetIds: [space.oodSetId],
      }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/static.*streamSeed/) });
    expect(await db.prisma.evaluationRun.count()).toBe(count);
  });

  it('a reused idempotency key with another streamSeed, batchSize or order is a CONFLICT listing them', async () => {
    const base = {
      miningRunId,
      method: ScoringMethod.adaneg,
      params: { groups: 4 },
      idImageSetId: space.idSetId,
      oodImageSetIds: [space.oodSetId],
      idempotencyKey: 'stream-key',
    };
    const first = await services.evaluations.launch({ ...base, streamSeed: 1, batchSize: 16 });
    expect((await services.evaluations.launch({ ...base, streamSeed: 1, batchSize: 16 })).id).toBe(first.id);
    await expect(
      services.evaluations.launch({
        ...base,
        streamSeed: 2,
        batchSize: 32,
        streamOrders: [{ imageSetId: space.oodSetId, npyBase64: orderNpy(seededPermutation(40, 2)) }],
      }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { differingFields: ['streamSeed', 'batchSize', 'streamOrders'] },
    });
  });
});
