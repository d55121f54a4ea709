// Seeds a test database for the dashboard e2e spec: two models, two label sets, three image sets,
// mining runs (a small one with real-looking words, one of 50,000 negatives, one still running),
// the four methods evaluated on two OOD sets (one near, one far) with metrics computed by
// @negmine/metrics from synthetic scores, a failed and a running evaluation, and 10,000 more
// evaluation runs inserted with one SQL statement each (generate_series). seedDecodeFailures adds,
// on its own, folder sets with undecodable files and a run that failed on them.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { decodeImageToRgb, EncodersError } from '@negmine/encoders';
import { evaluate } from '@negmine/metrics';
import { Client } from 'pg';
import { boundedFailureMessage } from '../../src/modules/embedding/encoding.service';
import { assertUsableImages } from '../../src/modules/evaluation/usable-images';
import { DecodeFailureRepository } from '../../src/modules/image-set/decode-failure.repository';
import type { TestDatabase } from '../support/test-database';

export interface SeededDetector {
  readonly id: string;
  readonly onnx: Uint8Array;
}

export interface DashboardSeed {
  readonly modelId: string;
  readonly otherModelId: string;
  readonly labelSetId: string;
  readonly bulkLabelSetId: string;
  readonly nearSetId: string;
  readonly farSetId: string;
  readonly miningRunId: string;
  readonly bigMiningRunId: string;
  readonly runningMiningRunId: string;
  /** mcm, neglabel, debiased, adaneg evaluations of miningRunId on both OOD sets. */
  readonly demoRunIds: Record<'mcm' | 'neglabel' | 'debiased' | 'adaneg', string>;
  readonly failedRunId: string;
  readonly runningRunId: string;
  readonly bulkRuns: number;
  readonly bigNegatives: number;
  /** A word present once in the big run. */
  readonly rareWord: string;
  /** Detectors, newest first: one calibrated from the debiased run, one with a given threshold. */
  readonly detectors: readonly [SeededDetector, SeededDetector];
}

/** Deterministic normal samples (Box–Muller over a small LCG). */
function normals(count: number, mean: number, sd: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 1) / 4294967297;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++)
    out[i] = mean + sd * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

/** Skewed scores (most mass in a narrow band, a long right tail): what a debiased run with large scores looks like. */
function skewed(count: number, seed: number, scale: number): Float32Array {
  const base = normals(count, 0, 1, seed);
  return base.map((value) => Math.exp(value * 1.6) * scale);
}

function resultRow(runId: string, setId: string, idScores: Float32Array, oodScores: Float32Array, guardHits = 0) {
  const metrics = evaluate({ idScores, oodScores });
  return {
    evaluationRunId: runId,
    oodImageSetId: setId,
    fprAtTprId: metrics.fprAtTprId,
    fprAtTprOod: metrics.fprAtTprOod,
    auroc: metrics.auroc,
    auprIn: metrics.auprIn,
    auprOut: metrics.auprOut,
    nId: metrics.nId,
    nOod: metrics.nOod,
    thresholdAtTprId: metrics.thresholdAtTprId,
    rocPoints: metrics.roc.fpr.map((fpr, i) => ({
      fpr,
      tpr: metrics.roc.tpr[i] ?? 0,
      threshold: Number.isFinite(metrics.roc.thresholds[i] ?? NaN) ? metrics.roc.thresholds[i] : null,
    })),
    histograms: {
      edges: metrics.histograms.edges,
      idCounts: metrics.histograms.idCounts,
      oodCounts: metrics.histograms.oodCounts,
    },
    guardHits,
  };
}

