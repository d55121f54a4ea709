// Messages between DetectorThread (the service's side) and detector-thread.ts (a worker thread that
// owns one detector's onnxruntime session). Internal to the feature.
import type { DetectionResult } from '@negmine/mining';
import type { ThreadError } from '../../shared/thread-errors';

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

export type DetectorThreadReply =
  | { readonly kind: 'ready'; readonly embeddingDim: number }
  | { readonly kind: 'load-failed'; readonly error: ThreadError }
  | { readonly kind: 'result'; readonly id: number; readonly result: DetectionResult }
  | { readonly kind: 'error'; readonly id: number; readonly error: ThreadError };
