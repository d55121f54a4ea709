// Test helpers of @negmine/encoders (not part of the runtime API): the deterministic tiny CLIP model
// generator (also used by tools/fixtures and the demo seed) and synthetic image files.
export { writeTinyClipModel, type TinyClipModelInfo, type TinyClipModelOptions } from './testing/tiny-clip-model';
export { writeSyntheticImages, type SyntheticImageOptions } from './testing/synthetic-images';
export { trainBpeMerges } from './testing/bpe-trainer';
export { TRAINING_WORDS } from './testing/training-words';
export { seededRandom, type SeededRandom } from './testing/seeded-random';
