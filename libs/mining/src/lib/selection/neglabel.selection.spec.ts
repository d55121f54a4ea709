// neglabel on synthetic embeddings: brute-force reference of the 0.95 quantile, the keep rule,
// CSP's near-duplicate rule, and typed errors for bad input.
import { MiningError, MiningErrorCode } from '../errors';
import { syntheticTextEmbeddings } from '../../testing';
import type { PartOfSpeech } from '../corpus/part-of-speech';
import { negLabelSelection, type NegLabelParams } from './neglabel.selection';
import { referenceIdQuantile } from './selection-reference.testing';
import type { SelectionInput } from './selection-strategy';

const candidates = syntheticTextEmbeddings(400, 16, 5);
const labels = syntheticTextEmbeddings(37, 16, 6);
const partsOfSpeech: PartOfSpeech[] = Array.from({ length: 400 }, (_, i) => (i < 320 ? 'noun' : 'adj'));
const input: SelectionInput = { candidateEmbeddings: candidates, partsOfSpeech, idEmbeddings: labels };

async function errorOf(given: SelectionInput, params: Partial<NegLabelParams> = {}): Promise<MiningError> {
  try {
    await negLabelSelection.select(given, params);
  } catch (error) {
    if (error instanceof MiningError) return error;
    throw error;
  }
  throw new Error('expected a MiningError');
}

describe('negLabelSelection', () => {
  it.each(['float64', 'float32'] as const)(
    'matches the brute-force 0.95 quantile (%s) and keeps 15% per part of speech',
    async (precision) => {
      const { quantile } = referenceIdQuantile(candidates, labels, 0.95);
      const result = await negLabelSelection.select(input, { precision });
      for (let i = 0; i < 400; i++)
        expect(Math.abs(result.statistic[i]! - quantile[i]!)).toBeLessThan(precision === 'float64' ? 1e-14 : 2e-6);
      expect(result.keptCounts).toEqual({ noun: 48, adj: 12 });
      if (precision === 'float64') {
        const byKey = (from: number, to: number): number[] =>
          Array.from({ length: to - from }, (_, t) => from + t).sort((a, b) => quantile[a]! - quantile[b]!);
        expect(Array.from(result.selectedIndices)).toEqual([
          ...byKey(0, 320).slice(0, 48),
          ...byKey(320, 400).slice(0, 12),
        ]);
      }
    },
  );

  it('works for any quantile, including the ends and a single ID label', async () => {
    for (const q of [0, 0.5, 1]) {
      const result = await negLabelSelection.select(input, { quantile: q, precision: 'float64' });
      const { quantile } = referenceIdQuantile(candidates, labels, q);
      expect(Math.max(...result.statistic.map((v, i) => Math.abs(v - quantile[i]!)))).toBeLessThan(1e-14);
    }
    const one = { rows: 1, cols: 16, data: labels.data.slice(0, 16) };
    const result = await negLabelSelection.select({ ...input, idEmbeddings: one }, { precision: 'float64' });
    expect(Math.abs(result.statistic[0]! - referenceIdQuantile(candidates, one, 0.95).quantile[0]!)).toBeLessThan(
      1e-14,
    );
  });

  it("CSP's variant sets ψ = 1 for candidates too close to an ID label, so they are never kept", async () => {
    const data = Float32Array.from(candidates.data);
    // Candidate 3 becomes a scaled copy of ID label 0.
    for (let c = 0; c < 16; c++) data[3 * 16 + c] = 2 * labels.data[c]!;
    const withCopy: SelectionInput = { ...input, candidateEmbeddings: { rows: 400, cols: 16, data } };
    const result = await negLabelSelection.select(withCopy, { nearDuplicateCosine: 0.95 });
    expect(result.statistic[3]).toBe(1);
    expect(Array.from(result.selectedIndices)).not.toContain(3);
    const { maximum, quantile } = referenceIdQuantile(withCopy.candidateEmbeddings, labels, 0.95);
    for (let i = 0; i < 400; i++)
      if (i !== 3) expect(result.statistic[i]).toBeCloseTo(maximum[i]! > 0.95 ? 1 : quantile[i]!, 5);
  });

  it('needs ID label embeddings of the same dimension', async () => {
    expect((await errorOf({ candidateEmbeddings: candidates, partsOfSpeech })).code).toBe(MiningErrorCode.InvalidInput);
    const wrongDim = syntheticTextEmbeddings(5, 8, 1);
    const error = await errorOf({ ...input, idEmbeddings: wrongDim });
    expect(error.code).toBe(MiningErrorCode.ShapeMismatch);
    expect(error.message).toMatch(/dimension 8 .* 16/);
  });

  it('rejects NaN in the ID embeddings, bad fractions and quantiles, and an empty corpus', async () => {
    const data = Float32Array.from(labels.data);
    data[20] = Number.POSITIVE_INFINITY;
    expect((await errorOf({ ...input, idEmbeddings: { ...labels, data } })).code).toBe(MiningErrorCode.NonFiniteValue);
    expect((await errorOf(input, { keepNoun: 0 })).code).toBe(MiningErrorCode.InvalidParameter);
    expect((await errorOf(input, { keepAdj: 2 })).code).toBe(MiningErrorCode.InvalidParameter);
    expect((await errorOf(input, { quantile: 1.5 })).code).toBe(MiningErrorCode.InvalidParameter);
    expect(
      (
        await errorOf({
          ...input,
          candidateEmbeddings: { rows: 0, cols: 16, data: new Float32Array(0) },
          partsOfSpeech: [],
        })
      ).code,
    ).toBe(MiningErrorCode.EmptyCorpus);
  });
});
