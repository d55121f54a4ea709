// Conformance: neglabel against ../shared/fixtures/dnm-parity (float64 reference of the official
// code). float64: identical indices and order; float32: keys within 2e-6, same set, order swaps only
// between keys closer than 1e-6 (fixture README tolerances).
import { negLabelSelection } from './neglabel.selection';
import { describeSelectionParity } from './selection-parity.testing';

describeSelectionParity(negLabelSelection, {
  fixture: 'neglabel',
  keyFile: 'neglabel_affinity',
  usesIdEmbeddings: true,
});
