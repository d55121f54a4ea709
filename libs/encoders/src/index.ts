// Public API of @negmine/encoders: CLIP-style text and image towers on onnxruntime-node, loaded from
// Hugging Face-layout ONNX folders, with Pillow-exact preprocessing and an embedding cache contract.
export { EncodersError, EncodersErrorCode } from './lib/errors';
export type { EncoderLogger, EncoderLogMethod } from './lib/encoder-logger';
export { loadClipModel, type ClipModel, type LoadClipModelOptions } from './lib/clip-model';
export {
  MODEL_VARIANTS,
  readModelFolder,
  type ModelFolderFiles,
  type ModelVariant,
  type TokenizerSourceKind,
  type TowerSelection,
} from './lib/model-folder';
export { EXECUTION_PROVIDERS, type ExecutionProvider } from './lib/session-factory';
export { modelContentHash, type ModelHashFile, type ModelHashParts, type ModelHashSettings } from './lib/model-hash';
export {
  CLIP_CONTEXT_LENGTH,
  ClipTokenizer,
  type ClipTokenizerOptions,
  type TokenizerCleanup,
} from './lib/clip-tokenizer';
export {
  CLIP_END_TOKEN,
  CLIP_START_TOKEN,
  CLIP_WORD_END,
  byteToUnicodeEntries,
  clipTokenizerJson,
  clipVocabularyFromMerges,
  parseMergesTxt,
  parseOpenAiBpeGz,
  type BpeMerge,
} from './lib/bpe-vocabulary';
export { ClipTextEncoder, DEFAULT_TEXT_BATCH_SIZE, type TextEncodeOptions } from './lib/text-encoder';
export {
  ClipImageEncoder,
  DEFAULT_DECODE_CONCURRENCY,
  DEFAULT_GPU_IMAGE_BATCH_SIZE,
  DEFAULT_IMAGE_BATCH_SIZE,
  DEFAULT_PREFETCH_BATCHES,
  type ImageEncoderSettings,
  type ImageEncodeOptions,
  type ImageEncodeResult,
  type ImageFailure,
} from './lib/image-encoder';
export { DEFAULT_MAX_INPUT_PIXELS, decodeImageToRgb, type DecodeImageOptions } from './lib/image-decode';
export { resizeBicubicPillow, resizeBicubicPillowRegion, type ResizeRegion } from './lib/pillow-resize';
export { defaultPreprocessThreads } from './lib/preprocess-pool';
export { centerCropRgb, preprocessImage, resizeAndCrop, resizedSize, toPixelValues } from './lib/image-preprocess';
export {
  PIL_BICUBIC,
  fixedOutputSize,
  parsePreprocessorConfig,
  type PreprocessSpec,
  type ResizeSpec,
} from './lib/preprocessor-config';
export type { RgbImage } from './lib/rgb-image';
export {
  InMemoryEmbeddingCache,
  encodeTextsCached,
  fileContentKey,
  textInputKey,
  type EmbeddingCache,
} from './lib/embedding-cache';
