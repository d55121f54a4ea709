// TANL (Test-time Activated Negative Labels, CVPR 2026), as OpenOOD-VLM's `actneg` postprocessor
// (openood/postprocessors/activated_neg_postprocessor.py) computes it with the defaults of
// scripts/ood/TANL/official.sh (beta 1000, memleng 300, gap 0.5, alpha 0, gamma 1, logit scale 100,
// a 20,000-score queue for the automatic threshold, test batch size 256). Public via the registry.
//
// At reset (before every stream): the activation of a text or image is its softmax over the K ID
// labels and the whole corpus (C entries), restricted to the corpus columns. The positive queue holds
// the activations of the ID label texts, the negative queue those of the noise images, each filled
// in its initialisation order and cut to its last `memoryLength` rows. The key of a corpus entry is
// mean(negative queue) − mean(positive queue); the selection is the top `negatives` entries by key.
// The score queue starts with the activation-aware scores of the ID label texts and noise images.
// Per batch of the stream:
//  1. pre = activation-aware score against [ID; selection from the queues]; appended to the score
//     queue (last 20,000 kept); threshold t = automaticThreshold(score queue).
//  2. Admitted as ID: pre > t + gap·(1 − t); as OOD: pre < t − gap·t.
//  3. Adapted key = (α·queue mean + (1 − α)·batch mean of the admitted) for negatives minus the same
//     for positives (the queue mean alone when none was admitted); a new top selection.
//  4. score = activation-aware score against [ID; adapted selection].
//  5. The admitted activations join their queues.
// THE SCORES DEPEND ON THE ORDER OF `images` (the stream), the batch size and the two init orders.
import { MiningError, MiningErrorCode } from '../errors';
import { CorpusActivationKernel } from '../kernels/corpus-activation.kernel';
import { RowCombinationKernel } from '../kernels/row-combination.kernel';
import { MatmulKernel } from '../kernels/score-matmul.kernel';
import { ActivationQueue } from './activation-queue';
import { activationAwareScore } from './activation-aware-score';
import { automaticThreshold } from './automatic-threshold';
import { temperatureSpec } from './common-parameters';
import { checkEmbeddings, normalizedRowsIn } from './embedding-input';
import { resolveRunOptions, type ResolvedRun } from './grouped-scoring';
import type { EmbeddingMatrix, IndexOrder, MethodInputs, OodScoreMethod, ScoreResult } from './ood-score-method';
import { resolveParameters, type ParameterSchema, type ParameterValue } from './parameter-schema';
import { topByKey } from './top-negatives';

const parameters: ParameterSchema = {
  temperature: temperatureSpec(0.01, [0.01]),
  negatives: {
    kind: 'number',
    description: 'beta: negatives mined from the whole corpus per batch; an integer in [1, corpus size]',
    default: 1000,
    integer: true,
    min: 1,
    sweep: [500, 1000, 2000],
  },
  memoryLength: {
    kind: 'number',
    description: 'memleng: activation rows kept in each of the positive and negative queues',
    default: 300,
    integer: true,
    min: 1,
    max: 100000,
    sweep: [100, 300, 1000],
  },
  gap: {
    kind: 'number',
    description:
      'admission margin around the automatic threshold t: ID above t + gap·(1 − t), OOD below t − gap·t; in [0, 1]',
    default: 0.5,
    min: 0,
    max: 1,
    sweep: [0.3, 0.5, 0.7],
  },
  alpha: {
    kind: 'number',
    description: 'weight of the queue mean against the admitted batch mean in the adapted key; in [0, 1]',
    default: 0,
    min: 0,
    max: 1,
    sweep: [0],
  },
  step: {
    kind: 'number',
    description: 'gamma: activation-aware score prefix step (0 = plain softmax ID share over all selected negatives)',
    default: 1,
    integer: true,
    min: 0,
    sweep: [0, 1, 2],
  },
  scoreQueueLength: {
    kind: 'number',
    description: 'scores kept for the automatic threshold (the last ones of the stream, after the reset scores)',
    default: 20000,
    integer: true,
    min: 2,
    sweep: [20000],
  },
  batchSize: {
    kind: 'number',
    description: 'test-stream batch size: each batch is scored, admitted, then joins the queues; an integer ≥ 1',
    default: 256,
    integer: true,
    min: 1,
    sweep: [256],
  },
};

interface TanlSettings {
  readonly logitScale: number;
  readonly negatives: number;
  readonly memoryLength: number;
  readonly gap: number;
  readonly alpha: number;
  readonly step: number;
  readonly scoreQueueLength: number;
  readonly batchSize: number;
}

