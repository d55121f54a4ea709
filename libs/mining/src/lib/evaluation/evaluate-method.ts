// The evaluation protocol (public, the only one): scores an ID image set and named OOD sets with one
// method and returns per-set scores, metrics, warnings, diagnostics and the mean row. The CLI, the
// API's evaluate job and run comparisons all call it, so a method is evaluated the same way everywhere.
//
// Static methods score the ID set once and each OOD set once. Stream-adaptive methods follow the
// official test-time protocol (OpenOOD-VLM `OODEvaluatorClipTTA`): per OOD set, the rows are
// concat(OOD, ID) (`ConcatDataset([ood, id])`), visited in a stream order, in batches, with the
// method's state reset before every set. The order is given per set or drawn from the seed:
// set i (in the order of `oodSets`) uses seededPermutation(n_ood + n_id, seed + i).
import { evaluate, MetricsError } from '@negmine/metrics';
import { MiningError, MiningErrorCode } from '../errors';
import type {
  EmbeddingMatrix,
  GroupingRecord,
  IndexOrder,
  MethodInputs,
  ScoreResult,
  ScoringDiagnostics,
  ScoringMethodId,
  ScoringOptions,
  ScoringPrecision,
  ScoringWarning,
} from '../scoring/ood-score-method';
import type { ParameterOverrides, ParameterValue } from '../scoring/parameter-schema';
import { scoringMethod } from '../scoring/registry';
import { checkPermutation, checkStreamSeed, seededPermutation, streamOrderSha256 } from './stream-order';
import { resolveTestTimeInputs, type TestTimeInputRecord } from './test-time-inputs';

export const DEFAULT_STREAM_BATCH_SIZE = 256;
export const DEFAULT_STREAM_SEED = 0;
/** The metrics averaged into the mean row, in table order. */
export const MEAN_METRIC_NAMES = ['fprAtTprId', 'fprAtTprOod', 'auroc', 'auprIn', 'auprOut'] as const;
export type MeanMetricName = (typeof MEAN_METRIC_NAMES)[number];

export interface NamedImageSet {
  /** Unique among the OOD sets; not 'mean'. */
  readonly name: string;
  readonly images: EmbeddingMatrix;
}

/** How stream-adaptive methods see their stream (ignored by static methods). */
export interface StreamProtocolOptions {
  /** Given stream orders by OOD set name: a permutation of 0..n_ood+n_id−1 (rows: OOD first, then ID). */
  readonly orders?: Readonly<Record<string, IndexOrder>>;
  /** Seed of the orders not given, and of TANL's queue-initialisation orders not given; default 0. */
  readonly seed?: number;
  /** Images per batch; default 256 (the official test loader's). */
  readonly batchSize?: number;
}

export interface EvaluateMethodRequest {
  readonly method: ScoringMethodId | string;
  readonly params?: ParameterOverrides;
  readonly options?: ScoringOptions;
  readonly idText: EmbeddingMatrix;
  /** Required by negative-label methods; ignored by those that use none. */
  readonly negText?: EmbeddingMatrix;
  readonly idImages: EmbeddingMatrix;
  readonly oodSets: readonly NamedImageSet[];
  /** Recall level of both FPR metrics, in (0, 1]; default 0.95. */
  readonly recall?: number;
  readonly stream?: StreamProtocolOptions;
  /** Extra inputs of methods that need them (TANL: corpus and noise-image embeddings, init orders). */
  readonly inputs?: MethodInputs;
}

export interface SetMetrics {
  readonly fprAtTprId: number;
  readonly fprAtTprOod: number;
  readonly auroc: number;
  readonly auprIn: number;
  readonly auprOut: number;
  readonly thresholdAtTprId: number;
  readonly nId: number;
  readonly nOod: number;
}

export type MeanMetrics = Readonly<Record<MeanMetricName, number>>;

/** How one OOD set's stream was ordered; enough to reproduce and to check it. */
export interface StreamOrderRecord {
  /** The seed it was drawn from, or null when it was given. */
  readonly seed: number | null;
  readonly given: boolean;
  /** n_ood + n_id. */
  readonly length: number;
  /** SHA-256 of the order as little-endian int64 (the data bytes of its int64 .npy). */
  readonly sha256: string;
}

export interface SetEvaluation {
  readonly name: string;
  /** ID scores in ID row order (stream methods: as scored in this set's stream). */
  readonly idScores: Float64Array;
  /** OOD scores in OOD row order. */
  readonly oodScores: Float64Array;
  /** Per-image std over the permutations, when P > 1. */
  readonly std?: { readonly id: Float64Array; readonly ood: Float64Array };
  /** Stream methods: the order (stream position p scored row order[p]) and the scores in that order. */
  readonly stream?: { readonly order: Int32Array; readonly scores: Float64Array; readonly record: StreamOrderRecord };
  readonly metrics: SetMetrics;
  /** Images (ID and OOD scored for this set) whose arithmetic a numerical guard changed. */
  readonly guardHits: number;
  /** Warnings of this set's scoring; a static method's ID warnings are repeated in every set (details.part = 'id'). */
  readonly warnings: readonly ScoringWarning[];
  readonly diagnostics: ScoringDiagnostics;
}

