// Freezes a static scoring method into a detector: resolved parameters, ID and grouped negative
// label rows, and a threshold (calibrated at a target ID TPR on an ID embedding set with the
// detector's own float32 scores, or given) → detector.onnx bytes + its manifest. Public.
import { MiningError, MiningErrorCode } from '../errors';
import { sha256Hex } from '../hash/sha256';
import { checkEmbeddings, normalizedRowsIn } from '../scoring/embedding-input';
import { groupingsFor } from '../scoring/grouped-scoring';
import type { EmbeddingMatrix, ScoringWarning } from '../scoring/ood-score-method';
import type { ParameterOverrides } from '../scoring/parameter-schema';
import { scoringMethod } from '../scoring/registry';
import type { DebiasedGuard } from '../scoring/debiased.score';
import {
  DETECTOR_EPILOGUES,
  DETECTOR_METHOD_IDS,
  isDetectorMethodId,
  type DetectorMethodId,
} from './detector-epilogues';
import { buildDetectorGraph, DETECTOR_INPUT, type DetectorGraphSpec } from './detector-graph';
import {
  DETECTOR_FORMAT_VERSION,
  serializeDetectorManifest,
  type DetectorManifest,
  type DetectorNegative,
} from './detector-manifest';
import { DetectorRunner } from './detector-runner';
import { calibrateThreshold, checkTargetTpr, DEFAULT_TARGET_TPR } from './threshold-calibration';

/** How the threshold is set: calibrated at an ID TPR on ID image embeddings, or given. */
export type DetectorThreshold =
  { readonly calibrationImages: EmbeddingMatrix; readonly targetTpr?: number } | { readonly value: number };

export interface DetectorRequest {
  readonly method: string;
  /** K × d raw ID label text embeddings (row c = predicted_class c). */
  readonly idText: EmbeddingMatrix;
  /** N × d raw negative label embeddings in selection order (required by grouped methods). */
  readonly negText?: EmbeddingMatrix;
  readonly params?: ParameterOverrides;
  /** A given group permutation (grouped row i = negative p[i]); replaces the seeded draw. */
  readonly permutation?: ArrayLike<number> | BigInt64Array;
  readonly threshold: DetectorThreshold;
  readonly labels?: readonly string[];
  /** The negatives' words (and parts of speech), in the order of negText. */
  readonly negatives?: readonly DetectorNegative[];
  readonly modelHash?: string;
  /** Recorded in the manifest (the caller's package version and commit). */
  readonly codeVersion: string;
  /** onnxruntime threads and chunk size for the calibration run. */
  readonly threads?: number;
  readonly chunkRows?: number;
}

export interface BuiltDetector {
  readonly onnxBytes: Uint8Array;
  readonly manifest: DetectorManifest;
  /** detector.json text (serializeDetectorManifest of manifest). */
  readonly manifestJson: string;
  /** The detector's own scores of the calibration set, when it was calibrated. */
  readonly calibrationScores?: Float32Array;
  readonly warnings: readonly ScoringWarning[];
}

/** The method, checked to be one a detector can freeze (static, with a graph epilogue). */
export function detectorMethod(id: string): DetectorMethodId {
  const method = scoringMethod(id);
  if (method.adaptsToStream) {
    throw new MiningError(
      MiningErrorCode.StreamAdaptiveMethod,
      `${method.id} adapts to the test stream (its scores depend on the images scored before them), so it cannot be frozen into a detector; accepted: ${DETECTOR_METHOD_IDS.join(', ')}`,
      { method: method.id, accepted: DETECTOR_METHOD_IDS },
    );
  }
  if (!isDetectorMethodId(method.id)) {
    throw new MiningError(
      MiningErrorCode.UnknownMethod,
      `${method.id} has no detector graph; accepted: ${DETECTOR_METHOD_IDS.join(', ')}`,
      {
        method: method.id,
        accepted: DETECTOR_METHOD_IDS,
      },
    );
  }
  return method.id;
}

/** SHA-256 of the rows as the detector sees them: float32, little-endian, row-major. */
export function embeddingContentHash(matrix: EmbeddingMatrix): string {
  const data = matrix.data instanceof Float32Array ? matrix.data : Float32Array.from(matrix.data);
  return sha256Hex(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function float32Threshold(value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !Number.isFinite(Math.fround(value))) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `the threshold must be a finite number within float32 range (is_ood = score < threshold); got ${String(value)}`,
      {
        parameter: 'threshold',
      },
    );
  }
  return Math.fround(value);
}

