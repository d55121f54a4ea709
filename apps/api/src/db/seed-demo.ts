// Seeds a demo on the first start so a newcomer sees real data within a minute: the generated tiny
// CLIP test model, a label set, a synthetic imported embedding space (label, corpus, ID and two OOD
// image sets drawn around known directions: one near the ID classes, one far), one mining run and
// its evaluation with each of mcm, neglabel, debiased and adaneg on both OOD sets.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { serializeNpy } from '@negmine/formats';
import { writeTinyClipModel } from '@negmine/encoders/testing';
import type { AllServices } from '../app';
import type { ApiConfig } from '../config';
import type { Logger } from '../logger';
import { Backbone, RunStatus, ScoringMethod, SelectionMethod } from '../shared/enums';
import { EmbeddingTarget } from '../modules/import/import.input';

export const DEMO_LABEL_SET = 'demo: ten classes';
export const DEMO_NEAR_OOD_SET = 'demo: near-OOD images (synthetic embeddings)';
export const DEMO_FAR_OOD_SET = 'demo: far-OOD images (synthetic embeddings)';

/** The demo's evaluations of its mining run: every method of the comparison, each on both OOD sets. */
export const DEMO_EVALUATIONS: readonly { readonly method: ScoringMethod; readonly params: Record<string, number> }[] =
  [
    { method: ScoringMethod.mcm, params: {} },
    { method: ScoringMethod.neglabel, params: { groups: 100 } },
    { method: ScoringMethod.debiased, params: { temperature: 0.01, groups: 100, tau: 0.5 } },
    { method: ScoringMethod.adaneg, params: {} },
  ];
const DIM = 64;
const LABELS = [
  'goldfish',
  'tabby cat',
  'ambulance',
  'acoustic guitar',
  'pizza',
  'lighthouse',
  'daisy',
  'volcano',
  'teapot',
  'bicycle',
];

