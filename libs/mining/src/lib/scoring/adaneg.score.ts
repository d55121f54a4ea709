// AdaNeg (Y. Zhang, L. Zhang, "AdaNeg: Adaptive Negative Proxy Guided OOD Detection with
// Vision-Language Models", NeurIPS 2024), as OpenOOD-VLM's TTAPromptPostprocessor_noadagap computes it
// with scripts/ood/adaneg/imagenet.sh defaults (thres 0.5, gap 0.5, memleng 10, lambdaval 0.1,
// group_num 5, in_score combine, samada False, test batch size 256). Public via the registry.
//
// Per batch of the test stream, in order:
//  1. vanilla = NegLabel grouped score of the batch against the text labels (T = 0.01).
//  2. Images with vanilla > 0.75 (= thres + gap·(1 − thres)) are written, in batch order, to the
//     memory of their arg-max ID label with the entropy of the softmax over the ID logits; then
//     images with vanilla < 0.25 (= thres − gap·thres) to the memory of their arg-max negative label
//     with the entropy of the softmax over all N negative logits (LabelMemory holds the rules).
//  3. Adaptive proxies = normalised slot means; adaptive = grouped score on the proxy logits.
//  4. score = adaptive + 0.1 × vanilla.
// The memories start from the text embeddings at every call, and a batch is scored after the memory
// absorbed it, so THE SCORES DEPEND ON THE ORDER OF `images` (the test stream) AND ON batchSize.
// To reproduce the official protocol, call once per ID + OOD stream in the official loader's order.
import { MiningError, MiningErrorCode } from '../errors';
import { MatmulKernel } from '../kernels/score-matmul.kernel';
import { LabelMemory } from './adaneg-memory';
import { groupsSpec, PERMUTATIONS_SPEC, SEED_SPEC, temperatureSpec } from './common-parameters';
import { checkGroupedInputs, groupingsFor, resolveRunOptions, type ResolvedRun } from './grouped-scoring';
import { argmaxAndEntropy, groupedIdShare } from './grouped-softmax';
import { normalizedRows } from './embedding-input';
import type { NegativeGrouping } from './grouping';
import type { EmbeddingMatrix, OodScoreMethod, ScoreResult } from './ood-score-method';
import { resolveParameters, type ParameterSchema, type ParameterValue } from './parameter-schema';
import { PermutationStatistics } from './permutation-statistics';

const parameters: ParameterSchema = {
  temperature: temperatureSpec(0.01, [0.01]),
  groups: groupsSpec(5, [1, 5, 10]),
  memoryLength: {
    kind: 'number',
    description:
      'memleng: memory slots per label beside the text slot (the official code stores at most memleng − 1 images)',
    default: 10,
    integer: true,
    min: 2,
    max: 1000,
    sweep: [5, 10, 20],
  },
  idAdmission: {
    kind: 'number',
    description: 'an image enters its arg-max ID label memory when its vanilla score is above this; in [0, 1]',
    default: 0.75,
    min: 0,
    max: 1,
    sweep: [0.6, 0.75, 0.9],
  },
  negativeAdmission: {
    kind: 'number',
    description:
      'an image enters its arg-max negative label memory when its vanilla score is below this; in [0, 1], ≤ idAdmission',
    default: 0.25,
    min: 0,
    max: 1,
    sweep: [0.1, 0.25, 0.4],
  },
  vanillaWeight: {
    kind: 'number',
    description: 'lambda: score = adaptive + lambda × vanilla; ≥ 0',
    default: 0.1,
    min: 0,
    sweep: [0, 0.1, 0.5],
  },
  batchSize: {
    kind: 'number',
    description: 'test-stream batch size: the memory absorbs a whole batch before the batch is scored; an integer ≥ 1',
    default: 256,
    integer: true,
    min: 1,
    sweep: [256],
  },
  permutations: PERMUTATIONS_SPEC,
  seed: SEED_SPEC,
};

function resolveAdanegParams(overrides: Parameters<typeof resolveParameters>[2]): Record<string, ParameterValue> {
  const params = resolveParameters('adaneg', parameters, overrides);
  if ((params['negativeAdmission'] as number) > (params['idAdmission'] as number)) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `adaneg: negativeAdmission (${params['negativeAdmission']}) must not exceed idAdmission (${params['idAdmission']}), or an image could enter both memories`,
      { method: 'adaneg', parameter: 'negativeAdmission' },
    );
  }
  return params;
}

export interface AdanegDiagnostics {
  idAdmissions: number;
  negativeAdmissions: number;
  replacements: number;
  rejections: number;
}

interface AdanegSettings {
  readonly temperature: number;
  readonly memoryLength: number;
  readonly idAdmission: number;
  readonly negativeAdmission: number;
  readonly vanillaWeight: number;
  readonly batchSize: number;
}