const WORDS: readonly [string, string, string][] = [
  ['quartz', 'noun', 'noun.substance'],
  ['glacier', 'noun', 'noun.object'],
  ['sonnet', 'noun', 'noun.communication'],
  ['violin', 'noun', 'noun.artifact'],
  ['tundra', 'noun', 'noun.location'],
  ['algebra', 'noun', 'noun.cognition'],
  ['thunder', 'noun', 'noun.phenomenon'],
  ['kettle', 'noun', 'noun.artifact'],
  ['lynx', 'noun', 'noun.animal'],
  ['tabby', 'noun', 'noun.animal'],
  ['verdict', 'noun', 'noun.act'],
  ['marble', 'noun', 'noun.substance'],
  ['crimson', 'adj', 'adj.all'],
  ['hollow', 'adj', 'adj.all'],
  ['nocturnal', 'adj', 'adj.pert'],
  ['brittle', 'adj', 'adj.all'],
];

export async function seedDashboard(db: TestDatabase): Promise<DashboardSeed> {
  const prisma = db.prisma;
  const model = await prisma.encoderModel.create({
    data: {
      name: 'clip-vit-b16',
      kind: 'onnx_folder',
      folder: '/models/clip-vit-b16',
      backbone: 'vit_b16',
      embeddingDim: 512,
      contentHash: 'a'.repeat(64),
    },
  });
  const other = await prisma.encoderModel.create({
    data: { name: 'imported-space-768', kind: 'imported_space', embeddingDim: 768, contentHash: 'b'.repeat(64) },
  });
  const labelSet = await prisma.labelSet.create({
    data: {
      name: 'pets-demo',
      labels: ['cat', 'dog', 'rabbit', 'hamster', 'parrot', 'goldfish'],
      promptTemplates: ['the nice {}'],
    },
  });
  const bulkLabelSet = await prisma.labelSet.create({
    data: {
      name: 'imagenet-bulk',
      labels: Array.from({ length: 1000 }, (_v, i) => `class ${i}`),
      promptTemplates: ['a photo of a {}'],
    },
  });
  const idSet = await prisma.imageSet.create({
    data: {
      name: 'pets-val',
      kind: 'folder',
      folder: '/images/pets-val',
      imageCount: 2000,
      contentHash: 'c'.repeat(64),
    },
  });
  const near = await prisma.imageSet.create({
    data: {
      name: 'ood-near-wildcats',
      kind: 'folder',
      folder: '/images/wildcats',
      imageCount: 1500,
      contentHash: 'd'.repeat(64),
    },
  });
  const far = await prisma.imageSet.create({
    data: {
      name: 'ood-far-textures',
      kind: 'imported',
      modelId: other.id,
      imageCount: 1800,
      contentHash: 'e'.repeat(64),
    },
  });
  const corpus = await prisma.corpus.create({
    data: {
      versionHash: 'f'.repeat(64),
      source: 'wordnet',
      options: { version: '3.1' },
      entryCount: 70_000,
      entries: [],
    },
  });
  const common = {
    labelSetId: labelSet.id,
    modelId: model.id,
    corpusId: corpus.id,
    labelsSnapshot: labelSet.labels,
    modelHash: model.contentHash,
    codeVersion: '0.1.0+e2e',
  };
  const started = new Date(Date.now() - 90_000);
  const finished = new Date(Date.now() - 60_000);
  const mining = await prisma.miningRun.create({
    data: {
      ...common,
      selectionMethod: 'knn_density',
      selectionParams: { k: 100, keepNoun: 0.23, keepAdj: 0.08 },
      status: 'succeeded',
      progress: 1,
      startedAt: started,
      finishedAt: finished,
    },
  });
  await prisma.negativeLabel.createMany({
    data: WORDS.map(([word, pos, lexname], rank) => ({
      miningRunId: mining.id,
      rank,
      corpusIndex: 1000 + rank,
      word,
      pos,
      lexname,
      statistic: 0.1 + rank * 0.01,
      falseNegativeFlags: word === 'tabby' ? ['hyponym', 'nearIdLabel'] : word === 'lynx' ? ['nearIdLabel'] : [],
      flagged: word === 'tabby' || word === 'lynx',
      nearestIdLabel: word === 'tabby' || word === 'lynx' ? 'cat' : 'dog',
      nearestIdCosine: word === 'tabby' ? 0.97 : word === 'lynx' ? 0.96 : 0.4 + rank * 0.01,
    })),
  });
  const big = await prisma.miningRun.create({
    data: {
      ...common,
      labelSetId: bulkLabelSet.id,
      labelsSnapshot: bulkLabelSet.labels,
      selectionMethod: 'neglabel',
      selectionParams: { keepNoun: 0.6 },
      status: 'succeeded',
      progress: 1,
      startedAt: started,
      finishedAt: finished,
      createdAt: new Date(Date.now() - 3_600_000),
    },
  });
  const runningMining = await prisma.miningRun.create({
    data: {
      ...common,
      selectionMethod: 'knn_density',
      selectionParams: { k: 50 },
      status: 'running',
      progress: 0.4,
      startedAt: new Date(),
      heartbeatAt: new Date(),
    },
  });

  const evalCommon = {
    labelSetId: labelSet.id,
    modelId: model.id,
    miningRunId: mining.id,
    seed: 0,
    permutations: 1,
    idImageSetId: idSet.id,
    oodImageSetIds: [near.id, far.id],
    modelHash: model.contentHash,
    shardSize: 256,
    codeVersion: '0.1.0+e2e',
  };
  const idScores = normals(2000, 1, 0.5, 1);
  const demo: Record<string, string> = {};
  const specs: [string, Record<string, number>, number, number][] = [
    ['mcm', { temperature: 1 }, 0.55, 0.0],
    ['neglabel', { temperature: 0.01, groups: 100 }, 0.3, -0.6],
    ['debiased', { temperature: 0.01, groups: 100, tau: 0.5 }, 0.15, -0.9],
    ['adaneg', { temperature: 0.01, gap: 0.1, lambda: 0.5 }, 0.2, -0.8],
  ];
  let offset = 0;
  for (const [method, params, nearShift, farShift] of specs) {
    offset += 1;
    const run = await prisma.evaluationRun.create({
      data: {
        ...evalCommon,
        miningRunId: method === 'mcm' ? null : mining.id,
        method: method as 'mcm',
        params,
        status: 'succeeded',
        progress: 1,
        startedAt: new Date(finished.getTime() + offset * 1000),
        finishedAt: new Date(finished.getTime() + offset * 1000 + 4200),
        createdAt: new Date(finished.getTime() + offset * 1000),
      },
    });
    demo[method] = run.id;
    const ids = method === 'debiased' ? skewed(2000, 11, 1) : idScores;
    const nearScores =
      method === 'debiased' ? skewed(1500, 12, 0.55) : normals(1500, 1 - (1 - nearShift), 0.5, 2 + offset);
    const farScores = method === 'debiased' ? skewed(1800, 13, 0.25) : normals(1800, farShift, 0.5, 7 + offset);
    await prisma.evaluationResult.createMany({
      data: [
        resultRow(run.id, near.id, ids, nearScores),
        resultRow(run.id, far.id, ids, farScores, method === 'debiased' ? 3 : 0),
      ],
    });
    const bytes = (scores: Float32Array) => new Uint8Array(scores.slice().buffer);
    await prisma.sampleScores.createMany({
      data: [
        { evaluationRunId: run.id, imageSetId: idSet.id, scores: bytes(ids) },
        { evaluationRunId: run.id, imageSetId: near.id, scores: bytes(nearScores) },
        { evaluationRunId: run.id, imageSetId: far.id, scores: bytes(farScores) },
      ],
    });
    if (method === 'debiased') {
      const warning = {
        imageSetId: far.id,
        code: 'TAU_ALLOWS_NONPOSITIVE_PARTITION',
        message:
          'tau = 0.5 is below Q/(K + Q) = 0.943396 (K = 6, Q = 100): Z_j ≤ 0 is possible, so the official arithmetic can return sign-flipped or infinite scores; 3 image(s) hit the clamp',
        details: { tau: 0.5, bound: 0.943396, idCount: 6, groupSize: 100, guardHits: 3 },
      };
      await prisma.evaluationRun.update({ where: { id: run.id }, data: { warnings: [warning] } });
    }
  }
  const failed = await prisma.evaluationRun.create({
    data: {
      ...evalCommon,
      method: 'debiased',
      params: { tau: 5 },
      status: 'failed',
      progress: 0.5,
      error: 'the OOD prior tau must be in (0, 1]; got 5',
      errorCode: 'INVALID_PARAMETER',
      startedAt: new Date(),
      finishedAt: new Date(),
      attempts: 1,
      createdAt: new Date(Date.now() - 1000),
    },
  });
  const running = await prisma.evaluationRun.create({
    data: {
      ...evalCommon,
      method: 'neglabel',
      params: { temperature: 0.01, groups: 100 },
      status: 'running',
      progress: 0.3,
      startedAt: new Date(),
      heartbeatAt: new Date(),
      attempts: 1,
    },
  });

  // Two detectors: one frozen from the debiased run with a calibrated threshold and its per-set
  // metrics, one with a threshold given explicitly and no source evaluation. The ONNX bytes are
  // opaque to the listing and the download routes, which serve them as stored.
  const detectorCommon = {
    params: { temperature: 0.01, groups: 100, tau: 0.5 },
    embeddingDim: 512,
    modelId: model.id,
    modelHash: model.contentHash,
    labelSetId: labelSet.id,
    labels: ['tabby cat', 'golden retriever'],
    codeVersion: '0.1.0+e2e',
  };
  const calibratedOnnx = new Uint8Array([8, 9, 18, 7, 110, 101, 103, 109, 105, 110, 101]);
  const calibrated = await prisma.detector.create({
    data: {
      ...detectorCommon,
      name: 'debiased-fpr95',
      method: 'debiased',
      threshold: 0.4375,
      targetTpr: 0.95,
      achievedTpr: 0.9505,
      calibrationImageSetId: idSet.id,
      calibrationSize: 2000,
      calibrationSha256: 'c'.repeat(64),
      miningRunId: mining.id,
      evaluationRunId: demo.debiased,
      negativeCount: 12,
      metrics: [
        {
          oodImageSetId: near.id,
          oodName: 'ood-near-wildcats',
          fprAtTprId: 0.3125,
          fprAtTprOod: 0.28,
          auroc: 0.9125,
          fprAtThreshold: 0.3,
        },
        {
          oodImageSetId: far.id,
          oodName: 'ood-far-textures',
          fprAtTprId: 0.05,
          fprAtTprOod: 0.04,
          auroc: 0.9875,
          fprAtThreshold: 0.045,
        },
      ],
      onnx: calibratedOnnx,
      onnxSha256: 'd'.repeat(64),
      manifestJson: JSON.stringify({ name: 'debiased-fpr95', threshold: 0.4375 }),
      createdAt: new Date(Date.now() - 500),
    },
  });
  const explicitOnnx = new Uint8Array([8, 9, 18, 3, 109, 99, 109]);
  const explicit = await prisma.detector.create({
    data: {
      ...detectorCommon,
      params: { temperature: 1 },
      name: 'mcm-given-threshold',
      method: 'mcm',
      threshold: 0.5,
      negativeCount: 0,
      onnx: explicitOnnx,
      onnxSha256: 'e'.repeat(64),
      manifestJson: JSON.stringify({ name: 'mcm-given-threshold', threshold: 0.5 }),
    },
  });

  // Bulk data in plain SQL (the seed must stay fast: 10,000 runs with 2 results each, 50,000 negatives).
  const client = new Client({ connectionString: db.connection.url });
  await client.connect();
  const s = `"${db.connection.schema}"`;
  const bulkRuns = 10_000;
  const bigNegatives = 50_000;
  const rareWord = 'quokka';
  try {
    await client.query(
      `INSERT INTO ${s}.evaluation_runs (id, label_set_id, model_id, mining_run_id, method, params, seed, permutations, id_image_set_id, ood_image_set_ids, model_hash, shard_size, status, progress, code_version, attempts, created_at, started_at, finished_at)
       SELECT gen_random_uuid(), $1::uuid, CASE WHEN i % 3 = 0 THEN $2::uuid ELSE $3::uuid END, $4::uuid,
              (ARRAY['mcm','neglabel','debiased','adaneg'])[1 + i % 4]::${s}.scoring_method,
              jsonb_build_object('temperature', 0.01, 'groups', 100 + i % 5), i % 7, 1, $5::uuid, ARRAY[$6, $7], 'hash', 256,
              (CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'succeeded' END)::${s}.run_status, 1, '0.1.0+bulk', 1,
              timestamp '2026-06-01' + i * interval '10 minutes', timestamp '2026-06-01' + i * interval '10 minutes',
              timestamp '2026-06-01' + i * interval '10 minutes' + (i % 90) * interval '1 second'
       FROM generate_series(1, $8::int) AS i`,
      [bulkLabelSet.id, other.id, model.id, big.id, idSet.id, near.id, far.id, bulkRuns],
    );
    await client.query(
      `INSERT INTO ${s}.evaluation_results (evaluation_run_id, ood_image_set_id, fpr_at_tpr_id, fpr_at_tpr_ood, auroc, aupr_in, aupr_out, n_id, n_ood, threshold_at_tpr_id, roc_points, histograms, guard_hits)
       SELECT r.id, o.set_id::uuid, 0.2 + 0.5 * abs(sin(hashtext(r.id::text || o.set_id))), 0.25 + 0.5 * abs(cos(hashtext(r.id::text || o.set_id))),
              0.7 + 0.29 * abs(sin(hashtext(o.set_id || r.id::text))), 0.8, 0.7, 2000, 1500, 0.5,
              '[{"fpr":0,"tpr":0,"threshold":null},{"fpr":0.3,"tpr":0.8,"threshold":0.5},{"fpr":1,"tpr":1,"threshold":0}]'::jsonb,
              '{"edges":[0,0.5,1],"idCounts":[500,1500],"oodCounts":[1000,500]}'::jsonb, 0
       FROM ${s}.evaluation_runs r CROSS JOIN (VALUES ($1::text), ($2::text)) AS o(set_id)
       WHERE r.code_version = '0.1.0+bulk' AND r.status = 'succeeded'`,
      [near.id, far.id],
    );
    await client.query(
      `INSERT INTO ${s}.negative_labels (mining_run_id, rank, corpus_index, word, pos, lexname, statistic, false_negative_flags, flagged, nearest_id_label, nearest_id_cosine)
       SELECT $1::uuid, i, 100000 + i, CASE WHEN i = 31337 THEN $3 ELSE 'negword' || i END,
              CASE WHEN i < 40000 THEN 'noun' ELSE 'adj' END,
              CASE WHEN i < 40000 THEN (ARRAY['noun.artifact','noun.animal','noun.plant','noun.location','noun.act'])[1 + i % 5] ELSE (ARRAY['adj.all','adj.pert'])[1 + i % 2] END,
              -1 + i::float8 / $2, CASE WHEN i % 97 = 0 THEN ARRAY['nearIdLabel'] ELSE ARRAY[]::text[] END, i % 97 = 0,
              'class ' || (i % 1000), 0.2 + 0.7 * (i % 97 = 0)::int + 0.05 * sin(i)
       FROM generate_series(0, $2::int - 1) AS i`,
      [big.id, bigNegatives, rareWord],
    );
    // The per-run means the runs list sorts by, as writeResults stores them with the results (the
    // rows above bypassed it): the migration's backfill statement.
    await client.query(
      `UPDATE ${s}.evaluation_runs AS r
          SET mean_fpr_at_tpr_id = m.fpr_id, mean_fpr_at_tpr_ood = m.fpr_ood, mean_auroc = m.auroc
         FROM (SELECT evaluation_run_id, avg(fpr_at_tpr_id) AS fpr_id, avg(fpr_at_tpr_ood) AS fpr_ood, avg(auroc) AS auroc
                 FROM ${s}.evaluation_results GROUP BY evaluation_run_id) AS m
        WHERE m.evaluation_run_id = r.id`,
    );
    await client.query(`ANALYZE ${s}.evaluation_runs; ANALYZE ${s}.evaluation_results; ANALYZE ${s}.negative_labels`);
  } finally {
    await client.end();
  }
  return {
    modelId: model.id,
    otherModelId: other.id,
    labelSetId: labelSet.id,
    bulkLabelSetId: bulkLabelSet.id,
    nearSetId: near.id,
    farSetId: far.id,
    miningRunId: mining.id,
    bigMiningRunId: big.id,
    runningMiningRunId: runningMining.id,
    demoRunIds: demo as DashboardSeed['demoRunIds'],
    failedRunId: failed.id,
    runningRunId: running.id,
    bulkRuns,
    bigNegatives,
    rareWord,
    detectors: [
      { id: explicit.id, onnx: explicitOnnx },
      { id: calibrated.id, onnx: calibratedOnnx },
    ],
  };
}

