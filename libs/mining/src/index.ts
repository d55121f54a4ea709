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
  type DiagnosticValue,
  type GroupingRecord,
  type IndexOrder,
  type MethodInputName,
  type MethodInputs,
  type OodScoreMethod,
  type ScoreResult,
  type ScoringMethodId,
  type ScoringDiagnostics,
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
export {
  buildDetector,
  detectorMethod,
  embeddingContentHash,
  type BuiltDetector,
  type DetectorRequest,
  type DetectorThreshold,
} from './lib/detector/build-detector';
export { DETECTOR_METHOD_IDS, isDetectorMethodId, type DetectorMethodId } from './lib/detector/detector-epilogues';
export { DETECTOR_INPUT, DETECTOR_OPSET, DETECTOR_OUTPUTS } from './lib/detector/detector-graph';
export {
  DETECTOR_FORMAT_VERSION,
  parseDetectorManifest,
  serializeDetectorManifest,
  type DetectorManifest,
  type DetectorNegative,
} from './lib/detector/detector-manifest';
export {
  DEFAULT_DETECTOR_CHUNK_ROWS,
  DetectorRunner,
  detectorEmbeddingDim,
  type DetectionResult,
  type DetectorRunnerOptions,
} from './lib/detector/detector-runner';
export {
  calibrateThreshold,
  DEFAULT_TARGET_TPR,
  operatingPointAt,
  type OperatingPoint,
  type ThresholdCalibration,
} from './lib/detector/threshold-calibration';
export { composePipeline, type PipelineOptions } from './lib/detector/pipeline';
export { isPartOfSpeech, PARTS_OF_SPEECH, type PartOfSpeech } from './lib/corpus/part-of-speech';
export {
  CANDIDATE_LEXNAMES,
  DEFAULT_EXCLUDED_LEXNAMES,
  WORDNET_LEXNAMES,
  type WordNetLexname,
} from './lib/corpus/wordnet-lexnames';
export {
  parseWordNetDatabase,
  type WordNetDatabase,
  type WordNetDataTexts,
  type WordNetSynset,
} from './lib/corpus/wordnet-synsets';
export { loadWordNetDatabase, readWordNetDataTexts, wordNetDictFolder } from './lib/corpus/wordnet-files';
export {
  buildWordNetCorpus,
  validateWordNetCorpusOptions,
  type WordNetCorpusOptions,
} from './lib/corpus/wordnet-corpus';
export { buildCustomCorpus, type CustomCorpusItem, type CustomCorpusOptions } from './lib/corpus/custom-corpus';
export {
  countEntriesByLexname,
  DEFAULT_PROMPT_TEMPLATES,
  idLabelPrompts,
  type CandidateCorpus,
  type CorpusEntry,
  type PromptTemplates,
} from './lib/corpus/candidate-corpus';
export { CSP_SUPERCLASSES, type ConjugationOptions } from './lib/corpus/conjugated-pool';
export { sha256Hex, sha256HexOfText } from './lib/hash/sha256';
export {
  SELECTION_METHOD_IDS,
  type SelectionInput,
  type SelectionMethodId,
  type SelectionPrecision,
  type SelectionResult,
  type SelectionStrategy,
} from './lib/selection/selection-strategy';
export { knnDensitySelection, type KnnDensityParams } from './lib/selection/knn-density.selection';
export { type KnnDistance } from './lib/selection/knn-log-density';
export { negLabelSelection, type NegLabelParams } from './lib/selection/neglabel.selection';
export {
  isSelectionMethodId,
  selectionStrategy,
  selectWithout,
  SELECTION_STRATEGIES,
  type SelectionParamsById,
} from './lib/selection/selection-registry';
export { KNN_DENSITY_PRESETS, knnDensityPreset, type KnnDensityPreset } from './lib/selection/selection-presets';
export {
  diagnoseFalseNegatives,
  type FalseNegativeDiagnosis,
  type FalseNegativeFlags,
  type FalseNegativeInput,
  type FalseNegativeOptions,
} from './lib/selection/false-negative-diagnostics';
export { MatmulKernel } from './lib/kernels/score-matmul.kernel';
export {
  DEFAULT_STREAM_BATCH_SIZE,
  DEFAULT_STREAM_SEED,
  evaluateMethod,
  MEAN_METRIC_NAMES,
  type EvaluateMethodRequest,
  type MeanMetricName,
  type MeanMetrics,
  type MethodEvaluation,
  type NamedImageSet,
  type SetEvaluation,
  type SetMetrics,
  type StreamOrderRecord,
  type StreamProtocolOptions,
} from './lib/evaluation/evaluate-method';
export { checkPermutation, seededPermutation, SplitMix64, streamOrderSha256 } from './lib/evaluation/stream-order';
export {
  NOISE_INIT_SEED_OFFSET,
  POSITIVE_INIT_SEED_OFFSET,
  resolveTestTimeInputs,
  type InitOrderRecord,
  type TestTimeInputRecord,
} from './lib/evaluation/test-time-inputs';
export {
  DEFAULT_NOISE_IMAGE_SIZE,
  generateNoiseImages,
  NOISE_IMAGE_KINDS,
  NOISE_IMAGES_PER_KIND,
  type NoiseImage,
  type NoiseImageKind,
  type NoiseImageOptions,
} from './lib/evaluation/noise-images';
export {
  DEFAULT_SWEEP_MAX_POINTS,
  objectiveImproves,
  resolveSweepGrid,
  runSweep,
  SWEEP_OBJECTIVES,
  type SweepChild,
  type SweepGrid,
  type SweepObjective,
  type SweepRequest,
  type SweepResult,
  type SweepSets,
} from './lib/evaluation/sweep';
