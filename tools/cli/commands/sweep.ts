// `negmine sweep`: a validated hyperparameter sweep on .npy files. Every grid point is evaluated on
// the validation sets (the same protocol as `negmine evaluate`), the best point by the objective
// is chosen, then evaluated once on the test sets. Prints one JSON document.
import { runSweep, SWEEP_OBJECTIVES, type ParameterValue, type SweepObjective, type SweepSets } from '@negmine/mining';
import { CliUsageError, requiredString, stringOption, type CliCommand, type ParsedOptions } from '../command';
import { writeJson } from '../io';
import { integerFlag, parseNamedFiles } from './evaluate';
import {
  METHOD_OPTIONS,
  readEmbeddingFile,
  readMethodInputs,
  readMethodSelection,
  TANL_INPUT_OPTIONS,
  wrapMiningAsync,
} from './score';

function parseGrid(raw: unknown): Record<string, ParameterValue[]> | undefined {
  const entries = Array.isArray(raw) ? (raw as string[]) : [];
  if (entries.length === 0) return undefined;
  const grid: Record<string, ParameterValue[]> = {};
  for (const entry of entries) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(entry);
    if (match === null) throw new CliUsageError(`--grid takes NAME=V1,V2,...; got '${entry}'`);
    if (grid[match[1]!] !== undefined) throw new CliUsageError(`--grid ${match[1]} is given twice`);
    grid[match[1]!] = match[2]!.split(',').map((value) => {
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) ? n : value.trim();
    });
  }
  return grid;
}

function readSets(options: ParsedOptions, prefix: 'val' | 'test'): Pick<SweepSets, 'idImages' | 'oodSets'> {
  const idImages = readEmbeddingFile(requiredString(options, `${prefix}-id`), `${prefix}-id`);
  const oodSets = parseNamedFiles(options[`${prefix}-ood`], `${prefix}-ood`, true).map((set) => {
    const images = readEmbeddingFile(set.file, `${prefix}-ood ${set.name}`);
    if (images.cols !== idImages.cols)
      throw new CliUsageError(
        `--${prefix}-ood ${set.name} has dimension ${images.cols} but --${prefix}-id has ${idImages.cols}`,
      );
    return { name: set.name, images };
  });
  return { idImages, oodSets };
}

export const sweepCommand: CliCommand = {
  name: 'sweep',
  summary:
    "choose a method's hyperparameters on validation sets (grid, objective), then evaluate the choice once on test sets (JSON)",
  options: [
    {
      name: 'val-id',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'validation ID image embeddings (.npy)',
    },
    {
      name: 'val-ood',
      type: 'string',
      value: 'NAME=FILE',
      multiple: true,
      required: true,
      description: 'a validation OOD set',
    },
    {
      name: 'test-id',
      type: 'string',
      value: 'FILE',
      description: 'test ID image embeddings (.npy); with --test-ood, the chosen point is evaluated on them',
    },
    { name: 'test-ood', type: 'string', value: 'NAME=FILE', multiple: true, description: 'a test OOD set' },
    {
      name: 'objective',
      type: 'string',
      value: SWEEP_OBJECTIVES.join('|'),
      default: 'auroc',
      description: 'mean over the validation OOD sets to optimise (AUROC up, FPR down)',
    },
    {
      name: 'grid',
      type: 'string',
      value: 'NAME=V1,V2',
      multiple: true,
      description: "values of one parameter (default: the method's declared sweep lists)",
    },
    {
      name: 'max-points',
      type: 'string',
      value: 'N',
      description: 'cap on the grid size (default 256; a larger grid is a GRID_TOO_LARGE error)',
    },
    ...METHOD_OPTIONS,
    {
      name: 'recall',
      type: 'string',
      value: 'LEVEL',
      default: '0.95',
      description: 'recall level of both FPR metrics, in (0, 1]',
    },
    {
      name: 'stream-seed',
      type: 'string',
      value: 'S',
      description: 'stream methods: seed of the stream orders (OOD set i uses S + i); default 0',
    },
    { name: 'batch-size', type: 'string', value: 'B', description: 'stream methods: images per batch (default 256)' },
    ...TANL_INPUT_OPTIONS,
  ],
  async run(options, io) {
    const objective = stringOption(options, 'objective') ?? 'auroc';
    if (!(SWEEP_OBJECTIVES as readonly string[]).includes(objective))
      throw new CliUsageError(`--objective must be one of ${SWEEP_OBJECTIVES.join(', ')}; got '${objective}'`);
    const grid = parseGrid(options['grid']);
    const maxPoints = integerFlag(options, 'max-points');
    const hasTest = options['test-id'] !== undefined || options['test-ood'] !== undefined;
    const selection = readMethodSelection(options);
    const stream = selection.method.adaptsToStream
      ? { seed: integerFlag(options, 'stream-seed'), batchSize: integerFlag(options, 'batch-size') }
      : undefined;
    const shared = {
      options: selection.run,
      idText: selection.idText,
      negText: selection.negText,
      recall: Number(stringOption(options, 'recall') ?? '0.95'),
      stream,
      inputs: selection.method.extraInputs.length > 0 ? readMethodInputs(options) : undefined,
    };
    const validation: SweepSets = { ...shared, ...readSets(options, 'val') };
    const test: SweepSets | undefined = hasTest ? { ...shared, ...readSets(options, 'test') } : undefined;
    const result = await wrapMiningAsync(() =>
      runSweep(
        {
          method: selection.method.id,
          grid,
          baseParams: selection.params,
          objective: objective as SweepObjective,
          validation,
          test,
          maxPoints,
        },
        (child, index, total) => {
          io.stderr.write(
            `sweep ${index + 1}/${total}: ${JSON.stringify(child.params)} ${objective} = ${child.objectiveValue}\n`,
          );
        },
      ),
    );
    writeJson(io.stdout, {
      method: result.method,
      objective: result.objective,
      grid: result.grid,
      children: result.children,
      bestIndex: result.bestIndex,
      bestParams: result.bestParams,
      test:
        result.test === undefined
          ? undefined
          : {
              params: result.test.params,
              seed: result.test.seed,
              sets: Object.fromEntries(result.test.sets.map((s) => [s.name, s.metrics])),
              mean: result.test.mean,
            },
    });
  },
};