/** Scores the stream once for one grouping. */
async function adaptAndScore(
  images: EmbeddingMatrix,
  labelText: Float64Array,
  idCount: number,
  grouping: NegativeGrouping,
  settings: AdanegSettings,
  run: ResolvedRun,
  diagnostics: AdanegDiagnostics,
): Promise<Float64Array> {
  const dim = images.cols;
  const labels = labelText.length / dim;
  const negCount = labels - idCount;
  const vanillaText = run.precision === 'float64' ? labelText : Float32Array.from(labelText);
  const proxies = run.precision === 'float64' ? Float64Array.from(labelText) : Float32Array.from(labelText);
  const memories = new Map<number, LabelMemory>();
  const scores = new Float64Array(images.rows);
  const memoryOf = (label: number): LabelMemory => {
    let memory = memories.get(label);
    if (memory === undefined) {
      memory = new LabelMemory(labelText.subarray(label * dim, (label + 1) * dim), settings.memoryLength);
      memories.set(label, memory);
    }
    return memory;
  };
  const kernel = await MatmulKernel.create(dim, 1 / settings.temperature, run.precision, { threads: run.threads });
  try {
    for (let start = 0; start < images.rows; start += settings.batchSize) {
      const rows = Math.min(settings.batchSize, images.rows - start);
      const batch = normalizedRows(images, start, rows);
      const vanillaLogits = await kernel.run(batch, rows, vanillaText, labels);
      const vanilla = new Float64Array(rows);
      for (let i = 0; i < rows; i++) vanilla[i] = groupedIdShare(vanillaLogits, i * labels, idCount, grouping);
      const changed = new Set<number>();
      const admit = (i: number, label: number, entropy: number): void => {
        const outcome = memoryOf(label).write(batch.subarray(i * dim, (i + 1) * dim), entropy);
        if (outcome.kind === 'rejected') diagnostics.rejections += 1;
        else {
          if (outcome.kind === 'replaced') diagnostics.replacements += 1;
          changed.add(label);
        }
      };
      // ID admissions for the whole batch first, then negative admissions, as the official code does.
      for (let i = 0; i < rows; i++) {
        if (!(vanilla[i]! > settings.idAdmission)) continue;
        const { index, entropy } = argmaxAndEntropy(vanillaLogits, i * labels, idCount);
        diagnostics.idAdmissions += 1;
        admit(i, index, entropy);
      }
      for (let i = 0; i < rows; i++) {
        if (!(vanilla[i]! < settings.negativeAdmission)) continue;
        const { index, entropy } = argmaxAndEntropy(vanillaLogits, i * labels + idCount, negCount);
        diagnostics.negativeAdmissions += 1;
        admit(i, idCount + index, entropy);
      }
      for (const label of changed) proxies.set(memoryOf(label).proxy(), label * dim);
      const adaptiveLogits = await kernel.run(batch, rows, proxies, labels);
      for (let i = 0; i < rows; i++) {
        scores[start + i] =
          groupedIdShare(adaptiveLogits, i * labels, idCount, grouping) + settings.vanillaWeight * vanilla[i]!;
      }
    }
  } finally {
    await kernel.dispose();
  }
  return scores;
}

export const adanegScore: OodScoreMethod = {
  id: 'adaneg',
  summary:
    'AdaNeg (NeurIPS 2024): grouped score on test-time adaptive label proxies + 0.1 × NegLabel score; depends on stream order',
  negatives: 'required',
  adaptsToStream: true,
  extraInputs: [],
  parameters,
  resolveParams: (overrides) => resolveAdanegParams(overrides),
  async score(images, idText, negText, overrides, options): Promise<ScoreResult> {
    const params = resolveAdanegParams(overrides);
    const negatives = checkGroupedInputs('adaneg', images, idText, negText);
    const run = resolveRunOptions(options);
    const groupings = groupingsFor(
      negatives.rows,
      params['groups'] as number,
      params['permutations'] as number,
      params['seed'] as number,
      options,
    );
    const labelText = new Float64Array((idText.rows + negatives.rows) * images.cols);
    labelText.set(normalizedRows(idText), 0);
    labelText.set(normalizedRows(negatives), idText.rows * images.cols);
    const settings: AdanegSettings = {
      temperature: params['temperature'] as number,
      memoryLength: params['memoryLength'] as number,
      idAdmission: params['idAdmission'] as number,
      negativeAdmission: params['negativeAdmission'] as number,
      vanillaWeight: params['vanillaWeight'] as number,
      batchSize: params['batchSize'] as number,
    };
    const diagnostics: AdanegDiagnostics = { idAdmissions: 0, negativeAdmissions: 0, replacements: 0, rejections: 0 };
    const statistics = new PermutationStatistics(images.rows);
    let single: Float64Array | undefined;
    for (const grouping of groupings) {
      const scores = await adaptAndScore(images, labelText, idText.rows, grouping, settings, run, diagnostics);
      if (groupings.length === 1) single = scores;
      else statistics.add(scores);
    }
    const first = groupings[0]!;
    const grouping = {
      groups: first.groups,
      groupSize: first.groupSize,
      dropped: first.dropped,
      seeds: groupings.flatMap((g) => (g.seed === undefined ? [] : [g.seed])),
      permutationGiven: options?.permutation !== undefined,
    };
    const base = {
      method: 'adaneg' as const,
      guardHits: 0,
      warnings: [],
      params,
      precision: run.precision,
      grouping,
      diagnostics: { ...diagnostics },
    };
    if (single !== undefined) return { ...base, scores: single };
    const { mean, std } = statistics.result();
    return { ...base, scores: mean, std };
  },
};
