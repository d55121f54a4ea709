// NumPy .npy (format 1.0, 2.0, 3.0) reader and writer over bytes; no file I/O. Public.
// Only little-endian (or byte-order-free) C-order arrays of the dtypes below are accepted,
// because every embedding and score in negmine is one of these.
import { FormatsError, FormatsErrorCode } from './errors';

export type NpyDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'uint8' | 'bool';

export type NpyData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Uint8Array;

export interface NpyArray<T extends NpyData = NpyData> {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly data: T;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR_TO_DTYPE: Readonly<Record<string, NpyDtype>> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '<i8': 'int64',
  '<i4': 'int32',
  '<i2': 'int16',
  '|u1': 'uint8',
  '<u1': 'uint8',
  '|b1': 'bool',
};

const DTYPE_TO_DESCR: Readonly<Record<NpyDtype, string>> = {
  float32: '<f4',
  float64: '<f8',
  int64: '<i8',
  int32: '<i4',
  int16: '<i2',
  uint8: '|u1',
  bool: '|b1',
};

const BYTES_PER_ELEMENT: Readonly<Record<NpyDtype, number>> = {
  float32: 4,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  uint8: 1,
  bool: 1,
};

export const SUPPORTED_NPY_DESCRS = Object.keys(DESCR_TO_DTYPE);

/** Parses a .npy file's bytes. The returned data is a copy, aligned for its element type. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new FormatsError(FormatsErrorCode.NpyBadMagic, 'not a .npy file: it must start with the bytes \\x93NUMPY', {
      length: bytes.length,
    });
  }
  const major = bytes[6] ?? 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new FormatsError(FormatsErrorCode.NpyTruncated, '.npy header is truncated');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new FormatsError(
      FormatsErrorCode.NpyBadHeader,
      `unsupported .npy format version ${major}; accepted: 1, 2, 3`,
      { major },
    );
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new FormatsError(FormatsErrorCode.NpyTruncated, '.npy header is truncated', {
      headerLength,
      length: bytes.length,
    });
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { descr, fortranOrder, shape } = parseHeader(header);
  const dtype = DESCR_TO_DTYPE[descr];
  if (dtype === undefined) {
    throw new FormatsError(
      FormatsErrorCode.NpyUnsupportedDtype,
      `unsupported .npy dtype '${descr}'; accepted: ${SUPPORTED_NPY_DESCRS.join(', ')} (little-endian, C order)`,
      { descr },
    );
  }
  if (fortranOrder && shape.length > 1) {
    throw new FormatsError(
      FormatsErrorCode.NpyFortranOrder,
      '.npy array is in Fortran order; save it in C order (numpy.ascontiguousarray) before loading',
      { shape },
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * BYTES_PER_ELEMENT[dtype];
  if (bytes.length - dataStart < byteLength) {
    throw new FormatsError(
      FormatsErrorCode.NpyTruncated,
      `.npy data is truncated: shape [${shape.join(', ')}] of ${dtype} needs ${byteLength} bytes, found ${bytes.length - dataStart}`,
      { shape, dtype, expectedBytes: byteLength, foundBytes: bytes.length - dataStart },
    );
  }
  // A copy that owns its buffer: a Node Buffer's own slice() is a view into a shared pool, whose
  // .buffer would start at another file's bytes.
  const raw = Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + byteLength);
  return { dtype, shape, data: typedArrayOf(dtype, raw.buffer, count) };
}

function typedArrayOf(dtype: NpyDtype, buffer: ArrayBuffer, count: number): NpyData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, 0, count);
    case 'float64':
      return new Float64Array(buffer, 0, count);
    case 'int64':
      return new BigInt64Array(buffer, 0, count);
    case 'int32':
      return new Int32Array(buffer, 0, count);
    case 'int16':
      return new Int16Array(buffer, 0, count);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, 0, count);
  }
}

function parseHeader(header: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new FormatsError(FormatsErrorCode.NpyBadHeader, `malformed .npy header: ${JSON.stringify(header.trim())}`, {
      header,
    });
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) {
        throw new FormatsError(FormatsErrorCode.NpyBadHeader, `malformed .npy shape (${shapeText})`, { header });
      }
      return n;
    });
  return { descr, fortranOrder: fortran === 'True', shape };
}

function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int16Array) return 'int16';
  return 'uint8';
}

/** Serialises a C-order array as .npy format 1.0 (2.0 when the header needs it). */
export function serializeNpy(data: NpyData, shape: readonly number[], dtype: NpyDtype = dtypeOf(data)): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new FormatsError(
      FormatsErrorCode.NpyShapeMismatch,
      `shape [${shape.join(', ')}] holds ${count} elements but the data has ${data.length}`,
      { shape, length: data.length },
    );
  }
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${DTYPE_TO_DESCR[dtype]}', 'fortran_order': False, 'shape': (${shapeText}), }`;
  const v1 = 10 + header.length + 1 <= 65535 + 10;
  const prefix = v1 ? 10 : 12;
  const total = prefix + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(prefix + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + header.length);
  return out;
}

