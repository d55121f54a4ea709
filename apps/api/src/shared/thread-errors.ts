// Errors across a worker-thread boundary: a thrown error as data and back, so a library error
// (MiningError, EncodersError, …) reaches the API's error mapping with its name, code and details.
import { MiningError, type MiningErrorCode } from '@negmine/mining';

/** A thrown error as data: name, code and details survive the thread boundary (errors.ts maps them). */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

export function toThreadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, details } = error as { code?: unknown; details?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(details !== null && typeof details === 'object'
      ? { details: { ...(details as Record<string, unknown>) } }
      : {}),
  };
}

/** The error again on this side: a MiningError as itself, any other with its name, code and details. */
export function fromThreadError(error: ThreadError): Error {
  if (error.name === 'MiningError' && error.code !== undefined)
    return new MiningError(error.code as MiningErrorCode, error.message, error.details ?? {});
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return Object.assign(rebuilt, error.code === undefined ? {} : { code: error.code, details: error.details ?? {} });
}
