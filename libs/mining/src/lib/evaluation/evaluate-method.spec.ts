// The evaluation protocol on synthetic embeddings (no fixtures): static methods ignore the stream
// order, stream methods restart per OOD set and follow the given or seeded order, the mean row, and
// typed errors for bad requests.
import { syntheticTextEmbeddings } from '../../testing';
import { MiningErrorCode } from '../errors';
import type { EmbeddingMatrix } from '../scoring/ood-score-method';
import { scoringMethod } from '../scoring/registry';
import { evaluateMethod, MEAN_METRIC_NAMES, type EvaluateMethodRequest } from './evaluate-method';
import { seededPermutation, streamOrderSha256 } from './stream-order';

const d = 16;
const idText = syntheticTextEmbeddings(4, d, 1);
const negText = syntheticTextEmbeddings(12, d, 2);
const corpus = syntheticTextEmbeddings(40, d, 3);
const noise = syntheticTextEmbeddings(15, d, 4);

/** Images near the ID labels (ID) or near random directions (OOD). */
function images(rows: number, seed: number, near: EmbeddingMatrix | undefined): EmbeddingMatrix {
  const base = syntheticTextEmbeddings(rows, d, seed);
  if (near === undefined) return base;
  const data = Float32Array.from(base.data);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < d; c++) data[r * d + c] = 0.3 * data[r * d + c]! + 2 * near.data[(r % near.rows) * d + c]!;
  return { data, rows, cols: d };
}

function reversedRows(matrix: EmbeddingMatrix): EmbeddingMatrix {
  const data = new Float32Array(matrix.data.length);
  for (let r = 0; r < matrix.rows; r++) data.set(matrix.data.subarray(r * d, (r + 1) * d), (matrix.rows - 1 - r) * d);
  return { data, rows: matrix.rows, cols: d };
}

const idImages = images(30, 10, idText);
const oodA = images(20, 11, undefined);
const oodB = images(25, 12, undefined);
const base: EvaluateMethodRequest = {
  method: 'neglabel',
  params: { groups: 3 },
  idText,
  negText,
  idImages,
  oodSets: [
    { name: 'a', images: oodA },
    { name: 'b', images: oodB },
  ],
};