export async function buildDetector(request: DetectorRequest): Promise<BuiltDetector> {
  const methodId = detectorMethod(request.method);
  const method = scoringMethod(methodId);
  const params = method.resolveParams(request.params);
  const { idText } = request;
  const epilogue = DETECTOR_EPILOGUES[methodId];
  checkEmbeddings('idText', idText);
  const dim = idText.cols;
  if (request.labels !== undefined && request.labels.length !== idText.rows) {
    throw new MiningError(
      MiningErrorCode.ShapeMismatch,
      `${request.labels.length} label names were given for ${idText.rows} ID embeddings; give one name per row`,
      {
        labels: request.labels.length,
        rows: idText.rows,
      },
    );
  }
  const threshold = request.threshold;
  if ('value' in threshold) float32Threshold(threshold.value);
  else {
    checkTargetTpr(threshold.targetTpr ?? DEFAULT_TARGET_TPR);
    checkEmbeddings('calibrationImages', threshold.calibrationImages, dim);
  }
  const temperature = params['temperature'] as number;
  const scale = 1 / temperature;
  let negatives: DetectorManifest['negatives'] = null;
  let negWeights = new Float32Array(0);
  let groupCount = 0;
  let groupSize = 0;
  const warnings: ScoringWarning[] = [];
  if (epilogue.negatives) {
    const negText = request.negText;
    if (negText === undefined) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `${methodId} needs negative label embeddings (negText, N × d); none were given`,
        { method: methodId },
      );
    }
    checkEmbeddings('negText', negText, dim);
    if (request.negatives !== undefined && request.negatives.length !== negText.rows) {
      throw new MiningError(
        MiningErrorCode.ShapeMismatch,
        `${request.negatives.length} negative words were given for ${negText.rows} negative embeddings; give one per row`,
        {
          words: request.negatives.length,
          rows: negText.rows,
        },
      );
    }
    const groupings = groupingsFor(
      negText.rows,
      params['groups'] as number,
      params['permutations'] as number,
      params['seed'] as number,
      {
        permutation: request.permutation,
      },
    );
    const first = groupings[0]!;
    groupSize = first.groupSize;
    groupCount = first.groups * groupings.length;
    negWeights = new Float32Array(groupCount * groupSize * dim);
    groupings.forEach((grouping, p) =>
      negWeights.set(
        normalizedRowsIn('float32', negText, { order: grouping.order, scale }),
        p * first.groups * groupSize * dim,
      ),
    );
    negatives = {
      count: negText.rows,
      words: request.negatives ?? null,
      groups: first.groups,
      groupSize,
      dropped: first.dropped,
      permutationGiven: request.permutation !== undefined,
      seeds: groupings.flatMap((g) => (g.seed === undefined ? [] : [g.seed])),
      groupOrder: groupings.map((g) => Array.from(g.order)),
    };
    const tau = params['tau'];
    if (typeof tau === 'number' && tau < groupSize / (idText.rows + groupSize)) {
      const bound = groupSize / (idText.rows + groupSize);
      warnings.push({
        code: 'TAU_ALLOWS_NONPOSITIVE_PARTITION',
        message: `tau = ${tau} is below Q/(K + Q) = ${bound.toPrecision(6)} (K = ${idText.rows}, Q = ${groupSize}): Z_j ≤ 0 is possible; the detector applies guard '${String(params['guard'])}'`,
        details: { tau, bound, idCount: idText.rows, groupSize },
      });
    }
  } else if (request.permutation !== undefined) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `a permutation has no meaning for ${methodId}, which uses no negatives`,
      { parameter: 'permutation' },
    );
  }
  const idWeights = normalizedRowsIn('float32', idText, { scale }) as Float32Array;
  const graphSpec = (thresholdValue: number): DetectorGraphSpec => ({
    method: methodId,
    dim,
    idCount: idText.rows,
    idWeights,
    negWeights,
    groupCount,
    groupSize,
    constants: {
      temperature,
      tau: params['tau'] as number | undefined,
      guard: params['guard'] as DebiasedGuard | undefined,
    },
    threshold: thresholdValue,
    docString: `negmine OOD detector (${methodId}): input ${DETECTOR_INPUT} float32 [batch, ${dim}] raw image embeddings (L2-normalised inside); outputs score float32 [batch] (higher = more in-distribution), is_ood bool [batch] (score < threshold ${thresholdValue}), predicted_class int64 [batch] (argmax over the ${idText.rows} ID labels), predicted_probability float32 [batch] (its softmax probability among the ID labels at T = ${temperature})`,
    metadata: {
      'negmine.format_version': String(DETECTOR_FORMAT_VERSION),
      'negmine.method': methodId,
      'negmine.threshold': String(thresholdValue),
    },
  });

  let thresholdValue: number;
  let calibration: DetectorManifest['calibration'] = null;
  let targetTpr: number | null = null;
  let achievedTpr: number | null = null;
  let calibrationScores: Float32Array | undefined;
  if ('value' in threshold) thresholdValue = float32Threshold(threshold.value);
  else {
    // The threshold is read off the detector's own float32 outputs, so is_ood in the file reproduces
    // the calibrated TPR exactly (the threshold is one of those float32 scores).
    const runner = await DetectorRunner.load(buildDetectorGraph(graphSpec(0)), {
      threads: request.threads,
      chunkRows: request.chunkRows,
    });
    try {
      calibrationScores = (await runner.detect(threshold.calibrationImages)).scores;
    } finally {
      await runner.dispose();
    }
    const calibrated = calibrateThreshold(calibrationScores, threshold.targetTpr ?? DEFAULT_TARGET_TPR);
    thresholdValue = calibrated.threshold;
    targetTpr = calibrated.targetTpr;
    achievedTpr = calibrated.achievedTpr;
    calibration = { size: calibrated.calibrationSize, sha256: embeddingContentHash(threshold.calibrationImages) };
  }
  const onnxBytes = buildDetectorGraph(graphSpec(thresholdValue));
  const manifest: DetectorManifest = {
    formatVersion: DETECTOR_FORMAT_VERSION,
    method: methodId,
    params,
    threshold: thresholdValue,
    targetTpr,
    achievedTpr,
    calibration,
    labels: { count: idText.rows, names: request.labels ?? null },
    negatives,
    embeddingDim: dim,
    modelHash: request.modelHash ?? null,
    onnxSha256: sha256Hex(onnxBytes),
    codeVersion: request.codeVersion,
  };
  return { onnxBytes, manifest, manifestJson: serializeDetectorManifest(manifest), calibrationScores, warnings };
}