function settingsOf(params: Readonly<Record<string, ParameterValue>>): TanlSettings {
  return {
    logitScale: 1 / (params['temperature'] as number),
    negatives: params['negatives'] as number,
    memoryLength: params['memoryLength'] as number,
    gap: params['gap'] as number,
    alpha: params['alpha'] as number,
    step: params['step'] as number,
    scoreQueueLength: params['scoreQueueLength'] as number,
    batchSize: params['batchSize'] as number,
  };
}

function missing(input: string, what: string): MiningError {
  return new MiningError(MiningErrorCode.MissingInput, `tanl needs ${what}; none was given`, { method: 'tanl', input });
}

function initOrder(order: IndexOrder | undefined, length: number, input: string, what: string): Int32Array {
  if (order === undefined) throw missing(input, what);
  const result = new Int32Array(length);
  const seen = new Uint8Array(length);
  if (order.length !== length)
    throw new MiningError(
      MiningErrorCode.InvalidInput,
      `${what} must be a permutation of 0..${length - 1}; got ${order.length} entries`,
      { input },
    );
  for (let i = 0; i < length; i++) {
    const v = Number(order[i]!);
    if (!Number.isInteger(v) || v < 0 || v >= length || seen[v] === 1) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `${what} must be a permutation of 0..${length - 1}; entry ${i} is ${v}`,
        { input, position: i },
      );
    }
    seen[v] = 1;
    result[i] = v;
  }
  return result;
}

interface CheckedInputs {
  readonly corpus: EmbeddingMatrix;
  readonly noise: EmbeddingMatrix;
  readonly positiveOrder: Int32Array;
  readonly noiseOrder: Int32Array;
}

function checkInputs(
  images: EmbeddingMatrix,
  idText: EmbeddingMatrix,
  inputs: MethodInputs | undefined,
  settings: TanlSettings,
): CheckedInputs {
  checkEmbeddings('images', images);
  checkEmbeddings('idText', idText, images.cols);
  const corpus = inputs?.corpusText;
  if (corpus === undefined)
    throw missing('corpusText', "the whole corpus embeddings (corpusText: a mining run's candidate corpus, C × d)");
  checkEmbeddings('corpusText', corpus, images.cols);
  const noise = inputs?.noiseImages;
  if (noise === undefined)
    throw missing(
      'noiseImages',
      'the noise-image embeddings (noiseImages: 15 × d, 3 each of Gaussian, uniform, Poisson, gamma, salt-and-pepper)',
    );
  checkEmbeddings('noiseImages', noise, images.cols);
  if (settings.negatives > corpus.rows) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `tanl: negatives (${settings.negatives}) exceeds the corpus size (${corpus.rows})`,
      {
        method: 'tanl',
        parameter: 'negatives',
      },
    );
  }
  return {
    corpus,
    noise,
    positiveOrder: initOrder(
      inputs?.positiveInitOrder,
      idText.rows,
      'positiveInitOrder',
      'the positive-queue initialisation order (positiveInitOrder)',
    ),
    noiseOrder: initOrder(
      inputs?.noiseInitOrder,
      noise.rows,
      'noiseInitOrder',
      'the noise-queue initialisation order (noiseInitOrder)',
    ),
  };
}

/** Per-batch records, stored with the run (plain arrays: JSON). */
interface TanlDiagnostics {
  thresholds: number[];
  idAdmissions: number[];
  oodAdmissions: number[];
  /** Per batch: [cut margin, rank margin] of the adapted selection key, relative to max |key|. */
  selectionMargins: Array<[number | null, number | null]>;
  /** The first ten corpus indices of the selection made at reset. */
  initSelectionHead: number[];
}

/** One stream's state: the kernels, the two activation queues and the score queue. */
class TanlStream {
  private readonly scoreQueue: Float64Array;
  private scoreCount = 0;
  private scoreNext = 0;

  private constructor(
    private readonly settings: TanlSettings,
    private readonly run: ResolvedRun,
    private readonly idCount: number,
    private readonly dim: number,
    private readonly idWeights: Float32Array | Float64Array,
    private readonly corpusWeights: Float32Array | Float64Array,
    private readonly activation: CorpusActivationKernel,
    private readonly products: MatmulKernel,
    private readonly combination: RowCombinationKernel,
    private readonly positives: ActivationQueue,
    private readonly negativesQueue: ActivationQueue,
  ) {
    this.scoreQueue = new Float64Array(settings.scoreQueueLength);
  }

