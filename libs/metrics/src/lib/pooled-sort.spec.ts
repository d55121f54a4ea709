// The radix sort must order every finite double like a numeric sort, fold -0 into +0 and carry
// each score's set along.
import fc from 'fast-check';
import { sortPooledScores } from './pooled-sort';

function expectSortedLike(id: ArrayLike<number>, ood: ArrayLike<number>): void {
  const pool = sortPooledScores(id as Float64Array, ood as Float64Array);
  const expected = Float64Array.from([...Array.from(id), ...Array.from(ood)].map((v) => v + 0)).sort();
  expect(Array.from(pool.values)).toEqual(Array.from(expected));
  // Each (value, set) pair must survive: compare multisets of labelled values.
  const label = (values: ArrayLike<number>, set: number): string[] => Array.from(values, (v) => `${set}:${v + 0}`);
  const got = Array.from(pool.values, (v, i) => `${pool.isOod[i]}:${v}`).sort();
  expect(got).toEqual([...label(id, 0), ...label(ood, 1)].sort());
  expect(pool.nId).toBe(id.length);
  expect(pool.nOod).toBe(ood.length);
}

describe('sortPooledScores', () => {
  it('sorts doubles over the whole finite range, both signs, subnormals and -0', () => {
    const id = [0, -0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 2.5, -2.5, 1e-300];
    const ood = [-0, 3, -3, 1, Number.MIN_VALUE, 0.1, -0.1];
    expectSortedLike(new Float64Array(id), new Float64Array(ood));
    const pool = sortPooledScores(new Float64Array(id), new Float64Array(ood));
    expect(Object.is(pool.values[pool.values.indexOf(0)], -0)).toBe(false);
  });

  it('sorts float32 inputs (low mantissa bits constant, so passes are skipped)', () => {
    const id = new Float32Array([0.5, 0.25, -0.125, 3.5, 0.5]);
    const ood = new Float32Array([0.5, -7, 1e-30]);
    expectSortedLike(id, ood);
  });

  it('leaves the inputs untouched', () => {
    const id = new Float64Array([3, 1, 2]);
    const ood = new Float64Array([-0, 9]);
    sortPooledScores(id, ood);
    expect(Array.from(id)).toEqual([3, 1, 2]);
    expect(Object.is(ood[0], -0)).toBe(true);
  });

  it('agrees with a numeric sort on random doubles', () => {
    const scores = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(scores, scores, (id, ood) => expectSortedLike(id, ood)),
      { numRuns: 200 },
    );
  });

  it('agrees with a numeric sort on a large mixed-sign input', () => {
    const n = 50_000;
    const id = new Float64Array(n);
    const ood = new Float64Array(n);
    // Deterministic pseudo-random values spanning many exponents (a fixed LCG, not Math.random).
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    for (let i = 0; i < n; i++) {
      id[i] = (next() - 0.5) * 10 ** Math.floor(next() * 12 - 6);
      ood[i] = Math.round((next() - 0.5) * 100) / 8;
    }
    expectSortedLike(id, ood);
  });
});
