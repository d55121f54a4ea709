// The messages between the preprocessing pool and its worker threads, and the worker side's loop:
// each request names one file; the reply carries its pixel_values buffer (transferred, not
// copied) or the typed error of that file. The pool hands buffers back once copied into a batch,
// so a long run reuses a few buffers instead of allocating (and page-faulting) one per image. Internal.
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { EncodersError, EncodersErrorCode } from './errors';
import type { DecodeImageOptions } from './image-decode';
import { preprocessFileBlockingReadFor, type PixelBufferAllocator, type PreprocessTarget } from './preprocess-file';

export interface PreprocessWorkerData {
  readonly target: PreprocessTarget;
}

export interface PreprocessRequest {
  readonly kind: 'preprocess';
  readonly id: number;
  readonly file: string;
  readonly decode: DecodeImageOptions | undefined;
}

/** Buffers of earlier replies, given back for reuse. */
export interface RecycleMessage {
  readonly kind: 'recycle';
  readonly buffers: readonly ArrayBuffer[];
}

/** Buffers a worker keeps for reuse; more than a few batches' worth is let go. */
const MAX_FREE_BUFFERS = 64;

export type PreprocessReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly pixels: Float32Array }
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly code: EncodersErrorCode;
      readonly message: string;
      readonly details: Record<string, unknown>;
    };

export type PreprocessHandler = (
  file: string,
  target: PreprocessTarget,
  decode: DecodeImageOptions | undefined,
  allocate: PixelBufferAllocator,
) => Promise<Float32Array>;

export const defaultPreprocessHandler: PreprocessHandler = (file, target, decode, allocate) =>
  preprocessFileBlockingReadFor(target, file, decode, allocate);

/** Serves requests on this worker thread until the pool terminates it. */
export function servePreprocessRequests(handler: PreprocessHandler = defaultPreprocessHandler): void {
  const port = parentPort;
  if (port === null) throw new Error('servePreprocessRequests must run in a worker thread');
  const data = workerData as PreprocessWorkerData;
  // Many images are decoded at once across threads: one libvips thread each avoids oversubscribing
  // the cores, and the operation cache only holds memory for files never seen again.
  sharp.concurrency(1);
  sharp.cache(false);
  const free: ArrayBuffer[] = [];
  const allocate: PixelBufferAllocator = (length) => {
    const index = free.findIndex((buffer) => buffer.byteLength === length * 4);
    return index < 0 ? new Float32Array(length) : new Float32Array(free.splice(index, 1)[0]!);
  };
  port.on('message', (message: PreprocessRequest | RecycleMessage) => {
    if (message.kind === 'recycle') {
      for (const buffer of message.buffers) if (free.length < MAX_FREE_BUFFERS) free.push(buffer);
      return;
    }
    const request = message;
    handler(request.file, data.target, request.decode, allocate).then(
      (pixels) =>
        port.postMessage({ kind: 'done', id: request.id, pixels } satisfies PreprocessReply, [
          pixels.buffer as ArrayBuffer,
        ]),
      (error: unknown) => {
        const typed =
          error instanceof EncodersError
            ? error
            : new EncodersError(
                EncodersErrorCode.ImageDecodeFailed,
                `preprocessing ${request.file} failed: ${(error as Error).message}`,
                { source: request.file },
              );
        // Details are plain data by construction (strings, numbers, arrays of them).
        port.postMessage({
          kind: 'failed',
          id: request.id,
          code: typed.code,
          message: typed.message,
          details: { ...typed.details },
        } satisfies PreprocessReply);
      },
    );
  });
  port.postMessage({ kind: 'ready' } satisfies PreprocessReply);
}
