// False-negative diagnostics on the tiny WordNet: synonym, hyponym, hypernym and cosine flags.
import { MiningError, MiningErrorCode } from '../errors';
import { tinyWordNetCorpus, tinyWordNetDatabase } from '../../testing';
import { buildCustomCorpus } from '../corpus/custom-corpus';
import { diagnoseFalseNegatives, type FalseNegativeDiagnosis } from './false-negative-diagnostics';

const wordnet = tinyWordNetDatabase();
const corpus = tinyWordNetCorpus({ lemmas: 'all', excludeLexnames: [] });

function byWord(diagnoses: FalseNegativeDiagnosis[]): Map<string, FalseNegativeDiagnosis> {
  return new Map(diagnoses.map((d) => [d.word, d]));
}

describe('diagnoseFalseNegatives', () => {
  it('flags synonyms, hyponyms and hypernyms of the ID labels through WordNet', async () => {
    const result = byWord(
      await diagnoseFalseNegatives({ entries: corpus.entries, idLabels: ['Bottle', 'fish'], wordnet }),
    );
    expect(result.get('jar')).toMatchObject({
      flags: { synonym: true, hyponym: false, hypernym: false, nearIdLabel: false },
      flagged: true,
    });
    expect(result.get('jar')!.relatedIdLabels.synonym).toEqual(['Bottle']);
    expect(result.get('bottle')!.flags.synonym).toBe(true);
    expect(result.get('goldfish')).toMatchObject({ flags: { hyponym: true }, relatedIdLabels: { hyponym: ['fish'] } });
    expect(result.get('carassius auratus')!.flags.hyponym).toBe(true);
    // container is the parent of bottle, instrumentality the grandparent; entity is 3 levels up.
    expect(result.get('container')).toMatchObject({
      flags: { hypernym: true },
      relatedIdLabels: { hypernym: ['Bottle'] },
    });
    expect(result.get('vessel')!.flags.hypernym).toBe(true);
    expect(result.get('instrumentality')!.flags.hypernym).toBe(true);
    expect(result.get('entity')!.flagged).toBe(false);
    expect(result.get('oak')!.flagged).toBe(false);
    expect(result.get('red')!.flagged).toBe(false);
    expect(result.get('oak')!.nearestIdLabel).toBeUndefined();
  });

  it('follows as many hypernym levels as asked', async () => {
    const deep = byWord(
      await diagnoseFalseNegatives({ entries: corpus.entries, idLabels: ['bottle'], wordnet }, { hypernymMaxDepth: 3 }),
    );
    expect(deep.get('entity')!.flags.hypernym).toBe(true);
    const shallow = byWord(
      await diagnoseFalseNegatives({ entries: corpus.entries, idLabels: ['entity'], wordnet }, { hyponymMaxDepth: 2 }),
    );
    expect(shallow.get('container')!.flags.hyponym).toBe(true);
    expect(shallow.get('bottle')!.flags.hyponym).toBe(false);
  });

  it('flags a candidate whose cosine to the nearest ID label exceeds the threshold, and reports that label', async () => {
    const custom = buildCustomCorpus([
      { word: 'lamp', pos: 'noun' },
      { word: 'lantern', pos: 'noun' },
      { word: 'glowing', pos: 'adj' },
    ]);
    const candidateEmbeddings = { rows: 3, cols: 3, data: Float32Array.from([9, 0, 0, 6, 6, 0.1, 0, 0, 8]) };
    const idEmbeddings = { rows: 2, cols: 3, data: Float32Array.from([10, 0.2, 0, 0, 10, 0]) };
    const result = await diagnoseFalseNegatives(
      {
        entries: custom.entries,
        idLabels: ['torch', 'candle'],
        candidateEmbeddings,
        idEmbeddings,
        candidates: [2, 0, 1],
      },
      { cosineThreshold: 0.9 },
    );
    expect(result.map((d) => d.candidate)).toEqual([2, 0, 1]);
    expect(result[1]).toMatchObject({
      word: 'lamp',
      flags: { nearIdLabel: true, synonym: false },
      nearestIdLabel: { index: 0, label: 'torch' },
    });
    expect(result[1]!.nearestIdLabel!.cosine).toBeCloseTo(10 / Math.hypot(10, 0.2), 6);
    expect(result[2]).toMatchObject({ flags: { nearIdLabel: false }, nearestIdLabel: { label: 'torch' } });
    expect(result[0]).toMatchObject({ flagged: false, nearestIdLabel: { cosine: 0 } });
  });

  it('finds the nearest ID label of every candidate across several candidate blocks', async () => {
    // 2,500 candidates against 3 labels: more rows than one kernel block (1,024 here).
    const rows = 2500;
    const custom = buildCustomCorpus(Array.from({ length: rows }, (_, i) => ({ word: `w${i}`, pos: 'noun' })));
    const candidateData = Float32Array.from({ length: rows * 4 }, (_, i) => Math.sin(1.3 * i + 0.2) * (1 + (i % 7)));
    const labelData = Float32Array.from([1, 0, 0, 0, 0, 1, 1, 0, -1, 0, 0, 1]);
    const result = await diagnoseFalseNegatives({
      entries: custom.entries,
      idLabels: ['a', 'b', 'c'],
      candidateEmbeddings: { rows, cols: 4, data: candidateData },
      idEmbeddings: { rows: 3, cols: 4, data: labelData },
    });
    expect(result).toHaveLength(rows);
    result.forEach((diagnosis, i) => {
      const x = candidateData.subarray(i * 4, i * 4 + 4);
      const cosines = [0, 1, 2].map((l) => {
        const w = labelData.subarray(l * 4, l * 4 + 4);
        return x.reduce((s, v, c) => s + v * w[c]!, 0) / (Math.hypot(...x) * Math.hypot(...w));
      });
      expect(diagnosis.nearestIdLabel!.cosine).toBeCloseTo(Math.max(...cosines), 5);
      expect(cosines[diagnosis.nearestIdLabel!.index]).toBeCloseTo(Math.max(...cosines), 5);
    });
  });

  it('flags an exact copy of an ID label without WordNet', async () => {
    const custom = buildCustomCorpus([{ word: 'great white shark', pos: 'noun' }]);
    const [diagnosis] = await diagnoseFalseNegatives({ entries: custom.entries, idLabels: ['Great_White_Shark'] });
    expect(diagnosis!.flags.synonym).toBe(true);
  });

  it('rejects inconsistent inputs with typed errors', async () => {
    const codeOf = async (run: () => Promise<unknown>): Promise<string> => {
      try {
        await run();
      } catch (error) {
        if (error instanceof MiningError) return error.code;
        throw error;
      }
      return 'no error';
    };
    expect(await codeOf(() => diagnoseFalseNegatives({ entries: corpus.entries, idLabels: [] }))).toBe(
      MiningErrorCode.InvalidInput,
    );
    expect(
      await codeOf(() => diagnoseFalseNegatives({ entries: corpus.entries, idLabels: ['x'], candidates: [999] })),
    ).toBe(MiningErrorCode.InvalidInput);
    const m = { rows: 1, cols: 2, data: Float32Array.from([1, 2]) };
    expect(
      await codeOf(() => diagnoseFalseNegatives({ entries: corpus.entries, idLabels: ['x'], idEmbeddings: m })),
    ).toBe(MiningErrorCode.InvalidInput);
    expect(
      await codeOf(() =>
        diagnoseFalseNegatives({ entries: corpus.entries, idLabels: ['x'], idEmbeddings: m, candidateEmbeddings: m }),
      ),
    ).toBe(MiningErrorCode.ShapeMismatch);
    expect(
      await codeOf(() => diagnoseFalseNegatives({ entries: corpus.entries, idLabels: ['x'] }, { cosineThreshold: 2 })),
    ).toBe(MiningErrorCode.InvalidParameter);
  });
});
