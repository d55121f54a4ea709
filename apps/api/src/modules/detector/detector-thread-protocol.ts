// Tasks of a detector thread (detector-thread.ts, a TaskThread that owns one detector's onnxruntime
// session, loaded from its workerData). Internal to the feature.
import type { DetectionResult, EmbeddingMatrix } from '@negmine/mining';

export interface DetectorThreadData {
  readonly onnx: Uint8Array;
  readonly threads: number;
  readonly chunkRows: number;
}

export type DetectorTask =
  | { readonly kind: 'embedding-dim' }
  | { readonly kind: 'detect'; readonly images: EmbeddingMatrix & { readonly data: Float32Array } };

/** What each task answers. */
export interface DetectorResults {
  readonly 'embedding-dim': number;
  readonly detect: DetectionResult;
}
