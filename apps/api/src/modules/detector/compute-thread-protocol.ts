// Tasks of the detector feature's compute thread (compute-thread.ts): building (and calibrating) a
// detector and composing pipeline.onnx, heavy one-off work kept off the API's event loop.
// Internal to the feature.
import type { BuiltDetector, DetectorRequest } from '@negmine/mining';

export type ComputeTask =
  | { readonly kind: 'build-detector'; readonly request: DetectorRequest }
  | { readonly kind: 'compose-pipeline'; readonly tower: Uint8Array; readonly detector: Uint8Array };

/** What each task answers. */
export interface ComputeResults {
  readonly 'build-detector': BuiltDetector;
  readonly 'compose-pipeline': Uint8Array;
}
