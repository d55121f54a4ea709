// Error mapping: API and library codes reach clients as extensions.code; anything else is masked.
import { GraphQLError } from 'graphql';
import { MiningError, MiningErrorCode } from '@negmine/mining';
import { ApiError, ApiErrorCode, formatGraphQLError, publicError } from './errors';

describe('publicError', () => {
  it('keeps ApiError codes and details', () => {
    expect(publicError(new ApiError(ApiErrorCode.Conflict, 'taken', { name: 'x' }))).toEqual({
      code: 'CONFLICT',
      message: 'taken',
      details: { name: 'x' },
    });
  });

  it('maps library input errors to BAD_USER_INPUT with the library code as reason', () => {
    const mapped = publicError(new MiningError(MiningErrorCode.InvalidParameter, 'k must be positive', { k: 0 }));
    expect(mapped).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'k must be positive',
      details: { reason: 'INVALID_PARAMETER', k: 0 },
    });
  });

  it('masks library runtime failures and unknown errors', () => {
    expect(publicError(new MiningError(MiningErrorCode.KernelFailure, 'onnxruntime crashed'))).toBeUndefined();
    expect(publicError(new Error('connection refused'))).toBeUndefined();
  });
});

describe('formatGraphQLError', () => {
  const format = (original: unknown) => {
    const masked: unknown[] = [];
    const error =
      original instanceof GraphQLError ? original : new GraphQLError('x', { originalError: original as Error });
    const formatted = formatGraphQLError(error.toJSON(), error, (e) => masked.push(e), false);
    return { formatted, masked };
  };

  it('masks an internal error and reports it to the logger', () => {
    const { formatted, masked } = format(new Error('password=secret'));
    expect(formatted).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(masked).toHaveLength(1);
  });

  it('passes a not-found error through with its code', () => {
    const { formatted, masked } = format(new ApiError(ApiErrorCode.NotFound, "model 'm' does not exist"));
    expect(formatted).toMatchObject({ message: "model 'm' does not exist", extensions: { code: 'NOT_FOUND' } });
    expect(masked).toHaveLength(0);
  });

  it('keeps errors about the request itself (validation)', () => {
    const { formatted } = format(
      new GraphQLError('Cannot query field "nope"', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    );
    expect(formatted.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
