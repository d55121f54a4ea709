// `negmine evaluate`: scores ID and OOD image embeddings with one method through the evaluation
// protocol of @negmine/mining (`evaluateMethod`: the same one the API runs) and prints a JSON table
// of every metric per OOD set and their mean. Stream-adaptive methods (adaneg, tanl) see, per OOD
// set, concat(OOD, ID) in a given or seeded stream order, in batches, with their state reset.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { evaluateMethod, type MethodEvaluation, type ScoringWarning, type SetEvaluation } from '@negmine/mining';
import {
  CliUsageError,
  numberOption,
  requiredString,
  stringOption,
  type CliCommand,
  type CommandIo,
  type ParsedOptions,
} from '../command';
import { checkOutputFile, writeJson, writeNpyFile } from '../io';
import {
  METHOD_OPTIONS,
  readEmbeddingFile,
  readIndexFile,
  readMethodInputs,
  readMethodSelection,
  TANL_INPUT_OPTIONS,
  wrapMiningAsync,
} from './score';

/** NAME=FILE pairs of a repeatable flag; names unique and not 'mean'. */
export function parseNamedFiles(raw: unknown, flag: string, required: boolean): Array<{ name: string; file: string }> {
  const entries = Array.isArray(raw) ? (raw as string[]) : [];
  if (entries.length === 0 && required) throw new CliUsageError(`give at least one --${flag} NAME=FILE`);
  const pairs = entries.map((entry) => {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    if (match === null) throw new CliUsageError(`--${flag} takes NAME=FILE; got '${entry}'`);
    return { name: match[1]!, file: match[2]! };
  });
  const names = pairs.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined || names.includes('mean'))
    throw new CliUsageError(`--${flag} names must be unique and not 'mean'; got ${names.join(', ')}`);
  return pairs;
}

export function integerFlag(options: ParsedOptions, name: string): number | undefined {
  const value = numberOption(options, name);
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0))
    throw new CliUsageError(`--${name} must be a non-negative integer; got ${value}`);
  return value;
}

/** Where a warning came from, as `negmine score` users know the inputs. */
function warningSource(warning: ScoringWarning, set: SetEvaluation): string {
  const part = warning.details['part'];
  if (part === 'id') return 'images-id';
  if (part === 'stream') return `${set.name} + images-id stream`;
  return set.name;
}

function printWarnings(evaluation: MethodEvaluation, io: CommandIo): void {
  const seen = new Set<string>();
  for (const set of evaluation.sets) {
    for (const warning of set.warnings) {
      const line = `warning [${warning.code}] (${warningSource(warning, set)}): ${warning.message}\n`;
      // A static method's ID warnings repeat in every set; print them once.
      if (!seen.has(line)) io.stderr.write(line);
      seen.add(line);
    }
  }
}

/** DIR/<ood name>.npy: float64 scores in stream order (static methods: ID rows then OOD rows). */
function writeScores(dir: string, evaluation: MethodEvaluation): void {
  for (const set of evaluation.sets) {
    const scores = set.stream?.scores ?? Float64Array.from([...set.idScores, ...set.oodScores]);
    writeNpyFile(path.join(dir, `${set.name}.npy`), scores, [scores.length], 'float64');
  }
}