export interface MethodEvaluation {
  readonly method: ScoringMethodId;
  readonly params: Readonly<Record<string, ParameterValue>>;
  readonly precision: ScoringPrecision;
  readonly recall: number;
  readonly protocol: 'static' | 'stream';
  /** Stream methods: the seed of drawn orders (null for static methods). */
  readonly seed: number | null;
  /** Stream methods: images per batch (null for static methods). */
  readonly batchSize: number | null;
  readonly grouping?: GroupingRecord;
  /** TANL-style methods: how the extra inputs were used (sizes, init orders given or drawn, hashes). */
  readonly inputs?: TestTimeInputRecord;
  readonly sets: readonly SetEvaluation[];
  /** Mean of each metric over the OOD sets (computed here and nowhere else). */
  readonly mean: MeanMetrics;
}

function invalid(message: string, details: Record<string, unknown>): MiningError {
  return new MiningError(MiningErrorCode.InvalidInput, message, details);
}

function checkSets(request: EvaluateMethodRequest): void {
  if (request.oodSets.length === 0) throw invalid('give at least one OOD image set', { input: 'oodSets' });
  const names = request.oodSets.map((set) => set.name);
  names.forEach((name, i) => {
    if (name === '' || name === 'mean' || names.indexOf(name) !== i) {
      throw invalid(
        `OOD set names must be non-empty, unique and not 'mean'; got ${names.map((n) => JSON.stringify(n)).join(', ')}`,
        { input: 'oodSets', names },
      );
    }
  });
  for (const set of request.oodSets) {
    if (set.images.cols !== request.idImages.cols) {
      throw new MiningError(
        MiningErrorCode.ShapeMismatch,
        `OOD set '${set.name}' has dimension ${set.images.cols} but the ID images have ${request.idImages.cols}; both must come from the same image encoder`,
        { input: set.name, dim: set.images.cols, expected: request.idImages.cols },
      );
    }
  }
  for (const name of Object.keys(request.stream?.orders ?? {})) {
    if (!names.includes(name))
      throw invalid(`a stream order was given for '${name}', which is not an OOD set (sets: ${names.join(', ')})`, {
        input: 'stream.orders',
        name,
      });
  }
}

function metricsOf(name: string, idScores: Float64Array, oodScores: Float64Array, recall: number): SetMetrics {
  try {
    const m = evaluate({ idScores, oodScores }, { recall });
    return {
      fprAtTprId: m.fprAtTprId,
      fprAtTprOod: m.fprAtTprOod,
      auroc: m.auroc,
      auprIn: m.auprIn,
      auprOut: m.auprOut,
      thresholdAtTprId: m.thresholdAtTprId,
      nId: m.nId,
      nOod: m.nOod,
    };
  } catch (error) {
    if (error instanceof MetricsError) {
      throw new MiningError(MiningErrorCode.InvalidInput, `${name}: [${error.code}] ${error.message}`, {
        set: name,
        metricsCode: error.code,
      });
    }
    throw error;
  }
}

function meanOf(sets: readonly SetEvaluation[]): MeanMetrics {
  const mean = {} as Record<MeanMetricName, number>;
  for (const metric of MEAN_METRIC_NAMES)
    mean[metric] = sets.reduce((sum, set) => sum + set.metrics[metric], 0) / sets.length;
  return mean;
}

function tagged(warnings: readonly ScoringWarning[], part: 'id' | 'ood' | 'stream'): ScoringWarning[] {
  return warnings.map((w) => ({ ...w, details: { ...w.details, part } }));
}

/** Rows `order[0], order[1], …` of concat(first, second), in float32 when both are. */
function gatherStream(first: EmbeddingMatrix, second: EmbeddingMatrix, order: Int32Array): EmbeddingMatrix {
  const d = first.cols;
  const both32 = first.data instanceof Float32Array && second.data instanceof Float32Array;
  const data = both32 ? new Float32Array(order.length * d) : new Float64Array(order.length * d);
  for (let p = 0; p < order.length; p++) {
    const row = order[p]!;
    const source =
      row < first.rows
        ? first.data.subarray(row * d, (row + 1) * d)
        : second.data.subarray((row - first.rows) * d, (row - first.rows + 1) * d);
    data.set(source, p * d);
  }
  return { data, rows: order.length, cols: d };
}

