// The selection registry and selection with excluded candidates.
import { type MiningError, MiningErrorCode } from '../errors';
import { syntheticTextEmbeddings } from '../../testing';
import type { PartOfSpeech } from '../corpus/part-of-speech';
import { knnDensitySelection } from './knn-density.selection';
import { negLabelSelection } from './neglabel.selection';
import { isSelectionMethodId, selectionStrategy, selectWithout, SELECTION_STRATEGIES } from './selection-registry';
import { SELECTION_METHOD_IDS } from './selection-strategy';

describe('selection registry', () => {
  it('lists every method id once, keyed by its own id', () => {
    expect(Object.keys(SELECTION_STRATEGIES).sort()).toEqual([...SELECTION_METHOD_IDS].sort());
    for (const id of SELECTION_METHOD_IDS) expect(selectionStrategy(id).id).toBe(id);
    expect(selectionStrategy('neglabel')).toBe(negLabelSelection);
    expect(isSelectionMethodId('knn-density')).toBe(true);
    expect(isSelectionMethodId('csp')).toBe(false);
  });

  it('rejects an unknown method naming the accepted ones', () => {
    expect(() => selectionStrategy('knn')).toThrow(/unknown selection method 'knn'; accepted: knn-density, neglabel/);
    try {
      selectionStrategy('knn');
    } catch (error) {
      expect((error as MiningError).code).toBe(MiningErrorCode.UnknownMethod);
    }
  });
});

describe('selectWithout', () => {
  const matrix = syntheticTextEmbeddings(120, 12, 9);
  const partsOfSpeech: PartOfSpeech[] = Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? 'adj' : 'noun'));

  it('removes the excluded candidates from the pool and maps indices back to the corpus', async () => {
    const full = await knnDensitySelection.select(
      { candidateEmbeddings: matrix, partsOfSpeech },
      { k: 5, keepNoun: 0.5, keepAdj: 0.5 },
    );
    const excluded = [full.selectedIndices[0]!, full.selectedIndices[1]!];
    const result = await selectWithout(knnDensitySelection, { candidateEmbeddings: matrix, partsOfSpeech }, excluded, {
      k: 5,
      keepNoun: 0.5,
      keepAdj: 0.5,
    });
    for (const index of excluded) {
      expect(Array.from(result.selectedIndices)).not.toContain(index);
      expect(result.statistic[index]).toBeNaN();
    }
    expect(result.parameters).toMatchObject({ excludedCount: 2 });
    // Same as running on the reduced matrix directly.
    const kept = Array.from({ length: 120 }, (_, i) => i).filter((i) => !excluded.includes(i));
    const data = new Float32Array(kept.length * 12);
    kept.forEach((row, r) => data.set(matrix.data.subarray(row * 12, row * 12 + 12), r * 12));
    const direct = await knnDensitySelection.select(
      { candidateEmbeddings: { rows: kept.length, cols: 12, data }, partsOfSpeech: kept.map((i) => partsOfSpeech[i]!) },
      { k: 5, keepNoun: 0.5, keepAdj: 0.5 },
    );
    expect(Array.from(result.selectedIndices)).toEqual(Array.from(direct.selectedIndices, (r) => kept[r]!));
  });

  it('rejects exclusions outside the corpus', async () => {
    await expect(
      selectWithout(knnDensitySelection, { candidateEmbeddings: matrix, partsOfSpeech }, [120], { k: 5 }),
    ).rejects.toThrow(/excluded candidate 120 is outside the 120 candidates/);
  });
});
