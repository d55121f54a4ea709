// knn-density on synthetic embeddings: agreement with a brute-force float64 reference (both
// distances, both precisions, any block size), the keep rule, and typed errors for bad input.
import { MiningError, MiningErrorCode } from '../errors';
import { syntheticTextEmbeddings } from '../../testing';
import type { PartOfSpeech } from '../corpus/part-of-speech';
import type { EmbeddingMatrix } from './embedding-matrix';
import { knnDensitySelection, type KnnDensityParams } from './knn-density.selection';
import { knnLogDensity } from './knn-log-density';
import { referenceKnnLogDensity } from './selection-reference.testing';

const matrix = syntheticTextEmbeddings(300, 24, 11);
const partsOfSpeech: PartOfSpeech[] = Array.from({ length: 300 }, (_, i) => (i % 4 === 3 ? 'adj' : 'noun'));

async function errorOf(
  input: { candidateEmbeddings: EmbeddingMatrix; partsOfSpeech: readonly PartOfSpeech[] },
  params: Partial<KnnDensityParams> = {},
): Promise<MiningError> {
  try {
    await knnDensitySelection.select(input, params);
  } catch (error) {
    if (error instanceof MiningError) return error;
    throw error;
  }
  throw new Error('expected a MiningError');
}

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('knnLogDensity', () => {
  it.each(['official', 'cosine'] as const)(
    'matches the brute-force reference with distance %s in float64 and float32',
    async (distance) => {
      const reference = referenceKnnLogDensity(matrix, 7, distance);
      const exact = await knnLogDensity(matrix, { k: 7, distance, precision: 'float64', blockRows: 64 });
      expect(maxAbsDifference(exact.logDensity, reference)).toBeLessThan(1e-12);
      const fast = await knnLogDensity(matrix, { k: 7, distance, precision: 'float32', blockRows: 1000 });
      expect(maxAbsDifference(fast.logDensity, reference)).toBeLessThan(2e-6);
    },
  );

  it('agrees with the reference at any block size, including ragged last blocks', async () => {
    for (const distance of ['official', 'cosine'] as const) {
      const reference = referenceKnnLogDensity(matrix, 5, distance);
      for (const blockRows of [7, 64, 299, 300]) {
        const fast = await knnLogDensity(matrix, { k: 5, distance, precision: 'float32', blockRows });
        expect(maxAbsDifference(fast.logDensity, reference)).toBeLessThan(2e-6);
        const exact = await knnLogDensity(matrix, { k: 5, distance, precision: 'float64', blockRows });
        expect(maxAbsDifference(exact.logDensity, reference)).toBeLessThan(1e-12);
      }
    }
  });

  it('recomputes whole rows in float64 when the float32 shortlist cannot be certified, and stays exact', async () => {
    const reference = referenceKnnLogDensity(matrix, 9, 'official');
    const result = await knnLogDensity(matrix, { k: 9, distance: 'official', precision: 'float64', rerankMargin: 0 });
    expect(result.fullRowRecomputes).toBeGreaterThan(0);
    expect(maxAbsDifference(result.logDensity, reference)).toBeLessThan(1e-12);
  });

  it('allows k = N − 1 (every candidate is a neighbour)', async () => {
    const small = syntheticTextEmbeddings(12, 8, 3);
    const result = await knnLogDensity(small, { k: 11, distance: 'official', precision: 'float64' });
    expect(maxAbsDifference(result.logDensity, referenceKnnLogDensity(small, 11, 'official'))).toBeLessThan(1e-12);
  });
});

