// Public API of @negmine/mining: the WordNet candidate corpus, negative-label selection, OOD
// scoring methods and the dense-math kernels behind them. No file system (except the corpus
// loader), no network, no database. Named re-exports only.
export { BACKBONE_IDS, isBackboneId, type BackboneId } from './lib/backbones';
export { MiningError, MiningErrorCode } from './lib/errors';
export { type KernelOptions } from './lib/kernels/ort-session';
