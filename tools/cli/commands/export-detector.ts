// `negmine export-detector`: freezes a static scoring method (mcm | neglabel | debiased) with its
// label embeddings, grouping and a calibrated (or given) threshold into DIR/detector.onnx +
// DIR/detector.json; with --model also DIR/pipeline.onnx (vision tower + detector in one graph).
import path from 'node:path';
import { loadClipModel, readModelFolder } from '@negmine/encoders';
import {
  buildDetector,
  composePipeline,
  DEFAULT_TARGET_TPR,
  DETECTOR_METHOD_IDS,
  isPartOfSpeech,
  type DetectorNegative,
  type DetectorThreshold,
} from '@negmine/mining';
import { CliUsageError, numberOption, requiredString, stringOption, type CliCommand } from '../command';
import { readJsonFile, writeJson } from '../io';
import { cliCodeVersion } from './code-version';
import { DETECTOR_JSON, DETECTOR_ONNX, PIPELINE_ONNX, writeFilesAtomically } from './detector-files';
import { METHOD_OPTIONS, readEmbeddingFile, readMethodSelection, wrapMiningAsync } from './score';

function readLabelNames(file: string): string[] {
  const value = readJsonFile(file);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new CliUsageError(
      `--labels ${file} must hold a JSON array of ID class names (strings), one per --id-emb row`,
    );
  return value as string[];
}

function readNegativeWords(file: string): DetectorNegative[] {
  const value = readJsonFile(file);
  if (!Array.isArray(value))
    throw new CliUsageError(
      `--neg-words ${file} must hold a JSON array of words or {"word","pos"?} objects, one per --neg-emb row`,
    );
  return value.map((item: unknown, i) => {
    if (typeof item === 'string') return { word: item };
    const record = item as { word?: unknown; pos?: unknown } | null;
    if (record === null || typeof record !== 'object' || typeof record.word !== 'string') {
      throw new CliUsageError(
        `--neg-words ${file}: item ${i} must be a string or an object with a string "word"; got ${JSON.stringify(item)}`,
      );
    }
    if (record.pos !== undefined && !isPartOfSpeech(record.pos))
      throw new CliUsageError(
        `--neg-words ${file}: item ${i} has pos ${JSON.stringify(record.pos)}; accepted: "noun", "adj"`,
      );
    return record.pos === undefined ? { word: record.word } : { word: record.word, pos: record.pos };
  });
}