describe('knnDensitySelection', () => {
  it('keeps floor(count × fraction) per part of speech, ascending ρ, nouns first', async () => {
    const result = await knnDensitySelection.select(
      { candidateEmbeddings: matrix, partsOfSpeech },
      { k: 7, keepNoun: 0.23, keepAdj: 0.13, precision: 'float64' },
    );
    const reference = referenceKnnLogDensity(matrix, 7, 'official');
    const order = (pos: PartOfSpeech): number[] =>
      partsOfSpeech
        .map((p, i) => [p, i] as const)
        .filter(([p]) => p === pos)
        .map(([, i]) => i)
        .sort((a, b) => reference[a]! - reference[b]!);
    expect(result.keptCounts).toEqual({ noun: Math.floor(225 * 0.23), adj: Math.floor(75 * 0.13) });
    expect(Array.from(result.selectedIndices)).toEqual([...order('noun').slice(0, 51), ...order('adj').slice(0, 9)]);
    expect(result.statisticName).toBe('knn_mean_log_distance');
    expect(result.parameters).toMatchObject({
      k: 7,
      keepNoun: 0.23,
      keepAdj: 0.13,
      distance: 'official',
      precision: 'float64',
    });
  });

  it('uses the ViT-B/16 preset as defaults', () => {
    expect(knnDensitySelection.defaults).toMatchObject({ k: 100, keepNoun: 0.23, keepAdj: 0.13, distance: 'official' });
  });

  it('rejects an empty corpus', async () => {
    const error = await errorOf({
      candidateEmbeddings: { rows: 0, cols: 4, data: new Float32Array(0) },
      partsOfSpeech: [],
    });
    expect(error.code).toBe(MiningErrorCode.EmptyCorpus);
  });

  it('rejects a matrix whose data does not match its shape', async () => {
    const error = await errorOf({
      candidateEmbeddings: { rows: 3, cols: 4, data: new Float32Array(11) },
      partsOfSpeech: ['noun', 'noun', 'noun'],
    });
    expect(error.code).toBe(MiningErrorCode.ShapeMismatch);
    expect(error.message).toMatch(/3 × 4 .*holds 11/);
  });

  it('rejects NaN and infinite values, naming the row and column', async () => {
    const data = Float32Array.from(matrix.data);
    data[5 * 24 + 2] = Number.NaN;
    const error = await errorOf({ candidateEmbeddings: { ...matrix, data }, partsOfSpeech }, { k: 3 });
    expect(error.code).toBe(MiningErrorCode.NonFiniteValue);
    expect(error.message).toMatch(/row 5, column 2 is NaN/);
  });

  it('rejects a part-of-speech list of the wrong length or with unknown values', async () => {
    expect((await errorOf({ candidateEmbeddings: matrix, partsOfSpeech: partsOfSpeech.slice(1) }, { k: 3 })).code).toBe(
      MiningErrorCode.ShapeMismatch,
    );
    const bad = [...partsOfSpeech] as string[];
    bad[0] = 'verb';
    expect((await errorOf({ candidateEmbeddings: matrix, partsOfSpeech: bad as PartOfSpeech[] }, { k: 3 })).code).toBe(
      MiningErrorCode.InvalidInput,
    );
  });

  it.each([0, -0.1, 1.01, Number.NaN])('rejects keep fraction %d outside (0, 1]', async (fraction) => {
    const error = await errorOf({ candidateEmbeddings: matrix, partsOfSpeech }, { k: 3, keepAdj: fraction });
    expect(error.code).toBe(MiningErrorCode.InvalidParameter);
    expect(error.message).toMatch(/keepAdj must be a fraction in \(0, 1\]/);
  });

  it('rejects a keep fraction that keeps none of a part of speech, and accepts it when that part of speech is absent', async () => {
    // 75 adjectives: floor(75 × 0.01) = 0.
    const error = await errorOf({ candidateEmbeddings: matrix, partsOfSpeech }, { k: 3, keepAdj: 0.01 });
    expect(error.code).toBe(MiningErrorCode.InvalidParameter);
    expect(error.message).toMatch(/keepAdj = 0.01 keeps none of the 75 adjectives .*at least 1\/75/);
    const nounsOnly = await knnDensitySelection.select(
      { candidateEmbeddings: matrix, partsOfSpeech: partsOfSpeech.map(() => 'noun') },
      { k: 3, keepAdj: 0.01 },
    );
    expect(nounsOnly.keptCounts).toEqual({ noun: 69, adj: 0 });
  });

  it.each([300, 301, 0, 2.5])('rejects k = %d (needs an integer 1 ≤ k < N)', async (k) => {
    const error = await errorOf({ candidateEmbeddings: matrix, partsOfSpeech }, { k });
    expect(error.code).toBe(MiningErrorCode.InvalidParameter);
    expect(error.message).toMatch(/1 ≤ k < N = 300/);
  });

  it('turns a non-positive distance into a typed error naming the candidate, not a NaN', async () => {
    // Unit-norm embeddings: with the official distance D_ii = 2·1 − 2 = 0.
    const units = new Float32Array(matrix.rows * matrix.cols);
    for (let r = 0; r < matrix.rows; r++) {
      const row = matrix.data.subarray(r * 24, (r + 1) * 24);
      const norm = Math.hypot(...row);
      row.forEach((v, c) => (units[r * 24 + c] = v / norm));
    }
    const error = await errorOf(
      { candidateEmbeddings: { rows: matrix.rows, cols: 24, data: units }, partsOfSpeech },
      { k: 3, precision: 'float64' },
    );
    expect(error.code).toBe(MiningErrorCode.NonPositiveDistance);
    expect(error.message).toMatch(/candidate \d+ and its neighbour \d+/);
    // The corrected cosine distance works on the same input.
    const result = await knnDensitySelection.select(
      { candidateEmbeddings: { rows: matrix.rows, cols: 24, data: units }, partsOfSpeech },
      { k: 3, distance: 'cosine' },
    );
    expect(result.selectedIndices.length).toBeGreaterThan(0);
  });

  it('rejects an unknown distance or precision', async () => {
    expect(
      (await errorOf({ candidateEmbeddings: matrix, partsOfSpeech }, { k: 3, distance: 'euclid' as never })).code,
    ).toBe(MiningErrorCode.InvalidParameter);
    expect(
      (await errorOf({ candidateEmbeddings: matrix, partsOfSpeech }, { k: 3, precision: 'float16' as never })).code,
    ).toBe(MiningErrorCode.InvalidParameter);
  });
});
