// Public API of @negmine/mining: the WordNet candidate corpus, negative-label selection, OOD
// scoring methods and the dense-math kernels behind them. No file system (except the corpus
// loader), no network, no database. Named re-exports only.
export { BACKBONE_IDS, isBackboneId, type BackboneId } from './lib/backbones';
export { MiningError, MiningErrorCode } from './lib/errors';
export { type KernelOptions } from './lib/kernels/ort-session';
export {
  isScoringMethodId,
  SCORING_METHOD_IDS,
  type EmbeddingMatrix,
  type GroupingRecord,
  type OodScoreMethod,
  type ScoreResult,
  type ScoringMethodId,
  type ScoringOptions,
  type ScoringPrecision,
  type ScoringWarning,
  type ScoringWarningCode,
} from './lib/scoring/ood-score-method';
export { scoringMethod, SCORING_METHODS } from './lib/scoring/registry';
export {
  describeRange,
  resolveParameters,
  type ChoiceParameterSpec,
  type NumberParameterSpec,
  type ParameterOverrides,
  type ParameterSchema,
  type ParameterSpec,
  type ParameterValue,
} from './lib/scoring/parameter-schema';
export {
  DEBIASED_PRESETS,
  debiasedPreset,
  SCORING_PRESET_IDS,
  SHIFTED_ID_SET_IDS,
  type ScoringPreset,
  type ScoringPresetId,
  type ShiftedIdSetId,
} from './lib/scoring/scoring-presets';
export { DEBIASED_GUARDS, type DebiasedGuard } from './lib/scoring/debiased.score';
export { SeededRandom } from './lib/scoring/seeded-random';