/** Stream-order values back to row order, split into the OOD rows and the ID rows. */
function unstream(values: Float64Array, order: Int32Array, nOod: number): { ood: Float64Array; id: Float64Array } {
  const byRow = new Float64Array(values.length);
  for (let p = 0; p < order.length; p++) byRow[order[p]!] = values[p]!;
  return { ood: byRow.subarray(0, nOod), id: byRow.subarray(nOod) };
}

function resolveStream(
  stream: StreamProtocolOptions | undefined,
  params: ParameterOverrides | undefined,
): { seed: number; batchSize: number } {
  const seed = checkStreamSeed(stream?.seed ?? DEFAULT_STREAM_SEED) as number;
  const fromParams = params?.['batchSize'];
  const batchSize = stream?.batchSize ?? (typeof fromParams === 'number' ? fromParams : DEFAULT_STREAM_BATCH_SIZE);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `the stream batch size must be a positive integer; got ${batchSize}`,
      { parameter: 'batchSize' },
    );
  }
  if (fromParams !== undefined && fromParams !== batchSize) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `batchSize is given twice (parameter ${fromParams}, stream option ${batchSize}); give one`,
      {
        parameter: 'batchSize',
      },
    );
  }
  return { seed, batchSize };
}

/** Evaluates one method on the ID set against every OOD set; see the file comment for the protocol. */
export async function evaluateMethod(request: EvaluateMethodRequest): Promise<MethodEvaluation> {
  const method = scoringMethod(request.method);
  checkSets(request);
  const recall = request.recall ?? 0.95;
  // Checked before any scoring, not discovered after minutes of it.
  if (typeof recall !== 'number' || !(recall > 0 && recall <= 1)) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `recall must be a number in (0, 1], e.g. 0.95; got ${String(recall)}`,
      { parameter: 'recall' },
    );
  }
  const negText = method.negatives === 'unused' ? undefined : request.negText;
  const sets: SetEvaluation[] = [];
  let last: ScoreResult | undefined;

  if (!method.adaptsToStream) {
    const params = method.resolveParams(request.params);
    const id = await method.score(request.idImages, request.idText, negText, params, request.options);
    for (const set of request.oodSets) {
      const ood = await method.score(set.images, request.idText, negText, params, request.options);
      sets.push({
        name: set.name,
        idScores: id.scores,
        oodScores: ood.scores,
        std: id.std !== undefined && ood.std !== undefined ? { id: id.std, ood: ood.std } : undefined,
        metrics: metricsOf(set.name, id.scores, ood.scores, recall),
        guardHits: id.guardHits + ood.guardHits,
        warnings: [...tagged(id.warnings, 'id'), ...tagged(ood.warnings, 'ood')],
        diagnostics: { ...(ood.diagnostics ?? {}) },
      });
      last = ood;
    }
    const result = last!;
    return {
      method: method.id,
      params: result.params,
      precision: result.precision,
      recall,
      protocol: 'static',
      seed: null,
      batchSize: null,
      grouping: result.grouping,
      sets,
      mean: meanOf(sets),
    };
  }

  const { seed, batchSize } = resolveStream(request.stream, request.params);
  const params = method.resolveParams({ ...request.params, batchSize });
  const extra = resolveTestTimeInputs(method, request.idText, request.inputs, seed);
  for (const [index, set] of request.oodSets.entries()) {
    const n = set.images.rows + request.idImages.rows;
    const given = request.stream?.orders?.[set.name];
    const order =
      given === undefined
        ? seededPermutation(n, seed + index)
        : checkPermutation(given, n, `the stream order of '${set.name}'`);
    const streamImages = gatherStream(set.images, request.idImages, order);
    const result = await method.score(streamImages, request.idText, negText, params, request.options, extra.inputs);
    const scores = unstream(result.scores, order, set.images.rows);
    const std = result.std === undefined ? undefined : unstream(result.std, order, set.images.rows);
    sets.push({
      name: set.name,
      idScores: scores.id,
      oodScores: scores.ood,
      std: std === undefined ? undefined : { id: std.id, ood: std.ood },
      stream: {
        order,
        scores: result.scores,
        record: {
          seed: given === undefined ? seed + index : null,
          given: given !== undefined,
          length: n,
          sha256: streamOrderSha256(order),
        },
      },
      metrics: metricsOf(set.name, scores.id, scores.ood, recall),
      guardHits: result.guardHits,
      warnings: tagged(result.warnings, 'stream'),
      diagnostics: { ...(result.diagnostics ?? {}) },
    });
    last = result;
  }
  const result = last!;
  return {
    method: method.id,
    params: result.params,
    precision: result.precision,
    recall,
    protocol: 'stream',
    seed,
    batchSize,
    grouping: result.grouping,
    inputs: extra.record,
    sets,
    mean: meanOf(sets),
  };
}
