// Public API of @negmine/metrics: OOD-detection metrics from ID and OOD scores (higher = more ID).
// Pure: no I/O, no logging; typed arrays inside, plain objects out.
export { MetricsError, MetricsErrorCode } from './lib/errors';
export { evaluate, type EvaluateOptions, type OodMetrics } from './lib/evaluate';
export { auroc, aurocFromSweep } from './lib/auroc';
export { auprIn, auprInFromSweep, auprOut, auprOutFromSweep } from './lib/aupr';
export {
  fprAtTprId,
  fprAtTprIdFromSweep,
  fprAtTprOod,
  fprAtTprOodFromSweep,
  type FprAtTprIdPoint,
} from './lib/fpr-at-tpr';
export { DEFAULT_BINS, histogramsFromSweep, scoreHistograms, type ScoreHistograms } from './lib/histogram';
export { DEFAULT_ROC_POINTS, rocCurve, rocCurveFromSweep, rocSweep, type RocCurve, type RocSweep } from './lib/roc';
export { DEFAULT_RECALL, type ScoreArray, type ScoreKind, type ScoreSets } from './lib/validate';
