// Messages between TowerThread (this process's side) and tower-thread.ts: CLIP towers run on a
// worker thread of their own, because onnxruntime-node's session.run is synchronous on its calling
// thread — on the API's event loop, one batch of a ViT would stall every request for seconds.
// Internal to the feature.
import type { ImageEncodeResult } from '@negmine/encoders';
import type { ClipModelSettings } from './clip-model-settings';

export interface TowerThreadData {
  readonly settings: ClipModelSettings;
  /** The process's pino level (the thread logs through its own logger). */
  readonly logLevel: string;
}

/** What a loaded folder offers (answered by 'describe'). */
export interface TowerDescription {
  readonly contentHash: string;
  readonly embeddingDim: number;
  /** The image tower's center-crop size, when it crops. */
  readonly centerCrop: { readonly height: number; readonly width: number } | undefined;
}

export type TowerTask =
  | { readonly kind: 'inspect'; readonly folder: string }
  | { readonly kind: 'describe'; readonly folder: string }
  | { readonly kind: 'encode-texts'; readonly folder: string; readonly texts: readonly string[] }
  | { readonly kind: 'encode-image-files'; readonly folder: string; readonly files: readonly string[] }
  | { readonly kind: 'encode-pixel-values'; readonly folder: string; readonly images: readonly Float32Array[] };

/** What each task answers. */
export interface TowerResults {
  readonly inspect: { readonly contentHash: string; readonly embeddingDim: number };
  readonly describe: TowerDescription;
  readonly 'encode-texts': Float32Array;
  readonly 'encode-image-files': ImageEncodeResult;
  readonly 'encode-pixel-values': Float32Array;
}