  static async open(
    idText: EmbeddingMatrix,
    inputs: CheckedInputs,
    settings: TanlSettings,
    run: ResolvedRun,
  ): Promise<TanlStream> {
    const dim = idText.cols;
    const idWeights = normalizedRowsIn(run.precision, idText);
    const corpusWeights = normalizedRowsIn(run.precision, inputs.corpus);
    const scale = settings.logitScale;
    const kernelOptions = { threads: run.threads };
    const scaledId = normalizedRowsIn(run.precision, idText, { scale });
    const scaledCorpus = normalizedRowsIn(run.precision, inputs.corpus, { scale });
    const kernels: Array<{ dispose(): Promise<void> }> = [];
    try {
      const activation = await CorpusActivationKernel.create(
        {
          idWeights: scaledId,
          idCount: idText.rows,
          corpusWeights: scaledCorpus,
          corpusCount: inputs.corpus.rows,
          dim,
          precision: run.precision,
        },
        kernelOptions,
      );
      kernels.push(activation);
      const products = await MatmulKernel.create(dim, scale, run.precision, kernelOptions);
      kernels.push(products);
      const combination = await RowCombinationKernel.create(run.precision, kernelOptions);
      kernels.push(combination);
      const columns = inputs.corpus.rows;
      const positives = new ActivationQueue(settings.memoryLength, columns, run.precision);
      const negatives = new ActivationQueue(settings.memoryLength, columns, run.precision);
      return new TanlStream(
        settings,
        run,
        idText.rows,
        dim,
        idWeights,
        corpusWeights,
        activation,
        products,
        combination,
        positives,
        negatives,
      );
    } catch (error) {
      for (const kernel of kernels) await kernel.dispose();
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await this.activation.dispose();
    await this.products.dispose();
    await this.combination.dispose();
  }

  /** Fills a queue with the activations of `source` rows taken in `order`, keeping the last `memoryLength`. */
  private async fillQueue(queue: ActivationQueue, source: EmbeddingMatrix, order: Int32Array): Promise<void> {
    const kept = order.subarray(Math.max(0, order.length - this.settings.memoryLength));
    const rows = normalizedRowsIn(this.run.precision, source, { order: kept });
    const activations = await this.activation.run(rows, kept.length);
    for (let r = 0; r < kept.length; r++) queue.push(activations, r);
  }

  /** Activation-aware scores of `rows` L2-normalised rows against [ID; corpus[selection]]. */
  private async scoreAgainst(
    unitRows: Float32Array | Float64Array,
    rows: number,
    selection: Int32Array,
  ): Promise<Float64Array> {
    const { dim, idCount } = this;
    const labels = idCount + selection.length;
    const weights = this.run.precision === 'float64' ? new Float64Array(labels * dim) : new Float32Array(labels * dim);
    weights.set(this.idWeights, 0);
    for (let n = 0; n < selection.length; n++) {
      const row = selection[n]!;
      weights.set(this.corpusWeights.subarray(row * dim, (row + 1) * dim), (idCount + n) * dim);
    }
    const logits = await this.products.run(unitRows, rows, weights, labels);
    const scores = new Float64Array(rows);
    for (let i = 0; i < rows; i++)
      scores[i] = activationAwareScore(logits, i * labels, idCount, selection.length, this.settings.step);
    return scores;
  }

  private pushScores(scores: Float64Array): void {
    for (const score of scores) {
      this.scoreQueue[this.scoreNext] = score;
      this.scoreNext = (this.scoreNext + 1) % this.scoreQueue.length;
      this.scoreCount = Math.min(this.scoreCount + 1, this.scoreQueue.length);
    }
  }

  private async queueKey(): Promise<Float64Array> {
    const negative = await this.negativesQueue.mean(this.combination);
    const positive = await this.positives.mean(this.combination);
    const key = new Float64Array(negative.length);
    for (let j = 0; j < key.length; j++) key[j] = negative[j]! - positive[j]!;
    return key;
  }

  /** The reset: both queues and the score queue from the ID label texts and the noise images. */
  async reset(idText: EmbeddingMatrix, inputs: CheckedInputs, diagnostics: TanlDiagnostics): Promise<void> {
    await this.fillQueue(this.positives, idText, inputs.positiveOrder);
    await this.fillQueue(this.negativesQueue, inputs.noise, inputs.noiseOrder);
    const selection = topByKey(await this.queueKey(), this.settings.negatives).indices;
    diagnostics.initSelectionHead = Array.from(selection.subarray(0, 10));
    this.pushScores(await this.scoreAgainst(this.idWeights, idText.rows, selection));
    this.pushScores(
      await this.scoreAgainst(normalizedRowsIn(this.run.precision, inputs.noise), inputs.noise.rows, selection),
    );
  }

  /** Scores one batch (raw rows), then lets its admitted images join the queues. */
  async batch(
    images: EmbeddingMatrix,
    start: number,
    rows: number,
    diagnostics: TanlDiagnostics,
  ): Promise<Float64Array> {
    const { settings } = this;
    const unit = normalizedRowsIn(this.run.precision, images, { start, count: rows });
    const activations = await this.activation.run(unit, rows);
    const before = topByKey(await this.queueKey(), settings.negatives).indices;
    const pre = await this.scoreAgainst(unit, rows, before);
    this.pushScores(pre);
    const t = automaticThreshold(this.scoreQueue, this.scoreCount);
    const idAdmitted: number[] = [];
    const oodAdmitted: number[] = [];
    for (let i = 0; i < rows; i++) {
      if (pre[i]! > t + settings.gap * (1 - t)) idAdmitted.push(i);
      if (pre[i]! < t - settings.gap * t) oodAdmitted.push(i);
    }
    const key = await this.adaptedKey(activations, rows, idAdmitted, oodAdmitted);
    const adapted = topByKey(key, settings.negatives);
    const scores = await this.scoreAgainst(unit, rows, adapted.indices);
    for (const i of idAdmitted) this.positives.push(activations, i);
    for (const i of oodAdmitted) this.negativesQueue.push(activations, i);
    diagnostics.thresholds.push(t);
    diagnostics.idAdmissions.push(idAdmitted.length);
    diagnostics.oodAdmissions.push(oodAdmitted.length);
    diagnostics.selectionMargins.push([adapted.cutMargin, adapted.rankMargin]);
    return scores;
  }

  /** negative reference − positive reference, each α·queue mean + (1 − α)·mean of the admitted rows. */
  private async adaptedKey(
    activations: Float32Array | Float64Array,
    rows: number,
    idAdmitted: number[],
    oodAdmitted: number[],
  ): Promise<Float64Array> {
    const { alpha } = this.settings;
    const columns = this.positives.columns;
    // Row 0 averages the ID-admitted rows, row 1 the OOD-admitted rows: one product over the batch.
    const weights = new Float64Array(2 * rows);
    for (const i of idAdmitted) weights[i] = 1 / idAdmitted.length;
    for (const i of oodAdmitted) weights[rows + i] = 1 / oodAdmitted.length;
    const batchMeans =
      idAdmitted.length + oodAdmitted.length > 0
        ? await this.combination.run(weights, 2, activations, rows, columns)
        : undefined;
    const positiveQueue = await this.positives.mean(this.combination);
    const negativeQueue = await this.negativesQueue.mean(this.combination);
    const key = new Float64Array(columns);
    for (let j = 0; j < columns; j++) {
      const positive =
        idAdmitted.length > 0 ? alpha * positiveQueue[j]! + (1 - alpha) * batchMeans![j]! : positiveQueue[j]!;
      const negative =
        oodAdmitted.length > 0
          ? alpha * negativeQueue[j]! + (1 - alpha) * batchMeans![columns + j]!
          : negativeQueue[j]!;
      key[j] = negative - positive;
    }
    return key;
  }
}

export const tanlScore: OodScoreMethod = {
  id: 'tanl',
  summary:
    'TANL (CVPR 2026): activation-aware score on negatives mined per batch from the whole corpus by test-time activation queues; depends on stream order',
  negatives: 'unused',
  adaptsToStream: true,
  extraInputs: ['corpusText', 'noiseImages', 'positiveInitOrder', 'noiseInitOrder'],
  parameters,
  resolveParams: (overrides) => resolveParameters('tanl', parameters, overrides),
  async score(images, idText, _negText, overrides, options, inputs): Promise<ScoreResult> {
    const params = resolveParameters('tanl', parameters, overrides);
    const settings = settingsOf(params);
    const run = resolveRunOptions(options);
    const checked = checkInputs(images, idText, inputs, settings);
    const diagnostics: TanlDiagnostics = {
      thresholds: [],
      idAdmissions: [],
      oodAdmissions: [],
      selectionMargins: [],
      initSelectionHead: [],
    };
    const scores = new Float64Array(images.rows);
    const stream = await TanlStream.open(idText, checked, settings, run);
    try {
      await stream.reset(idText, checked, diagnostics);
      for (let start = 0; start < images.rows; start += settings.batchSize) {
        const rows = Math.min(settings.batchSize, images.rows - start);
        scores.set(await stream.batch(images, start, rows, diagnostics), start);
      }
    } finally {
      await stream.dispose();
    }
    return {
      method: 'tanl',
      scores,
      guardHits: 0,
      warnings: [],
      params,
      precision: run.precision,
      diagnostics: {
        batches: diagnostics.thresholds.length,
        thresholds: diagnostics.thresholds,
        idAdmissions: diagnostics.idAdmissions,
        oodAdmissions: diagnostics.oodAdmissions,
        selectionMargins: diagnostics.selectionMargins,
        initSelectionHead: diagnostics.initSelectionHead,
      },
    };
  },
};