function tableRow(set: SetEvaluation): Record<string, unknown> {
  return {
    ...set.metrics,
    guardHits: set.guardHits,
    diagnostics: set.diagnostics,
    streamOrder: set.stream?.record,
  };
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary:
    'score ID and OOD image embeddings with one method (the official stream protocol for adaneg/tanl) and print every metric per OOD set and their mean (JSON)',
  options: [
    {
      name: 'images-id',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'ID image embeddings, M × d .npy (raw)',
    },
    {
      name: 'images-ood',
      type: 'string',
      value: 'NAME=FILE',
      multiple: true,
      required: true,
      description:
        'an OOD set: name and M × d .npy; stream methods see concat(this set, ID images) in the stream order',
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
      name: 'stream-order',
      type: 'string',
      value: 'NAME=FILE',
      multiple: true,
      description:
        'stream methods: the order of OOD set NAME, an int64 .npy permutation of its n_ood + n_id rows (OOD rows first); sets without one are drawn from --stream-seed',
    },
    {
      name: 'stream-seed',
      type: 'string',
      value: 'S',
      description:
        'stream methods: seed of the drawn orders (OOD set i uses S + i, SplitMix64 + Fisher–Yates); default 0',
    },
    { name: 'batch-size', type: 'string', value: 'B', description: 'stream methods: images per batch (default 256)' },
    ...TANL_INPUT_OPTIONS,
    {
      name: 'scores-out',
      type: 'string',
      value: 'DIR',
      description: 'write DIR/<ood name>.npy: float64 scores in stream order (static methods: ID rows then OOD rows)',
    },
  ],
  async run(options, io) {
    const oodFiles = parseNamedFiles(options['images-ood'], 'images-ood', true);
    const orderFiles = parseNamedFiles(options['stream-order'], 'stream-order', false);
    for (const order of orderFiles) {
      if (!oodFiles.some((set) => set.name === order.name))
        throw new CliUsageError(
          `--stream-order ${order.name}: no --images-ood set has that name (sets: ${oodFiles.map((s) => s.name).join(', ')})`,
        );
    }
    const recall = numberOption(options, 'recall');
    const seed = integerFlag(options, 'stream-seed');
    const batchSize = integerFlag(options, 'batch-size');
    if (batchSize === 0) throw new CliUsageError('--batch-size must be a positive integer; got 0');
    const scoresOut = stringOption(options, 'scores-out');
    if (scoresOut !== undefined) {
      mkdirSync(scoresOut, { recursive: true });
      checkOutputFile(path.join(scoresOut, 'scores.npy'), 'scores-out');
    }
    const selection = readMethodSelection(options);
    if (!selection.method.adaptsToStream) {
      for (const flag of ['stream-order', 'stream-seed', 'batch-size']) {
        if (options[flag] !== undefined)
          throw new CliUsageError(
            `--${flag} applies to stream-adaptive methods only; ${selection.method.id} scores every image on its own`,
          );
      }
    }
    const idImages = readEmbeddingFile(requiredString(options, 'images-id'), 'images-id');
    const oodSets = oodFiles.map((set) => {
      const images = readEmbeddingFile(set.file, `images-ood ${set.name}`);
      if (images.cols !== idImages.cols) {
        throw new CliUsageError(
          `--images-ood ${set.name} has dimension ${images.cols} but --images-id has ${idImages.cols}; both must come from the same image encoder`,
        );
      }
      return { name: set.name, images };
    });
    const orders = Object.fromEntries(
      orderFiles.map((order) => [order.name, readIndexFile(order.file, `stream-order ${order.name}`)]),
    );
    const evaluation = await wrapMiningAsync(() =>
      evaluateMethod({
        method: selection.method.id,
        params: selection.params,
        options: selection.run,
        idText: selection.idText,
        negText: selection.negText,
        idImages,
        oodSets,
        recall,
        stream: selection.method.adaptsToStream ? { orders, seed, batchSize } : undefined,
        inputs: selection.method.extraInputs.length > 0 ? readMethodInputs(options) : undefined,
      }),
    );
    printWarnings(evaluation, io);
    if (scoresOut !== undefined) writeScores(scoresOut, evaluation);
    writeJson(io.stdout, {
      method: evaluation.method,
      params: evaluation.params,
      precision: evaluation.precision,
      recall: evaluation.recall,
      protocol: evaluation.protocol,
      seed: evaluation.seed,
      batchSize: evaluation.batchSize,
      grouping: evaluation.grouping,
      inputs: evaluation.inputs,
      sets: Object.fromEntries(evaluation.sets.map((set) => [set.name, tableRow(set)])),
      mean: evaluation.mean,
    });
  },
};
