// How this process runs CLIP towers (from the API's configuration), and the encoders' load options
// they mean. Shared by ClipModels (identity reads) and the tower thread (encoding).
import type { ExecutionProvider, LoadClipModelOptions } from '@negmine/encoders';

export interface ClipModelSettings {
  readonly threads: number;
  readonly executionProvider: ExecutionProvider;
  readonly preprocessThreads: number;
}

/** Load options for encoding: the configured execution provider, onnxruntime and preprocessing threads. */
export function encodingLoadOptions(settings: ClipModelSettings): LoadClipModelOptions {
  return {
    intraOpThreads: settings.threads,
    executionProvider: settings.executionProvider,
    preprocessThreads: settings.preprocessThreads,
  };
}

/** Load options for reading a folder's identity: neither the GPU nor the preprocessing pool. */
export function inspectionLoadOptions(settings: ClipModelSettings): LoadClipModelOptions {
  return { ...encodingLoadOptions(settings), executionProvider: 'cpu', preprocessThreads: 0 };
}
