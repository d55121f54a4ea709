// Typed errors of @negmine/formats: every failure carries a code and the details a caller can act on.

export enum FormatsErrorCode {
  NpyBadMagic = 'NPY_BAD_MAGIC',
  NpyBadHeader = 'NPY_BAD_HEADER',
  NpyUnsupportedDtype = 'NPY_UNSUPPORTED_DTYPE',
  NpyFortranOrder = 'NPY_FORTRAN_ORDER',
  NpyTruncated = 'NPY_TRUNCATED',
  NpyShapeMismatch = 'NPY_SHAPE_MISMATCH',
  /** An int64 index does not fit the int32 index vector it is read into. */
  NpyIndexOutOfRange = 'NPY_INDEX_OUT_OF_RANGE',
  OnnxInvalidGraph = 'ONNX_INVALID_GRAPH',
  /** The bytes are not a decodable ONNX ModelProto. */
  OnnxUndecodable = 'ONNX_UNDECODABLE',
  /** Two graphs cannot be composed (missing or clashing names, opsets, external data). */
  OnnxCompositionFailed = 'ONNX_COMPOSITION_FAILED',
}

export class FormatsError extends Error {
  override readonly name = 'FormatsError';

  constructor(
    readonly code: FormatsErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