export interface SweepSeed {
  readonly sweepId: string;
  readonly runningSweepId: string;
  /** Validation children in grid order. */
  readonly childRunIds: readonly string[];
  readonly objectiveValues: readonly number[];
  readonly bestIndex: number;
  readonly bestParams: Record<string, number>;
  readonly testRunId: string;
  readonly grid: Record<string, readonly number[]>;
}

/**
 * A succeeded sweep of neglabel over temperature × groups (6 points) on validation sets, its chosen
 * point (best mean AUROC, the first best in grid order) evaluated on test sets, with metrics from
 * synthetic scores as the sweep job would have committed them; plus a sweep still running.
 */
export async function seedSweep(db: TestDatabase): Promise<SweepSeed> {
  const prisma = db.prisma;
  const model = await prisma.encoderModel.create({
    data: { name: 'sweep-space', kind: 'imported_space', embeddingDim: 512, contentHash: '5'.repeat(64) },
  });
  const labelSet = await prisma.labelSet.create({
    data: { name: 'sweep-pets', labels: ['cat', 'dog'], promptTemplates: ['a photo of a {}'] },
  });
  const sets = await Promise.all(
    ['val-id', 'val-ood-near', 'test-id', 'test-ood-far'].map((name, i) =>
      prisma.imageSet.create({
        data: { name, kind: 'imported', modelId: model.id, imageCount: 400, contentHash: String(6 + i).repeat(64) },
      }),
    ),
  );
  const [valId, valOod, testId, testOod] = sets as [
    (typeof sets)[0],
    (typeof sets)[0],
    (typeof sets)[0],
    (typeof sets)[0],
  ];
  const corpus = await prisma.corpus.create({
    data: { versionHash: '9'.repeat(64), source: 'imported', options: {}, entryCount: 0, entries: [] },
  });
  const mining = await prisma.miningRun.create({
    data: {
      labelSetId: labelSet.id,
      modelId: model.id,
      corpusId: corpus.id,
      labelsSnapshot: labelSet.labels,
      modelHash: model.contentHash,
      codeVersion: '0.1.0+e2e',
      selectionMethod: 'neglabel',
      selectionParams: {},
      status: 'succeeded',
      progress: 1,
    },
  });
  const grid = { temperature: [0.01, 0.1, 1], groups: [50, 100] };
  const points = grid.temperature.flatMap((temperature) => grid.groups.map((groups) => ({ temperature, groups })));
  const created = new Date(Date.now() - 120_000);
  const common = {
    labelSetId: labelSet.id,
    modelId: model.id,
    miningRunId: mining.id,
    method: 'neglabel' as const,
    modelHash: model.contentHash,
    shardSize: 256,
    codeVersion: '0.1.0+e2e',
  };
  const sweep = await prisma.sweep.create({
    data: {
      ...common,
      objective: 'auroc',
      grid,
      baseParams: { tau: 1 },
      childRequests: points.map((params) => ({ params })),
      validationIdImageSetId: valId.id,
      validationOodImageSetIds: [valOod.id],
      testIdImageSetId: testId.id,
      testOodImageSetIds: [testOod.id],
      status: 'succeeded',
      progress: 1,
      createdAt: created,
      startedAt: created,
      finishedAt: new Date(created.getTime() + 42_000),
    },
  });
  // The OOD scores' shift per point: the AUROC rises with it, so point 3 (temperature 0.1, groups 100) is best.
  const shifts = [0.2, 0.5, 0.8, 1.4, 0.3, 1.1];
  const idScores = normals(400, 1, 0.5, 101);
  const evaluation = async (
    params: Record<string, number>,
    role: 'validation' | 'test',
    index: number,
    id: { id: string },
    ood: { id: string },
    shift: number,
    seed: number,
  ) => {
    const run = await prisma.evaluationRun.create({
      data: {
        ...common,
        params: { ...params, tau: 1 },
        seed: 0,
        permutations: 1,
        idImageSetId: id.id,
        oodImageSetIds: [ood.id],
        status: 'succeeded',
        progress: 1,
        createdAt: sweep.finishedAt ?? created,
        startedAt: created,
        finishedAt: sweep.finishedAt,
        sweepId: sweep.id,
        sweepRole: role,
        sweepIndex: index,
      },
    });
    const result = resultRow(run.id, ood.id, idScores, normals(400, 1 - shift, 0.5, seed));
    await prisma.evaluationResult.create({ data: result });
    const mean = { auroc: result.auroc, fprAtTprId: result.fprAtTprId, fprAtTprOod: result.fprAtTprOod };
    await prisma.evaluationRun.update({
      where: { id: run.id },
      data: {
        meanMetrics: { ...mean, auprIn: result.auprIn, auprOut: result.auprOut },
        meanFprAtTprId: mean.fprAtTprId,
        meanFprAtTprOod: mean.fprAtTprOod,
        meanAuroc: mean.auroc,
      },
    });
    return { id: run.id, auroc: result.auroc };
  };
  const children = [];
  for (const [index, params] of points.entries())
    children.push(await evaluation(params, 'validation', index, valId, valOod, shifts[index] ?? 0, 200 + index));
  const objectiveValues = children.map((child) => child.auroc);
  const bestIndex = objectiveValues.indexOf(Math.max(...objectiveValues));
  const bestParams = points[bestIndex]!;
  const test = await evaluation(bestParams, 'test', bestIndex, testId, testOod, 1.0, 300);
  await prisma.sweep.update({ where: { id: sweep.id }, data: { bestIndex, bestParams: { ...bestParams, tau: 1 } } });
  const running = await prisma.sweep.create({
    data: {
      ...common,
      objective: 'fprAtTprId',
      grid: { temperature: [0.01, 1] },
      baseParams: {},
      childRequests: [{}, {}],
      validationIdImageSetId: valId.id,
      validationOodImageSetIds: [valOod.id],
      status: 'running',
      progress: 0.25,
      startedAt: new Date(),
      heartbeatAt: new Date(),
      attempts: 1,
    },
  });
  return {
    sweepId: sweep.id,
    runningSweepId: running.id,
    childRunIds: children.map((child) => child.id),
    objectiveValues,
    bestIndex,
    bestParams: { ...bestParams, tau: 1 },
    testRunId: test.id,
    grid,
  };
}

