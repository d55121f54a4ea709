// Public API of @negmine/formats: byte-level codecs for the file formats negmine exchanges
// (.npy arrays, ONNX models). Pure: no file system, no native code.
export { FormatsError, FormatsErrorCode } from './lib/errors';
export {
  asFloat32Matrix,
  asFloat64Vector,
  asIndexVector,
  parseNpy,
  serializeNpy,
  SUPPORTED_NPY_DESCRS,
  type NpyArray,
  type NpyData,
  type NpyDtype,
} from './lib/npy';
export {
  OnnxGraphBuilder,
  type OnnxAttribute,
  type OnnxDim,
  type OnnxElementType,
  type OnnxModelOptions,
  type OnnxTensor,
  type OnnxTensorData,
} from './lib/onnx-model-builder';
export {
  defaultOpsetVersion,
  readOnnxModel,
  type OnnxGraphView,
  type OnnxInitializerView,
  type OnnxModelView,
  type OnnxNodeView,
  type OnnxOpsetImport,
  type OnnxValueInfoView,
} from './lib/onnx-model-reader';
export { composeOnnxModels, type OnnxCompositionOptions } from './lib/onnx-compose';