describe('evaluateMethod', () => {
  it.each(['mcm', 'neglabel', 'debiased'])(
    'static method %s: per-image scores do not depend on the order of the images',
    async (method) => {
      const params = method === 'mcm' ? {} : { groups: 3 };
      const result = await scoringMethod(method).score(oodB, idText, negText, params);
      const reversed = await scoringMethod(method).score(reversedRows(oodB), idText, negText, params);
      expect(Array.from(reversed.scores).reverse()).toEqual(Array.from(result.scores));
      const evaluation = await evaluateMethod({ ...base, method, params });
      expect(evaluation.protocol).toBe('static');
      expect(evaluation.seed).toBeNull();
      expect(Array.from(evaluation.sets[1]!.oodScores)).toEqual(Array.from(result.scores));
    },
  );

  it('scores the ID set once for static methods and computes the mean row over the sets', async () => {
    const evaluation = await evaluateMethod(base);
    expect(evaluation.sets.map((s) => s.name)).toEqual(['a', 'b']);
    expect(evaluation.sets[0]!.idScores).toBe(evaluation.sets[1]!.idScores);
    for (const metric of MEAN_METRIC_NAMES) {
      expect(evaluation.mean[metric]).toBeCloseTo(
        (evaluation.sets[0]!.metrics[metric] + evaluation.sets[1]!.metrics[metric]) / 2,
        15,
      );
    }
    expect(evaluation.sets[0]!.metrics).toMatchObject({ nId: 30, nOod: 20 });
    expect(
      JSON.parse(
        JSON.stringify({ warnings: evaluation.sets[0]!.warnings, diagnostics: evaluation.sets[0]!.diagnostics }),
      ),
    ).toEqual({ warnings: [], diagnostics: {} });
  });

  it('runs stream methods on concat(OOD, ID) in the seeded order (set i from seed + i), resetting per set', async () => {
    const request: EvaluateMethodRequest = {
      ...base,
      method: 'adaneg',
      params: { groups: 3 },
      stream: { seed: 5, batchSize: 7 },
    };
    const evaluation = await evaluateMethod(request);
    expect(evaluation).toMatchObject({ protocol: 'stream', seed: 5, batchSize: 7 });
    expect(evaluation.params['batchSize']).toBe(7);
    const [a, b] = evaluation.sets;
    expect(a!.stream!.record).toEqual({
      seed: 5,
      given: false,
      length: 50,
      sha256: streamOrderSha256(seededPermutation(50, 5)),
    });
    expect(b!.stream!.record.seed).toBe(6);
    // The same stream scored directly gives the same scores: the protocol is concat(OOD, ID) in order.
    const order = seededPermutation(50, 5);
    const rows = new Float32Array(50 * d);
    order.forEach((row, p) =>
      rows.set(
        row < 20 ? oodA.data.subarray(row * d, (row + 1) * d) : idImages.data.subarray((row - 20) * d, (row - 19) * d),
        p * d,
      ),
    );
    const direct = await scoringMethod('adaneg').score({ data: rows, rows: 50, cols: d }, idText, negText, {
      groups: 3,
      batchSize: 7,
    });
    expect(Array.from(a!.stream!.scores)).toEqual(Array.from(direct.scores));
    order.forEach((row, p) => expect(row < 20 ? a!.oodScores[row] : a!.idScores[row - 20]).toBe(direct.scores[p]));
    // Reset per set: evaluating set b alone with its order gives the same as after set a.
    const alone = await evaluateMethod({
      ...request,
      oodSets: [{ name: 'b', images: oodB }],
      stream: { orders: { b: b!.stream!.order }, batchSize: 7 },
    });
    expect(Array.from(alone.sets[0]!.stream!.scores)).toEqual(Array.from(b!.stream!.scores));
    expect(alone.sets[0]!.stream!.record).toMatchObject({ given: true, seed: null, sha256: b!.stream!.record.sha256 });
    // Reproducible.
    expect(Array.from((await evaluateMethod(request)).sets[1]!.idScores)).toEqual(Array.from(b!.idScores));
  });

  it('tanl: draws the queue-initialisation orders from the seed, records them, and needs its inputs', async () => {
    const request: EvaluateMethodRequest = {
      method: 'tanl',
      params: { negatives: 10, memoryLength: 5 },
      idText,
      idImages,
      oodSets: [{ name: 'a', images: oodA }],
      stream: { seed: 2, batchSize: 16 },
      inputs: { corpusText: corpus, noiseImages: noise },
    };
    const evaluation = await evaluateMethod(request);
    expect(evaluation.inputs).toMatchObject({
      corpusRows: 40,
      noiseImages: 15,
      positiveInitOrder: { given: false, seed: 1_000_002, length: 4 },
      noiseInitOrder: { given: false, seed: 2_000_002, length: 15 },
    });
    expect((evaluation.sets[0]!.diagnostics['thresholds'] as number[]).length).toBe(4);
    expect(JSON.parse(JSON.stringify(evaluation.sets[0]!.diagnostics))).toEqual(evaluation.sets[0]!.diagnostics);
    const given = await evaluateMethod({
      ...request,
      inputs: {
        ...request.inputs,
        positiveInitOrder: seededPermutation(4, 1_000_002),
        noiseInitOrder: seededPermutation(15, 2_000_002),
      },
    });
    expect(Array.from(given.sets[0]!.stream!.scores)).toEqual(Array.from(evaluation.sets[0]!.stream!.scores));
    await expect(evaluateMethod({ ...request, inputs: { noiseImages: noise } })).rejects.toMatchObject({
      code: MiningErrorCode.MissingInput,
      details: { input: 'corpusText' },
    });
    await expect(evaluateMethod({ ...request, inputs: { corpusText: corpus } })).rejects.toMatchObject({
      code: MiningErrorCode.MissingInput,
      details: { input: 'noiseImages' },
    });
    await expect(evaluateMethod({ ...request, params: { negatives: 41 } })).rejects.toMatchObject({
      code: MiningErrorCode.InvalidParameter,
    });
  });

  it.each([
    ['no OOD set', { oodSets: [] }, MiningErrorCode.InvalidInput],
    [
      'duplicate names',
      {
        oodSets: [
          { name: 'a', images: oodA },
          { name: 'a', images: oodB },
        ],
      },
      MiningErrorCode.InvalidInput,
    ],
    ["the name 'mean'", { oodSets: [{ name: 'mean', images: oodA }] }, MiningErrorCode.InvalidInput],
    [
      'a width mismatch',
      { oodSets: [{ name: 'a', images: syntheticTextEmbeddings(3, 8, 1) }] },
      MiningErrorCode.ShapeMismatch,
    ],
    ['a bad recall', { recall: 1.5 }, MiningErrorCode.InvalidParameter],
    ['an unknown method', { method: 'nope' }, MiningErrorCode.UnknownMethod],
  ] as const)('rejects %s', async (_what, change, code) => {
    await expect(evaluateMethod({ ...base, ...(change as Partial<EvaluateMethodRequest>) })).rejects.toMatchObject({
      code,
    });
  });

  it('rejects bad stream options of stream methods', async () => {
    const request: EvaluateMethodRequest = { ...base, method: 'adaneg' };
    await expect(evaluateMethod({ ...request, stream: { orders: { zz: [0] } } })).rejects.toMatchObject({
      code: MiningErrorCode.InvalidInput,
    });
    await expect(evaluateMethod({ ...request, stream: { orders: { a: [0, 1, 2] } } })).rejects.toMatchObject({
      code: MiningErrorCode.InvalidInput,
    });
    await expect(evaluateMethod({ ...request, stream: { seed: -1 } })).rejects.toMatchObject({
      code: MiningErrorCode.InvalidParameter,
    });
    await expect(
      evaluateMethod({ ...request, params: { groups: 3, batchSize: 8 }, stream: { batchSize: 16 } }),
    ).rejects.toMatchObject({ code: MiningErrorCode.InvalidParameter });
  });
});
