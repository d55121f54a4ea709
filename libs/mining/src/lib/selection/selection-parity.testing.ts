// Test helpers for the selection parity specs: one describe block per strategy over every
// dnm-parity case, and the check of a float32 selection against a float64 reference within the
// fixture README's tolerances (keys close, same selected set, order swaps only between near-ties).
import { asFloat32Matrix, asFloat64Vector, asIndexVector } from '@negmine/formats';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import path from 'node:path';
import type { PartOfSpeech } from '../corpus/part-of-speech';
import type { SelectionInput, SelectionPrecision, SelectionResult, SelectionStrategy } from './selection-strategy';

export interface ParityTolerances {
  /** Largest accepted |key − reference key| over every candidate. */
  readonly keyTolerance: number;
  /** Two selected candidates may appear in swapped order only if their reference keys differ by less. */
  readonly tieTolerance: number;
}

export const PARITY_CASES = ['p1-k10-n2000', 'p2-k100-n5000', 'p3-k1000-n12000'];

export interface SelectionParitySpec {
  /** Fixture names: expected/selected_<fixture>.npy holds the indices, expected/<keyFile>.npy the keys. */
  readonly fixture: string;
  readonly keyFile: string;
  /** Whether the strategy reads the ID label embeddings (id_text_emb.npy). */
  readonly usesIdEmbeddings: boolean;
}

/**
 * For every case: float64 gives the expected indices in order and keys within 1e-10; float32 keeps
 * keys within 2e-6, the same set, and swaps order only between keys closer than 1e-6 (README).
 */
export function describeSelectionParity(
  strategy: SelectionStrategy<{ precision: SelectionPrecision }>,
  spec: SelectionParitySpec,
): void {
  describeWithSharedFixtures('dnm-parity', `${strategy.id} selection parity`, (root) => {
    for (const name of PARITY_CASES) {
      const dir = path.join(root, name);
      const load = (): { input: SelectionInput; expectedIndices: Int32Array; expectedKey: Float64Array } => {
        const corpus = readJson<Array<{ word: string; pos: PartOfSpeech }>>(path.join(dir, 'corpus.json'));
        return {
          input: {
            candidateEmbeddings: asFloat32Matrix(readNpy(path.join(dir, 'corpus_text_emb.npy')), 'corpus'),
            partsOfSpeech: corpus.map((c) => c.pos),
            ...(spec.usesIdEmbeddings
              ? { idEmbeddings: asFloat32Matrix(readNpy(path.join(dir, 'id_text_emb.npy')), 'id') }
              : {}),
          },
          expectedIndices: asIndexVector(
            readNpy(path.join(dir, 'expected', `selected_${spec.fixture}.npy`)),
            `selected_${spec.fixture}`,
          ),
          expectedKey: asFloat64Vector(readNpy(path.join(dir, 'expected', `${spec.keyFile}.npy`)), spec.keyFile),
        };
      };

      it(`${name}: float64 gives the expected indices in order, and the expected keys`, async () => {
        const { input, expectedIndices, expectedKey } = load();
        const result = await strategy.select(input, { precision: 'float64' });
        expect(Array.from(result.selectedIndices)).toEqual(Array.from(expectedIndices));
        let worst = 0;
        for (let i = 0; i < expectedKey.length; i++)
          worst = Math.max(worst, Math.abs(result.statistic[i]! - expectedKey[i]!));
        expect(worst).toBeLessThan(1e-10);
      }, 120_000);

      it(`${name}: float32 keys within 2e-6, same set, order swapped only within 1e-6 ties`, async () => {
        const { input, expectedIndices, expectedKey } = load();
        const result = await strategy.select(input, { precision: 'float32' });
        expectSelectionWithinTies(result, expectedIndices, expectedKey, { keyTolerance: 2e-6, tieTolerance: 1e-6 });
      }, 120_000);
    }
  });
}

export function expectSelectionWithinTies(
  result: SelectionResult,
  expectedIndices: Int32Array,
  expectedKey: Float64Array,
  tolerances: ParityTolerances,
): void {
  let worstKeyError = 0;
  for (let i = 0; i < expectedKey.length; i++)
    worstKeyError = Math.max(worstKeyError, Math.abs(result.statistic[i]! - expectedKey[i]!));
  expect(worstKeyError).toBeLessThan(tolerances.keyTolerance);
  expect(result.selectedIndices.length).toBe(expectedIndices.length);
  expect(new Set(result.selectedIndices)).toEqual(new Set(expectedIndices));
  const position = new Map<number, number>();
  expectedIndices.forEach((index, rank) => position.set(index, rank));
  // Every pair out of reference order must be a near-tie in the reference keys.
  const actual = Array.from(result.selectedIndices);
  for (let a = 0; a < actual.length; a++) {
    for (let b = a + 1; b < actual.length; b++) {
      const first = actual[a]!;
      const second = actual[b]!;
      // Checked with a plain comparison first: an expect() per pair would be millions of calls.
      if (
        position.get(first)! > position.get(second)! &&
        !(Math.abs(expectedKey[first]! - expectedKey[second]!) < tolerances.tieTolerance)
      ) {
        throw new Error(
          `candidates ${first} and ${second} are out of reference order but their reference keys differ by ${Math.abs(expectedKey[first]! - expectedKey[second]!)}`,
        );
      }
    }
  }
}
