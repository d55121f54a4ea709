// Bad input never yields a silent NaN: each case throws a MetricsError whose code and details name
// the set, the index and what is accepted.
import { auroc } from './auroc';
import { MetricsError, MetricsErrorCode } from './errors';
import { evaluate } from './evaluate';
import { fprAtTprId, fprAtTprOod } from './fpr-at-tpr';
import { scoreHistograms } from './histogram';
import { rocCurve } from './roc';
import type { ScoreSets } from './validate';

function errorOf(run: () => unknown): MetricsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MetricsError);
    return error as MetricsError;
  }
  throw new Error('expected a MetricsError, but nothing was thrown');
}

describe('score validation', () => {
  it.each([
    ['id', { idScores: [], oodScores: [1] }],
    ['ood', { idScores: new Float32Array([1]), oodScores: new Float32Array(0) }],
  ] as const)('rejects an empty %s set', (set, sets) => {
    const error = errorOf(() => evaluate(sets as ScoreSets));
    expect(error.code).toBe(MetricsErrorCode.EmptyScores);
    expect(error.details).toEqual({ set });
    expect(error.message).toContain(`${set} scores are empty`);
  });

  it.each([
    ['NaN', 'id', { idScores: [0.1, 0.2, Number.NaN, Number.NaN], oodScores: [0.3] }, 2],
    [
      'Infinity',
      'ood',
      { idScores: new Float64Array([0.1]), oodScores: new Float64Array([0.3, Number.POSITIVE_INFINITY]) },
      1,
    ],
    [
      '-Infinity',
      'ood',
      { idScores: new Float32Array([0.1]), oodScores: new Float32Array([Number.NEGATIVE_INFINITY]) },
      0,
    ],
    ['NaN', 'id', { idScores: new Float32Array([Number.NaN]), oodScores: new Float32Array([0]) }, 0],
  ] as const)('rejects %s in the %s set at its first index', (value, set, sets, index) => {
    const error = errorOf(() => evaluate(sets as ScoreSets));
    expect(error.code).toBe(MetricsErrorCode.NonFiniteScore);
    expect(error.details).toEqual({ set, index, value });
    expect(error.message).toBe(`${set} score at index ${index} is ${value}; scores must be finite numbers`);
  });

  it('rejects a non-number inside a number[]', () => {
    const error = errorOf(() => auroc({ idScores: [1, '2' as unknown as number], oodScores: [0] }));
    expect(error.code).toBe(MetricsErrorCode.NonFiniteScore);
    expect(error.details).toMatchObject({ set: 'id', index: 1 });
    expect(error.message).toBe('id score at index 1 is not a number (string); scores must be finite numbers');
  });

  it('rejects mixed kinds, naming both', () => {
    const error = errorOf(() => evaluate({ idScores: new Float32Array([1]), oodScores: new Float64Array([0]) }));
    expect(error.code).toBe(MetricsErrorCode.MixedScoreTypes);
    expect(error.details).toEqual({ idKind: 'Float32Array', oodKind: 'Float64Array' });
    expect(errorOf(() => evaluate({ idScores: [1], oodScores: new Float64Array([0]) })).code).toBe(
      MetricsErrorCode.MixedScoreTypes,
    );
  });

  it('rejects other containers and says what is accepted', () => {
    const error = errorOf(() =>
      evaluate({ idScores: new Int32Array([1]) as unknown as Float32Array, oodScores: new Float32Array([0]) }),
    );
    expect(error.code).toBe(MetricsErrorCode.UnsupportedScoreType);
    expect(error.message).toBe(
      'id scores must be a Float32Array, a Float64Array or an array of numbers; got Int32Array',
    );
    expect(errorOf(() => evaluate(null as unknown as ScoreSets)).code).toBe(MetricsErrorCode.UnsupportedScoreType);
    expect(errorOf(() => evaluate({ idScores: [1] } as unknown as ScoreSets)).details).toEqual({
      set: 'ood',
      received: 'undefined',
    });
  });
});

describe('option validation', () => {
  const sets = { idScores: [1, 2], oodScores: [0, 1] };

  it.each([0, -0.5, 1.0000001, Number.NaN, Number.POSITIVE_INFINITY])('rejects recall %p', (recall) => {
    for (const run of [
      () => evaluate(sets, { recall }),
      () => fprAtTprId(sets, recall),
      () => fprAtTprOod(sets, recall),
    ]) {
      const error = errorOf(run);
      expect(error.code).toBe(MetricsErrorCode.InvalidRecall);
      expect(error.message).toContain('recall must be a number in (0, 1]');
    }
  });

  it('accepts recall 1 and tiny positive recall', () => {
    expect(fprAtTprId(sets, 1)).toBe(0.5);
    expect(fprAtTprOod(sets, 1e-9)).toBe(0);
  });

  it.each([
    ['rocPoints', () => evaluate(sets, { rocPoints: 1 })],
    ['rocPoints', () => rocCurve(sets, 2.5)],
    ['bins', () => evaluate(sets, { bins: 0 })],
    ['bins', () => scoreHistograms(sets, Number.NaN)],
  ] as const)('rejects a bad %s', (option, run) => {
    const error = errorOf(run);
    expect(error.code).toBe(MetricsErrorCode.InvalidOption);
    expect(error.details).toMatchObject({ option });
  });
});
