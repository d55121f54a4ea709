// Messages between DetectorThread (the service's side) and detector-thread.ts (a worker thread that
// owns one detector's onnxruntime session). Internal to the feature.
import { MiningError, type DetectionResult, type MiningErrorCode } from '@negmine/mining';

export interface DetectorThreadData {
  readonly onnx: Uint8Array;
  readonly threads: number;
  readonly chunkRows: number;
}

export type DetectorThreadRequest =
  | {
      readonly kind: 'detect';
      readonly id: number;
      readonly data: Float32Array;
      readonly rows: number;
      readonly cols: number;
    }
  | { readonly kind: 'dispose' };

/** A thrown error as data: name, code and details survive the thread boundary (errors.ts maps them). */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

export type DetectorThreadReply =
  | { readonly kind: 'ready'; readonly embeddingDim: number }
  | { readonly kind: 'load-failed'; readonly error: ThreadError }
  | { readonly kind: 'result'; readonly id: number; readonly result: DetectionResult }
  | { readonly kind: 'error'; readonly id: number; readonly error: ThreadError };

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