export const exportDetectorCommand: CliCommand = {
  name: 'export-detector',
  summary: `freeze ${DETECTOR_METHOD_IDS.join(' | ')} + a calibrated threshold into DIR/detector.onnx + detector.json (+ pipeline.onnx with --model)`,
  options: [
    ...METHOD_OPTIONS.filter((o) => o.name !== 'precision' && o.name !== 'chunk-rows').map((o) =>
      o.name === 'method'
        ? {
            ...o,
            description: `static scoring method to freeze: ${DETECTOR_METHOD_IDS.join(' | ')} (stream-adaptive methods cannot be frozen)`,
          }
        : o,
    ),
    {
      name: 'calibrate-id',
      type: 'string',
      value: 'FILE',
      description: 'ID image embeddings (M × d .npy, raw) to calibrate the threshold on; or give --threshold',
    },
    {
      name: 'tpr',
      type: 'string',
      value: 'RATE',
      description: `target ID true-positive rate in (0, 1) for --calibrate-id (default ${DEFAULT_TARGET_TPR})`,
    },
    {
      name: 'threshold',
      type: 'string',
      value: 'X',
      description: 'explicit threshold: is_ood = score < X (rounded to float32); instead of --calibrate-id',
    },
    {
      name: 'labels',
      type: 'string',
      value: 'FILE',
      description: 'ID class names, a JSON array of strings in --id-emb row order (recorded; index = predicted_class)',
    },
    {
      name: 'neg-words',
      type: 'string',
      value: 'FILE',
      description: 'the negatives\' words, a JSON array of strings or {"word","pos"} in --neg-emb row order (recorded)',
    },
    {
      name: 'model',
      type: 'string',
      value: 'DIR',
      description: 'the CLIP model folder the embeddings came from: records its content hash and writes pipeline.onnx',
    },
    {
      name: 'model-hash',
      type: 'string',
      value: 'HEX',
      description: 'content hash of the model, recorded when --model is not given',
    },
    {
      name: 'code-version',
      type: 'string',
      value: 'TEXT',
      description: 'code version to record (default: package version + git commit)',
    },
    {
      name: 'out',
      type: 'string',
      value: 'DIR',
      required: true,
      description: 'folder to write detector.onnx and detector.json into (created if missing; files are replaced)',
    },
  ],
  async run(options, io) {
    const out = requiredString(options, 'out');
    const calibrationFile = stringOption(options, 'calibrate-id');
    const thresholdValue = numberOption(options, 'threshold');
    if ((calibrationFile === undefined) === (thresholdValue === undefined)) {
      throw new CliUsageError('give exactly one of --calibrate-id FILE (calibrate at --tpr) or --threshold X');
    }
    const tpr = numberOption(options, 'tpr');
    if (tpr !== undefined && calibrationFile === undefined)
      throw new CliUsageError('--tpr needs --calibrate-id (an explicit --threshold has no target TPR)');
    const modelDir = stringOption(options, 'model');
    const givenHash = stringOption(options, 'model-hash');
    if (modelDir !== undefined && givenHash !== undefined)
      throw new CliUsageError('--model records the model hash itself; give --model or --model-hash, not both');
    const selection = readMethodSelection(options);
    if (stringOption(options, 'neg-words') !== undefined && selection.method.negatives === 'unused') {
      throw new CliUsageError(`--neg-words has no meaning for ${selection.method.id}, which uses no negatives`);
    }
    const threshold: DetectorThreshold =
      calibrationFile === undefined
        ? { value: thresholdValue! }
        : {
            calibrationImages: readEmbeddingFile(calibrationFile, 'calibrate-id'),
            targetTpr: tpr ?? DEFAULT_TARGET_TPR,
          };
    const labelsFile = stringOption(options, 'labels');
    const wordsFile = stringOption(options, 'neg-words');
    let modelHash = givenHash;
    let visionBytes: Uint8Array | undefined;
    if (modelDir !== undefined) {
      const model = await loadClipModel(modelDir, { towers: 'vision' });
      modelHash = model.contentHash;
      await model.dispose();
      const files = await readModelFolder(modelDir, { towers: 'vision' });
      visionBytes = (files.visionModel ?? files.combinedModel)?.bytes;
      if (visionBytes === undefined)
        throw new CliUsageError(`--model ${modelDir} has no ONNX vision tower to compose pipeline.onnx from`);
    }
    const built = await wrapMiningAsync(() =>
      buildDetector({
        method: selection.method.id,
        idText: selection.idText,
        negText: selection.negText,
        params: selection.params,
        permutation: selection.run.permutation,
        threshold,
        labels: labelsFile === undefined ? undefined : readLabelNames(labelsFile),
        negatives: wordsFile === undefined ? undefined : readNegativeWords(wordsFile),
        modelHash,
        codeVersion: cliCodeVersion(stringOption(options, 'code-version')),
        threads: selection.run.threads,
      }),
    );
    const files: Array<[string, Uint8Array | string]> = [
      [DETECTOR_ONNX, built.onnxBytes],
      [DETECTOR_JSON, built.manifestJson],
    ];
    if (visionBytes !== undefined) {
      const pipeline = visionBytes;
      files.push([
        PIPELINE_ONNX,
        await wrapMiningAsync(() => Promise.resolve(composePipeline(pipeline, built.onnxBytes))),
      ]);
    }
    writeFilesAtomically(out, files);
    for (const warning of built.warnings) io.stderr.write(`warning [${warning.code}]: ${warning.message}\n`);
    const { manifest } = built;
    writeJson(io.stdout, {
      out,
      files: files.map(([name]) => path.join(out, name)),
      method: manifest.method,
      params: manifest.params,
      threshold: manifest.threshold,
      targetTpr: manifest.targetTpr,
      achievedTpr: manifest.achievedTpr,
      calibration: manifest.calibration,
      embeddingDim: manifest.embeddingDim,
      modelHash: manifest.modelHash,
      onnxSha256: manifest.onnxSha256,
      warnings: built.warnings,
    });
  },
};
