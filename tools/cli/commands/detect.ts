// `negmine detect`: runs an exported detector folder's detector.onnx through onnxruntime (not the
// library's scoring code) on image embeddings: per image score, is_ood and the predicted label, as
// JSON on stdout or as .npy files with --out.
import { DetectorRunner } from '@negmine/mining';
import { numberOption, positiveIntegerOption, requiredString, stringOption, type CliCommand } from '../command';
import { checkOutputFile, writeJson, writeNpyFile } from '../io';
import { readDetectorFolder } from './detector-files';
import { readEmbeddingFile, wrapMiningAsync } from './score';

/** `scores.npy` → `scores.<suffix>.npy`. */
export function companionPath(out: string, suffix: string): string {
  return `${out.replace(/\.npy$/i, '')}.${suffix}.npy`;
}

export const detectCommand: CliCommand = {
  name: 'detect',
  summary:
    'run an exported detector (detector.onnx via onnxruntime) on image embeddings: score, is_ood, predicted label',
  options: [
    {
      name: 'detector',
      type: 'string',
      value: 'DIR',
      required: true,
      description: 'a folder from negmine export-detector (detector.onnx + detector.json)',
    },
    {
      name: 'images',
      type: 'string',
      value: 'FILE',
      required: true,
      description: "image embeddings, M × d float32/float64 .npy (raw), d = the detector's embeddingDim",
    },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      description:
        'write float32 scores (M) here, plus <out>.is_ood.npy (bool) and <out>.predicted_class.npy (int64); stdout then gets a summary instead of per-image rows',
    },
    {
      name: 'threads',
      type: 'string',
      value: 'N',
      description: 'onnxruntime intra-op threads (default 0 = one per core)',
    },
    { name: 'chunk-rows', type: 'string', value: 'ROWS', description: 'embeddings per onnxruntime call (default 256)' },
  ],
  async run(options, io) {
    const out = stringOption(options, 'out');
    if (out !== undefined) checkOutputFile(out, 'out');
    const folder = requiredString(options, 'detector');
    const { onnxBytes, manifest } = readDetectorFolder(folder);
    const images = readEmbeddingFile(requiredString(options, 'images'), 'images');
    const threads = numberOption(options, 'threads');
    const runner = await wrapMiningAsync(() =>
      DetectorRunner.load(onnxBytes, { threads, chunkRows: positiveIntegerOption(options, 'chunk-rows') }),
    );
    let result;
    try {
      result = await wrapMiningAsync(() => runner.detect(images));
    } finally {
      await runner.dispose();
    }
    const names = manifest.labels.names;
    const flagged = result.isOod.reduce((sum, f) => sum + f, 0);
    const summary = {
      detector: folder,
      method: manifest.method,
      threshold: manifest.threshold,
      images: images.rows,
      flaggedOod: flagged,
    };
    if (out !== undefined) {
      const isOodOut = companionPath(out, 'is_ood');
      const classOut = companionPath(out, 'predicted_class');
      writeNpyFile(out, result.scores, [images.rows], 'float32');
      writeNpyFile(isOodOut, result.isOod, [images.rows], 'bool');
      writeNpyFile(
        classOut,
        BigInt64Array.from(result.predictedClass, (c) => BigInt(c)),
        [images.rows],
        'int64',
      );
      writeJson(io.stdout, { ...summary, out, isOodOut, predictedClassOut: classOut });
      return;
    }
    writeJson(io.stdout, {
      ...summary,
      results: Array.from(result.scores, (score, index) => ({
        index,
        score,
        isOod: result.isOod[index] === 1,
        predictedClass: result.predictedClass[index]!,
        predictedLabel: names === null ? null : names[result.predictedClass[index]!]!,
        predictedProbability: result.predictedProbability[index]!,
      })),
    });
  },
};
