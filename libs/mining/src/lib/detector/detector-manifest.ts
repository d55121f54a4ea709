// detector.json: everything a detector.onnx froze, as plain JSON written in one fixed key order (same
// inputs, same bytes), and its reader for `detect` and the service. Public.
import type { PartOfSpeech } from '../corpus/part-of-speech';
import { isPartOfSpeech } from '../corpus/part-of-speech';
import { MiningError, MiningErrorCode } from '../errors';
import type { ParameterValue } from '../scoring/parameter-schema';
import { isDetectorMethodId, type DetectorMethodId } from './detector-epilogues';

export const DETECTOR_FORMAT_VERSION = 1;

export interface DetectorNegative {
  readonly word: string;
  readonly pos?: PartOfSpeech;
}

export interface DetectorManifest {
  readonly formatVersion: number;
  readonly method: DetectorMethodId;
  /** The method's hyperparameters after defaults (and presets) were applied. */
  readonly params: Readonly<Record<string, ParameterValue>>;
  /** is_ood = score < threshold (a float32 value, written exactly). */
  readonly threshold: number;
  /** The ID TPR the threshold was calibrated at; null when the threshold was given. */
  readonly targetTpr: number | null;
  /** The calibration set's fraction with score >= threshold; null when the threshold was given. */
  readonly achievedTpr: number | null;
  /** The calibration set: its size and the SHA-256 of its float32 little-endian rows; null when the threshold was given. */
  readonly calibration: { readonly size: number; readonly sha256: string } | null;
  /** The K ID labels: names when known (index = predicted_class), always their count. */
  readonly labels: { readonly count: number; readonly names: readonly string[] | null };
  /**
   * The negatives in the order they were given (selection order); `groupOrder[p][i]` is the
   * negative at grouped row i of permutation p (group j = rows [jQ, (j+1)Q)); null for mcm.
   */
  readonly negatives: {
    readonly count: number;
    readonly words: readonly DetectorNegative[] | null;
    readonly groups: number;
    readonly groupSize: number;
    readonly dropped: number;
    readonly permutationGiven: boolean;
    readonly seeds: readonly number[];
    readonly groupOrder: ReadonlyArray<readonly number[]>;
  } | null;
  readonly embeddingDim: number;
  /** Content hash of the CLIP model the embeddings come from; null when not known. */
  readonly modelHash: string | null;
  readonly onnxSha256: string;
  readonly codeVersion: string;
}

/** The manifest as UTF-8 JSON text (two-space indent, keys in declaration order, newline at the end). */
export function serializeDetectorManifest(manifest: DetectorManifest): string {
  const ordered: DetectorManifest = {
    formatVersion: manifest.formatVersion,
    method: manifest.method,
    params: Object.fromEntries(
      Object.keys(manifest.params)
        .sort()
        .map((k) => [k, manifest.params[k]!]),
    ),
    threshold: manifest.threshold,
    targetTpr: manifest.targetTpr,
    achievedTpr: manifest.achievedTpr,
    calibration:
      manifest.calibration === null ? null : { size: manifest.calibration.size, sha256: manifest.calibration.sha256 },
    labels: { count: manifest.labels.count, names: manifest.labels.names },
    negatives:
      manifest.negatives === null
        ? null
        : {
            count: manifest.negatives.count,
            words:
              manifest.negatives.words === null
                ? null
                : manifest.negatives.words.map((w) =>
                    w.pos === undefined ? { word: w.word } : { word: w.word, pos: w.pos },
                  ),
            groups: manifest.negatives.groups,
            groupSize: manifest.negatives.groupSize,
            dropped: manifest.negatives.dropped,
            permutationGiven: manifest.negatives.permutationGiven,
            seeds: manifest.negatives.seeds,
            groupOrder: manifest.negatives.groupOrder,
          },
    embeddingDim: manifest.embeddingDim,
    modelHash: manifest.modelHash,
    onnxSha256: manifest.onnxSha256,
    codeVersion: manifest.codeVersion,
  };
  // groupOrder rows stay on one line each: a 10,000-entry permutation is one line, not 10,000.
  return `${JSON.stringify(ordered, (key, value: unknown) => (key === 'groupOrder' ? (value as number[][]).map((row) => `\u0000${JSON.stringify(row)}`) : value), 2).replace(/"\\u0000(\[[^"]*\])"/g, '$1')}\n`;
}

function invalid(message: string): MiningError {
  return new MiningError(MiningErrorCode.InvalidDetector, `detector.json: ${message}`);
}

/** Parses and checks detector.json text; INVALID_DETECTOR names the first field that is wrong. */
export function parseDetectorManifest(text: string): DetectorManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('must be a JSON object');
  const m = value as Record<string, unknown>;
  if (m['formatVersion'] !== DETECTOR_FORMAT_VERSION)
    throw invalid(
      `formatVersion ${JSON.stringify(m['formatVersion'])} is not supported; this code reads version ${DETECTOR_FORMAT_VERSION}`,
    );
  if (typeof m['method'] !== 'string' || !isDetectorMethodId(m['method']))
    throw invalid(`method ${JSON.stringify(m['method'])} is not a detector method`);
  if (typeof m['threshold'] !== 'number' || !Number.isFinite(m['threshold']))
    throw invalid('threshold must be a finite number');
  if (typeof m['embeddingDim'] !== 'number' || !Number.isInteger(m['embeddingDim']) || m['embeddingDim'] < 1)
    throw invalid('embeddingDim must be a positive integer');
  if (typeof m['onnxSha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(m['onnxSha256']))
    throw invalid('onnxSha256 must be 64 lowercase hex digits');
  const labels = m['labels'] as Record<string, unknown> | null | undefined;
  if (labels === null || typeof labels !== 'object' || typeof labels['count'] !== 'number')
    throw invalid('labels must be { count, names }');
  const names = labels['names'];
  if (
    names !== null &&
    (!Array.isArray(names) || names.length !== labels['count'] || !names.every((n) => typeof n === 'string'))
  ) {
    throw invalid('labels.names must be null or labels.count strings');
  }
  const negatives = m['negatives'] as Record<string, unknown> | null | undefined;
  if (
    negatives !== null &&
    (negatives === undefined || typeof negatives !== 'object' || !Array.isArray(negatives['groupOrder']))
  )
    throw invalid('negatives must be null or an object with groupOrder');
  const words = negatives?.['words'];
  if (
    words !== undefined &&
    words !== null &&
    (!Array.isArray(words) ||
      !words.every(
        (w) =>
          typeof (w as { word?: unknown }).word === 'string' &&
          ((w as { pos?: unknown }).pos === undefined || isPartOfSpeech((w as { pos?: unknown }).pos)),
      ))
  ) {
    throw invalid('negatives.words must be null or [{ word, pos? }]');
  }
  return m as unknown as DetectorManifest;
}