/** A 2-D float32 matrix view of a parsed array, with a clear error for any other shape or dtype. */
export function asFloat32Matrix(array: NpyArray, what: string): { rows: number; cols: number; data: Float32Array } {
  if (array.shape.length !== 2) {
    throw new FormatsError(
      FormatsErrorCode.NpyShapeMismatch,
      `${what} must be a 2-D array (rows × dim); got shape [${array.shape.join(', ')}]`,
      {
        shape: array.shape,
      },
    );
  }
  const [rows, cols] = array.shape as [number, number];
  if (array.dtype === 'float32') return { rows, cols, data: array.data as Float32Array };
  if (array.dtype === 'float64') return { rows, cols, data: Float32Array.from(array.data as Float64Array) };
  throw new FormatsError(
    FormatsErrorCode.NpyUnsupportedDtype,
    `${what} must be float32 or float64; got ${array.dtype}`,
    { dtype: array.dtype },
  );
}

/** A 1-D float64 vector view of a parsed array (float32/float64 accepted). */
export function asFloat64Vector(array: NpyArray, what: string): Float64Array {
  if (array.shape.length !== 1) {
    throw new FormatsError(
      FormatsErrorCode.NpyShapeMismatch,
      `${what} must be a 1-D array; got shape [${array.shape.join(', ')}]`,
      {
        shape: array.shape,
      },
    );
  }
  if (array.dtype === 'float64') return array.data as Float64Array;
  if (array.dtype === 'float32') return Float64Array.from(array.data as Float32Array);
  throw new FormatsError(
    FormatsErrorCode.NpyUnsupportedDtype,
    `${what} must be float32 or float64; got ${array.dtype}`,
    { dtype: array.dtype },
  );
}

/** A 1-D integer index vector (int64 or int32) as an Int32Array; an int64 value outside int32 is an error. */
export function asIndexVector(array: NpyArray, what: string): Int32Array {
  if (array.shape.length !== 1) {
    throw new FormatsError(
      FormatsErrorCode.NpyShapeMismatch,
      `${what} must be a 1-D array; got shape [${array.shape.join(', ')}]`,
      {
        shape: array.shape,
      },
    );
  }
  if (array.dtype === 'int64') {
    const values = array.data as BigInt64Array;
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      // Storing into an Int32Array would wrap silently, turning a bad index into a wrong one.
      const value = values[i]!;
      if (value < -2147483648n || value > 2147483647n) {
        throw new FormatsError(
          FormatsErrorCode.NpyIndexOutOfRange,
          `${what}: index ${value} at position ${i} does not fit in int32`,
          {
            position: i,
            value: String(value),
          },
        );
      }
      out[i] = Number(value);
    }
    return out;
  }
  if (array.dtype === 'int32') return array.data as Int32Array;
  throw new FormatsError(FormatsErrorCode.NpyUnsupportedDtype, `${what} must be int64 or int32; got ${array.dtype}`, {
    dtype: array.dtype,
  });
}
