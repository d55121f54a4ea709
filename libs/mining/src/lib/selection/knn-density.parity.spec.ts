// Conformance: knn-density against ../shared/fixtures/dnm-parity (float64 reference of the official
// code). float64: identical indices and order; float32: keys within 2e-6, same set, order swaps only
// between keys closer than 1e-6 (fixture README tolerances).
import { knnDensitySelection } from './knn-density.selection';
import { describeSelectionParity } from './selection-parity.testing';

describeSelectionParity(knnDensitySelection, { fixture: 'seed', keyFile: 'knn_density', usesIdEmbeddings: false });
