// The parameter validator: defaults, ranges (open/closed, integer), choices, unknown names.
import { MiningErrorCode } from '../errors';
import { describeRange, resolveParameters, type ParameterSchema } from './parameter-schema';

const schema: ParameterSchema = {
  tau: { kind: 'number', description: 'tau', default: 0.5, min: 0, minExclusive: true, max: 1, sweep: [0.5] },
  groups: { kind: 'number', description: 'G', default: 100, integer: true, min: 1, sweep: [100] },
  guard: { kind: 'choice', description: 'guard', choices: ['clamp', 'none'], default: 'clamp', sweep: ['clamp'] },
};

describe('resolveParameters', () => {
  it('applies defaults and overrides', () => {
    expect(resolveParameters('m', schema)).toEqual({ tau: 0.5, groups: 100, guard: 'clamp' });
    expect(resolveParameters('m', schema, { tau: 1, guard: 'none', groups: undefined })).toEqual({
      tau: 1,
      groups: 100,
      guard: 'none',
    });
  });

  it.each([
    [{ tau: 0 }, 'm: tau must be (0, 1]; got 0'],
    [{ tau: Number.NaN }, 'tau must be'],
    [{ tau: '0.5' }, 'tau must be'],
    [{ groups: 0.5 }, 'groups must be an integer in [1, ∞)'],
    [{ guard: 'x' }, 'guard must be one of clamp, none'],
    [{ other: 1 }, "m has no parameter 'other'; accepted: tau, groups, guard"],
  ])('rejects %j', (overrides, message) => {
    expect(() => resolveParameters('m', schema, overrides)).toThrow(
      expect.objectContaining({ code: MiningErrorCode.InvalidParameter, message: expect.stringContaining(message) }),
    );
  });

  it('describes ranges in interval notation', () => {
    expect(
      describeRange({ kind: 'number', description: '', default: 1, min: 0, max: 1, maxExclusive: true, sweep: [] }),
    ).toBe('[0, 1)');
  });
});
