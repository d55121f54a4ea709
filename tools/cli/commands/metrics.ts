// `negmine metrics`: OOD-detection metrics of ID against OOD scores read from two .npy vectors;
// prints one JSON object on stdout. A thin shell over evaluate() from @negmine/metrics.
import { evaluate, MetricsError } from '@negmine/metrics';
import type { NpyArray } from '@negmine/formats';
import { CliUsageError, numberOption, requiredString, type CliCommand } from '../command';
import { readNpyFile, writeJson } from '../io';

/** A float32/float64 score vector: shape (n), or a single row or column. */
function readScoreVector(path: string, flag: string): Float32Array | Float64Array {
  const array: NpyArray = readNpyFile(path);
  if (array.dtype !== 'float32' && array.dtype !== 'float64') {
    throw new CliUsageError(`--${flag} ${path}: scores must be float32 or float64; got ${array.dtype}`);
  }
  const { shape } = array;
  const isVector = shape.length === 1 || (shape.length === 2 && (shape[0] === 1 || shape[1] === 1));
  if (!isVector) {
    throw new CliUsageError(
      `--${flag} ${path}: scores must be a 1-D vector (or one row / column); got shape [${shape.join(', ')}]`,
    );
  }
  return array.data as Float32Array | Float64Array;
}

export const metricsCommand: CliCommand = {
  name: 'metrics',
  summary: 'FPR at TPR (ID and OpenOOD conventions), AUROC and AUPR of ID vs OOD scores (.npy)',
  options: [
    {
      name: 'id',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'ID scores: float32/float64 .npy vector, higher = more in-distribution',
    },
    {
      name: 'ood',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'OOD scores: .npy vector of the same dtype as --id',
    },
    {
      name: 'recall',
      type: 'string',
      value: 'LEVEL',
      default: '0.95',
      description: 'recall level of both FPR metrics, in (0, 1]',
    },
  ],
  async run(options, io) {
    const idPath = requiredString(options, 'id');
    const oodPath = requiredString(options, 'ood');
    const recall = numberOption(options, 'recall');
    const idScores = readScoreVector(idPath, 'id');
    const oodScores = readScoreVector(oodPath, 'ood');
    if (idScores.constructor !== oodScores.constructor) {
      throw new CliUsageError(
        `--id ${idPath} is ${idScores instanceof Float32Array ? 'float32' : 'float64'} but --ood ${oodPath} is ${oodScores instanceof Float32Array ? 'float32' : 'float64'}; save both with the same dtype`,
      );
    }
    let result;
    try {
      result = evaluate({ idScores, oodScores }, { recall });
    } catch (error) {
      // Name the file the bad score came from; keep the library's code in the message.
      if (error instanceof MetricsError) {
        const set = error.details['set'];
        const where = set === 'id' ? `--id ${idPath}: ` : set === 'ood' ? `--ood ${oodPath}: ` : '';
        throw new CliUsageError(`${where}[${error.code}] ${error.message}`);
      }
      throw error;
    }
    writeJson(io.stdout, {
      fprAtTprId: result.fprAtTprId,
      fprAtTprOod: result.fprAtTprOod,
      auroc: result.auroc,
      auprIn: result.auprIn,
      auprOut: result.auprOut,
      nId: result.nId,
      nOod: result.nOod,
      thresholdAtTprId: result.thresholdAtTprId,
    });
  },
};
