// `negmine make-test-model`: writes the deterministic tiny CLIP model folder (HF ONNX layout, own BPE
// vocabulary) used by tests and the demo. A thin shell over writeTinyClipModel.
import { writeTinyClipModel } from '@negmine/encoders/testing';
import { CliUsageError, numberOption, requiredString, stringOption, type CliCommand } from '../command';
import { writeJson } from '../io';

export const makeTestModelCommand: CliCommand = {
  name: 'make-test-model',
  summary: 'write a tiny, seeded, CLIP-compatible ONNX model folder (for tests and demos; not a trained model)',
  options: [
    {
      name: 'out',
      type: 'string',
      value: 'DIR',
      required: true,
      description: 'folder to write (created if missing; files are overwritten)',
    },
    { name: 'seed', type: 'string', value: 'N', default: '0', description: 'weight seed, an integer in [0, 2^31)' },
    { name: 'dim', type: 'string', value: 'N', default: '32', description: 'embedding width of both towers' },
    {
      name: 'layout',
      type: 'string',
      value: 'separate|combined',
      default: 'separate',
      description: 'onnx/text_model.onnx + vision_model.onnx, or one onnx/model.onnx',
    },
  ],
  run(options, io) {
    const layout = stringOption(options, 'layout') ?? 'separate';
    if (layout !== 'separate' && layout !== 'combined')
      throw new CliUsageError(`--layout must be 'separate' or 'combined'; got '${layout}'`);
    const info = writeTinyClipModel(requiredString(options, 'out'), {
      seed: numberOption(options, 'seed') ?? 0,
      dim: numberOption(options, 'dim') ?? 32,
      layout,
    });
    writeJson(io.stdout, info);
    return Promise.resolve();
  },
};
