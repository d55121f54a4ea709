// Conformance: neglabel against ../shared/fixtures/dnm-parity (float64 reference of the official
// code). float64: identical indices and order; float32: keys within 2e-6, same set, order swaps only
// between keys closer than 1e-6 (fixture README tolerances).
import { asFloat32Matrix, asFloat64Vector, asIndexVector } from '@negmine/formats';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import path from 'node:path';
import type { PartOfSpeech } from '../corpus/part-of-speech';
import { negLabelSelection } from './neglabel.selection';
import { expectSelectionWithinTies } from './selection-parity.testing';

const CASES = ['p1-k10-n2000', 'p2-k100-n5000', 'p3-k1000-n12000'];

describeWithSharedFixtures('dnm-parity', 'neglabel selection parity', (root) => {
  for (const name of CASES) {
    const dir = path.join(root, name);
    const load = () => {
      const corpus = readJson<Array<{ word: string; pos: PartOfSpeech }>>(path.join(dir, 'corpus.json'));
      return {
        input: {
          candidateEmbeddings: asFloat32Matrix(readNpy(path.join(dir, 'corpus_text_emb.npy')), 'corpus'), partsOfSpeech: corpus.map((c) => c.pos),
          idEmbeddings: asFloat32Matrix(readNpy(path.join(dir, 'id_text_emb.npy')), 'id'),
        },
        expectedIndices: asIndexVector(readNpy(path.join(dir, 'expected', 'selected_neglabel.npy')), 'selected_neglabel'),
        expectedKey: asFloat64Vector(readNpy(path.join(dir, 'expected', 'neglabel_affinity.npy')), 'neglabel_affinity'),
      };
    };

    it(`${name}: float64 gives the expected indices in order, and the expected keys`, async () => {
      const { input, expectedIndices, expectedKey } = load();
      const result = await negLabelSelection.select(input, { precision: 'float64' });
      expect(Array.from(result.selectedIndices)).toEqual(Array.from(expectedIndices));
      let worst = 0;
      for (let i = 0; i < expectedKey.length; i++) worst = Math.max(worst, Math.abs(result.statistic[i]! - expectedKey[i]!));
      expect(worst).toBeLessThan(1e-10);
    }, 120_000);

    it(`${name}: float32 keys within 2e-6, same set, order swapped only within 1e-6 ties`, async () => {
      const { input, expectedIndices, expectedKey } = load();
      const result = await negLabelSelection.select(input, { precision: 'float32' });
      expectSelectionWithinTies(result, expectedIndices, expectedKey, { keyTolerance: 2e-6, tieTolerance: 1e-6 });
    }, 120_000);
  }
});