/** Deterministic normal draws (mulberry32 + Box–Muller), so the demo is the same on every machine. */
function normalSource(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function around(centres: Float32Array[], count: number, spread: number, normal: () => number): Float32Array {
  const out = new Float32Array(count * DIM);
  for (let i = 0; i < count; i++) {
    const centre = centres[i % centres.length]!;
    for (let j = 0; j < DIM; j++) out[i * DIM + j] = centre[j]! + spread * normal();
  }
  return out;
}

function base64Npy(data: Float32Array, rows: number): string {
  return Buffer.from(serializeNpy(data, [rows, DIM])).toString('base64');
}

async function waitFor(services: AllServices, runId: string, timeoutMs: number): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await services.runs.progress(runId);
    if (
      status === RunStatus.succeeded ||
      status === RunStatus.failed ||
      status === RunStatus.cancelled ||
      Date.now() > deadline
    )
      return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function seedDemo(services: AllServices, config: ApiConfig, logger: Logger): Promise<void> {
  if ((await services.labelSetRepository.count()) > 0) return;
  logger.info('seeding the demo data (first start)');
  const modelRoot = config.modelRoots[0]!;
  const modelDir = path.join(modelRoot, 'demo-tiny-clip');
  mkdirSync(modelDir, { recursive: true });
  writeTinyClipModel(modelDir, { seed: 0 });
  await services.models.register({
    name: 'demo-tiny-clip (generated test model)',
    folder: modelDir,
    backbone: Backbone.vit_b32,
  });

  const space = await services.models.register({ name: 'demo-synthetic-space', importedEmbeddingDim: DIM });
  const labelSet = await services.labelSets.create({ name: DEMO_LABEL_SET, labels: LABELS });
  const normal = normalSource(42);
  const unit = () => Float32Array.from({ length: DIM }, () => normal() * 3);
  const labelCentres = LABELS.map(unit);
  await services.imports.importEmbeddings({
    target: EmbeddingTarget.label_names,
    modelId: space.id,
    labelSetId: labelSet.id,
    npyBase64: base64Npy(Float32Array.from(labelCentres.flatMap((c) => [...c])), LABELS.length),
  });

  // Candidates: some near the ID labels (would-be false negatives), most far away in dense clusters.
  const { corpus } = services.wordNet.wordNet();
  const nouns = corpus.entries.filter((e) => e.pos === 'noun').slice(0, 1600);
  const adjectives = corpus.entries.filter((e) => e.pos === 'adj').slice(0, 400);
  const entries = [...nouns, ...adjectives].map((e) => ({ word: e.word, pos: e.pos, lexname: e.lexname }));
  const farCentres = Array.from({ length: 40 }, unit);
  const corpusVectors = new Float32Array(entries.length * DIM);
  entries.forEach((_, i) => {
    const nearId = i % 50 === 0;
    const centre = nearId ? labelCentres[(i / 50) % LABELS.length]! : farCentres[i % farCentres.length]!;
    for (let j = 0; j < DIM; j++) corpusVectors[i * DIM + j] = centre[j]! + (nearId ? 0.3 : 1.2) * normal();
  });
  const imported = await services.imports.importEmbeddings({
    target: EmbeddingTarget.corpus,
    modelId: space.id,
    corpusEntries: entries,
    npyBase64: base64Npy(corpusVectors, entries.length),
  });
  const idSet = await services.imports.importEmbeddings({
    target: EmbeddingTarget.image_set,
    modelId: space.id,
    imageSetName: 'demo: ID images (synthetic embeddings)',
    npyBase64: base64Npy(around(labelCentres, 300, 2.2, normal), 300),
  });
  const nearOod = await services.imports.importEmbeddings({
    target: EmbeddingTarget.image_set,
    modelId: space.id,
    imageSetName: DEMO_NEAR_OOD_SET,
    // Drawn loosely around the ID labels: hard to tell apart from the ID images.
    npyBase64: base64Npy(around(labelCentres, 300, 4.5, normal), 300),
  });
  const farOod = await services.imports.importEmbeddings({
    target: EmbeddingTarget.image_set,
    modelId: space.id,
    imageSetName: DEMO_FAR_OOD_SET,
    // Around the far candidate clusters: easy.
    npyBase64: base64Npy(around(farCentres, 300, 2.2, normal), 300),
  });

  const miningRun = await services.mining.mineNegatives({
    labelSetId: labelSet.id,
    modelId: space.id,
    corpusId: imported.corpusId!,
    selectionMethod: SelectionMethod.knn_density,
    params: { k: 10 },
  });
  if (config.workerCount === 0) {
    logger.warn('demo: NEGMINE_WORKERS=0, so the demo runs stay queued until a worker (npm run worker) picks them up');
    return;
  }
  const mined = await waitFor(services, miningRun.id, 60_000);
  if (mined !== RunStatus.succeeded) {
    logger.warn({ status: mined }, 'demo: the mining run did not succeed; skipping the demo evaluation');
    return;
  }
  const evaluations = [];
  for (const { method, params } of DEMO_EVALUATIONS) {
    evaluations.push(
      await services.evaluations.launch({
        miningRunId: miningRun.id,
        method,
        params,
        idImageSetId: idSet.imageSetId!,
        oodImageSetIds: [nearOod.imageSetId!, farOod.imageSetId!],
        idempotencyKey: `demo-evaluation-${method}`,
      }),
    );
  }
  const statuses: Record<string, RunStatus> = {};
  for (const evaluation of evaluations) statuses[evaluation.method] = await waitFor(services, evaluation.id, 120_000);
  // One detector, frozen from the debiased evaluation (calibrated at ID TPR 0.95 on its ID set), so the dashboard shows one.
  const debiased = evaluations.find((evaluation) => evaluation.method === ScoringMethod.debiased);
  if (debiased !== undefined && statuses[debiased.method] === RunStatus.succeeded) {
    try {
      await services.detectors.create({ name: 'demo: debiased at ID TPR 0.95', evaluationRunId: debiased.id });
    } catch (error) {
      logger.warn({ err: error }, 'demo: the detector could not be created');
    }
  }
  logger.info({ miningRunId: miningRun.id, evaluations: statuses }, 'demo seeded');
}
