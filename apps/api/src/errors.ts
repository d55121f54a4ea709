// Error codes of the API and the one function that turns any thrown error into a GraphQL error:
// ApiError and the libraries' typed errors keep their meaning in `extensions.code`; anything else
// is masked as INTERNAL_SERVER_ERROR (and logged), so internals never leak to clients.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export enum ApiErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  Forbidden = 'FORBIDDEN',
  /** A bounded queue is full (e.g. detect requests waiting on one detector); retry shortly. */
  Overloaded = 'OVERLOADED',
  Internal = 'INTERNAL_SERVER_ERROR',
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export function notFound(kind: string, id: string): ApiError {
  return new ApiError(ApiErrorCode.NotFound, `${kind} '${id}' does not exist`, { kind, id });
}

export function badInput(message: string, details: Record<string, unknown> = {}): ApiError {
  return new ApiError(ApiErrorCode.BadUserInput, message, details);
}

export function conflict(message: string, details: Record<string, unknown> = {}): ApiError {
  return new ApiError(ApiErrorCode.Conflict, message, details);
}

/** Library errors (all shaped `{ name, code, details }`) whose codes mean a bug or a runtime failure, not bad input. */
const INTERNAL_LIBRARY_CODES = new Set(['KERNEL_FAILURE', 'INFERENCE_FAILED', 'DISPOSED']);
const LIBRARY_ERROR_NAMES = new Set(['MiningError', 'FormatsError', 'EncodersError', 'MetricsError']);

interface CodedError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/**
 * A value the database refused as malformed for its column type (PostgreSQL 22P02, Prisma P2007 or
 * P2023): in practice an id that is not a UUID. The client's mistake, not ours; the value is not echoed.
 */
function isMalformedValueError(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'PrismaClientKnownRequestError') return false;
  const { code, meta } = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown } } };
  };
  const cause = meta?.driverAdapterError?.cause;
  return (
    code === 'P2023' || cause?.originalCode === '22P02' || (code === 'P2007' && cause?.kind === 'InvalidInputValue')
  );
}

/** The public code and message of an error, or undefined when it must be masked. */
export function publicError(
  error: unknown,
): { code: ApiErrorCode; message: string; details: Record<string, unknown> } | undefined {
  if (error instanceof ApiError) return { code: error.code, message: error.message, details: { ...error.details } };
  if (isMalformedValueError(error)) {
    return {
      code: ApiErrorCode.BadUserInput,
      message: 'an id (or another value) is malformed: ids are UUIDs such as 123e4567-e89b-12d3-a456-426614174000',
      details: { reason: 'MALFORMED_VALUE' },
    };
  }
  if (isCodedError(error) && LIBRARY_ERROR_NAMES.has(error.name) && !INTERNAL_LIBRARY_CODES.has(error.code)) {
    return {
      code: ApiErrorCode.BadUserInput,
      message: error.message,
      details: { reason: error.code, ...error.details },
    };
  }
  return undefined;
}

/** Turns a thrown error into a GraphQL error with `extensions.code` (used by resolvers and formatError). */
export function toGraphQLError(error: unknown): GraphQLError {
  const known = publicError(error);
  if (known === undefined) {
    return new GraphQLError('Internal server error', { extensions: { code: ApiErrorCode.Internal } });
  }
  return new GraphQLError(known.message, { extensions: { code: known.code, ...known.details } });
}

/**
 * Apollo's formatError: keeps GraphQL's own codes (validation, parse, BAD_USER_INPUT from
 * class-validator), maps ours, masks the rest. `original` is the error the resolver threw.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  original: unknown,
  onMasked: (error: unknown) => void,
  exposeDetails: boolean,
): GraphQLFormattedError {
  const cause =
    original instanceof GraphQLError && original.originalError !== undefined ? original.originalError : original;
  const known = publicError(cause);
  if (known !== undefined) {
    return { ...formatted, message: known.message, extensions: { code: known.code, ...known.details } };
  }
  const code = formatted.extensions?.['code'];
  // Errors graphql-js or type-graphql produced from the request itself (no originalError) are the client's.
  const fromRequest =
    original instanceof GraphQLError && (original.originalError === undefined || cause instanceof GraphQLError);
  if (fromRequest && typeof code === 'string' && code !== ApiErrorCode.Internal) {
    return exposeDetails ? formatted : { ...formatted, extensions: { code, ...withoutStack(formatted.extensions) } };
  }
  if (fromRequest && code === undefined) return formatted;
  onMasked(cause);
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ApiErrorCode.Internal },
  };
}

function withoutStack(extensions: GraphQLFormattedError['extensions']): Record<string, unknown> {
  const { stacktrace: _stacktrace, ...rest } = (extensions ?? {}) as Record<string, unknown>;
  return rest;
}