/** What seedDecodeFailures wrote: a model, three folder sets with undecodable files, a run that failed on them. */
export interface DecodeFailureSeed {
  readonly modelId: string;
  readonly modelName: string;
  /** Four files, one of them (c-broken.png) undecodable. */
  readonly idSetId: string;
  /** Two files, both undecodable (empty.png, text.jpg). */
  readonly brokenSetId: string;
  /** 130 undecodable files: more than one page (100) of the list. */
  readonly manySetId: string;
  readonly manyCount: number;
  /** An mcm run on idSetId vs brokenSetId that failed with NO_USABLE_IMAGES. */
  readonly failedRunId: string;
}

/**
 * Seeds image sets with undecodable files as the `encode-images` shards record them: each file's
 * bytes go through the real decoder (@negmine/encoders), its typed error through the API's bounded
 * message and DecodeFailureRepository.recordShard; the failed run's message is the one the
 * evaluation job's check produces. Independent of seedDashboard (its own model and sets).
 */
export async function seedDecodeFailures(db: TestDatabase): Promise<DecodeFailureSeed> {
  const prisma = db.prisma;
  const model = await prisma.encoderModel.create({
    data: {
      name: 'clip-decode-demo',
      kind: 'onnx_folder',
      folder: '/models/clip-decode-demo',
      backbone: 'vit_b32',
      embeddingDim: 512,
      contentHash: 'e'.repeat(64),
    },
  });
  const labelSet = await prisma.labelSet.create({
    data: { name: 'decode-demo', labels: ['cat', 'dog'], promptTemplates: ['a photo of a {}'] },
  });
  const failures = new DecodeFailureRepository(prisma);
  const folderSet = async (name: string, files: readonly { path: string; bytes: Uint8Array | null }[]) => {
    const folder = `/images/${name}`;
    const set = await prisma.imageSet.create({
      data: {
        name,
        kind: 'folder',
        folder,
        imageCount: files.length,
        contentHash: createHash('sha256').update(name).digest('hex'),
        items: {
          createMany: {
            data: files.map((file, position) => ({
              position,
              path: file.path,
              inputHash: createHash('sha256').update(`${name}/${file.path}`).digest('hex'),
            })),
          },
        },
      },
    });
    const failed: { position: number; code: string; message: string }[] = [];
    for (const [position, file] of files.entries()) {
      if (file.bytes === null) continue;
      const absolute = path.join(folder, file.path);
      try {
        await decodeImageToRgb(file.bytes, absolute);
        throw new Error(`${file.path} decoded; the seed wants undecodable bytes`);
      } catch (error) {
        if (!(error instanceof EncodersError)) throw error;
        failed.push({ position, code: error.code, message: boundedFailureMessage(error.message, absolute, file.path) });
      }
    }
    await failures.recordShard({
      imageSetId: set.id,
      modelHash: model.contentHash,
      modelId: model.id,
      failed,
      encoded: files.flatMap((file, position) => (file.bytes === null ? [position] : [])),
    });
    return set;
  };
  const text = (value: string) => new TextEncoder().encode(value);
  // bytes null: a file that decoded (its embedding would be in the cache).
  const idSet = await folderSet('decode-id', [
    { path: 'a.jpg', bytes: null },
    { path: 'b.jpg', bytes: null },
    { path: 'c-broken.png', bytes: text('this is not a PNG') },
    { path: 'd.jpg', bytes: null },
  ]);
  const brokenSet = await folderSet('decode-ood-broken', [
    { path: 'empty.png', bytes: new Uint8Array(0) },
    { path: 'text.jpg', bytes: text('GIF89a? no: plain text') },
  ]);
  const manyCount = 130;
  const manySet = await folderSet(
    'decode-many-broken',
    Array.from({ length: manyCount }, (_v, i) => ({
      path: `scan-${String(i).padStart(3, '0')}.png`,
      bytes: text(`corrupt ${i}`),
    })),
  );
  let error = '';
  try {
    assertUsableImages([
      { role: 'ID', id: idSet.id, name: idSet.name, total: 4, usable: 3 },
      { role: 'OOD', id: brokenSet.id, name: brokenSet.name, total: 2, usable: 0 },
    ]);
  } catch (thrown) {
    error = (thrown as Error).message;
  }
  const run = await prisma.evaluationRun.create({
    data: {
      labelSetId: labelSet.id,
      modelId: model.id,
      method: 'mcm',
      params: { temperature: 1 },
      seed: 0,
      permutations: 1,
      idImageSetId: idSet.id,
      oodImageSetIds: [brokenSet.id],
      modelHash: model.contentHash,
      shardSize: 256,
      codeVersion: '0.1.0+e2e',
      status: 'failed',
      progress: 0.8,
      error,
      errorCode: 'NO_USABLE_IMAGES',
      attempts: 1,
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  return {
    modelId: model.id,
    modelName: model.name,
    idSetId: idSet.id,
    brokenSetId: brokenSet.id,
    manySetId: manySet.id,
    manyCount,
    failedRunId: run.id,
  };
}
