// Messages between ComputeThread (the service's side) and compute-thread.ts: the feature's heavy
// one-off work — building (and calibrating) a detector, encoding uploaded image files with a CLIP
// vision tower, composing pipeline.onnx — which would otherwise run on the API's event loop
// (onnxruntime-node's session.run is synchronous on its calling thread). Internal to the feature.
import type { ImageEncodeResult } from '@negmine/encoders';
import type { BuiltDetector, DetectorRequest } from '@negmine/mining';
import type { ClipModelSettings } from '../model';
import type { ThreadError } from './detector-thread-protocol';

export interface ComputeThreadData {
  /** How the thread runs CLIP towers: the process's settings (threads, execution provider, preprocessing). */
  readonly clip: ClipModelSettings;
}

export type ComputeTask =
  | { readonly kind: 'build-detector'; readonly request: DetectorRequest }
  | { readonly kind: 'encode-image-files'; readonly folder: string; readonly files: readonly string[] }
  | { readonly kind: 'compose-pipeline'; readonly tower: Uint8Array; readonly detector: Uint8Array };

/** What each task answers. */
export interface ComputeResults {
  readonly 'build-detector': BuiltDetector;
  readonly 'encode-image-files': ImageEncodeResult;
  readonly 'compose-pipeline': Uint8Array;
}

export type ComputeRequest =
  { readonly kind: 'task'; readonly id: number; readonly task: ComputeTask } | { readonly kind: 'dispose' };

export type ComputeReply =
  | { readonly kind: 'done'; readonly id: number; readonly value: ComputeResults[ComputeTask['kind']] }
  | { readonly kind: 'failed'; readonly id: number; readonly error: ThreadError };
