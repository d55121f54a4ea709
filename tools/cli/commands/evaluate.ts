// `negmine evaluate`: scores ID and OOD image embeddings with one method and prints a JSON table of
// every metric per OOD set and their mean. Ties scoring (@negmine/mining) to metrics (@negmine/metrics).
import { evaluate, MetricsError, type OodMetrics } from '@negmine/metrics';
import type { EmbeddingMatrix, ScoreResult } from '@negmine/mining';
import { CliUsageError, numberOption, requiredString, type CliCommand, type CommandIo } from '../command';
import { writeJson } from '../io';
import { METHOD_OPTIONS, readEmbeddingFile, readMethodSelection, wrapMiningAsync, type MethodSelection } from './score';

const METRIC_NAMES = ['fprAtTprId', 'fprAtTprOod', 'auroc', 'auprIn', 'auprOut'] as const;
/** The metrics of one OOD set, and how many of the images compared (ID and OOD) a numerical guard changed. */
type MetricRow = Record<(typeof METRIC_NAMES)[number], number> & { thresholdAtTprId: number; nId: number; nOod: number; guardHits: number };

function parseOodSets(raw: unknown): Array<{ name: string; file: string }> {
  const entries = Array.isArray(raw) ? (raw as string[]) : [];
  if (entries.length === 0) throw new CliUsageError('give at least one --images-ood NAME=FILE');
  const sets = entries.map((entry) => {
    const match = /^([^=]+)=(.+)$/.exec(entry);
    if (match === null) throw new CliUsageError(`--images-ood takes NAME=FILE; got '${entry}'`);
    return { name: match[1]!, file: match[2]! };
  });
  const names = sets.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined || names.includes('mean')) throw new CliUsageError(`--images-ood names must be unique and not 'mean'; got ${names.join(', ')}`);
  return sets;
}

/** ID rows then OOD rows, in float32 when both are (a float64 copy doubled the memory of the stream). */
function concatRows(a: EmbeddingMatrix, b: EmbeddingMatrix): EmbeddingMatrix {
  const length = a.data.length + b.data.length;
  const data = a.data instanceof Float32Array && b.data instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
  data.set(a.data, 0);
  data.set(b.data, a.data.length);
  return { data, rows: a.rows + b.rows, cols: a.cols };
}

/** Scores `images` (named `what` in warnings); warnings go to stderr as `negmine score` prints them. */
async function scoreAll(selection: MethodSelection, images: EmbeddingMatrix, what: string, io: CommandIo): Promise<ScoreResult> {
  const result = await wrapMiningAsync(() => selection.method.score(images, selection.idText, selection.negText, selection.params, selection.run));
  for (const warning of result.warnings) io.stderr.write(`warning [${warning.code}] (${what}): ${warning.message}\n`);
  return result;
}

function checkSameWidth(oodImages: EmbeddingMatrix, idImages: EmbeddingMatrix, name: string): void {
  if (oodImages.cols !== idImages.cols) {
    throw new CliUsageError(`--images-ood ${name} has dimension ${oodImages.cols} but --images-id has ${idImages.cols}; both must come from the same image encoder`);
  }
}

function metricRow(metrics: OodMetrics, guardHits: number): MetricRow {
  return {
    fprAtTprId: metrics.fprAtTprId,
    fprAtTprOod: metrics.fprAtTprOod,
    auroc: metrics.auroc,
    auprIn: metrics.auprIn,
    auprOut: metrics.auprOut,
    thresholdAtTprId: metrics.thresholdAtTprId,
    nId: metrics.nId,
    nOod: metrics.nOod,
    guardHits,
  };
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'score ID and OOD image embeddings with one method and print every metric per OOD set and their mean (JSON)',
  options: [
    { name: 'images-id', type: 'string', value: 'FILE', required: true, description: 'ID image embeddings, M × d .npy (raw)' },
    {
      name: 'images-ood',
      type: 'string',
      value: 'NAME=FILE',
      multiple: true,
      required: true,
      description: 'an OOD set: name and M × d .npy; stream-adaptive methods (adaneg) see the ID images, then this set',
    },
    ...METHOD_OPTIONS,
    { name: 'recall', type: 'string', value: 'LEVEL', default: '0.95', description: 'recall level of both FPR metrics, in (0, 1]' },
  ],
  async run(options, io) {
    const oodSets = parseOodSets(options['images-ood']);
    const recall = numberOption(options, 'recall');
    const selection = readMethodSelection(options);
    const idImages = readEmbeddingFile(requiredString(options, 'images-id'), 'images-id');
    // A method that adapts to its stream restarts for every ID + OOD pair (as AdaNeg's protocol
    // does); the others score the ID images once.
    const idOnce = selection.method.adaptsToStream ? undefined : await scoreAll(selection, idImages, 'images-id', io);
    const table: Record<string, MetricRow> = {};
    for (const set of oodSets) {
      const oodImages = readEmbeddingFile(set.file, `images-ood ${set.name}`);
      checkSameWidth(oodImages, idImages, set.name);
      let idScores: Float64Array;
      let oodScores: Float64Array;
      let guardHits: number;
      if (idOnce !== undefined) {
        const ood = await scoreAll(selection, oodImages, set.name, io);
        idScores = idOnce.scores;
        oodScores = ood.scores;
        guardHits = idOnce.guardHits + ood.guardHits;
      } else {
        const both = await scoreAll(selection, concatRows(idImages, oodImages), `images-id + ${set.name}`, io);
        idScores = both.scores.subarray(0, idImages.rows);
        oodScores = both.scores.subarray(idImages.rows);
        guardHits = both.guardHits;
      }
      try {
        table[set.name] = metricRow(evaluate({ idScores, oodScores }, { recall }), guardHits);
      } catch (error) {
        if (error instanceof MetricsError) throw new CliUsageError(`${set.name}: [${error.code}] ${error.message}`);
        throw error;
      }
    }
    const rows = Object.values(table);
    const mean = Object.fromEntries(METRIC_NAMES.map((m) => [m, rows.reduce((s, r) => s + r[m], 0) / rows.length]));
    writeJson(io.stdout, {
      method: selection.method.id,
      params: selection.method.resolveParams(selection.params),
      precision: selection.run.precision,
      recall: recall ?? 0.95,
      sets: table,
      mean,
    });
  },
};
