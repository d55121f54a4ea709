// The two passes of the Pillow bicubic resize (see pillow-resize.ts) as WebAssembly SIMD kernels for
// tables of at most 8 taps, emitted from TypeScript by wasm-module-builder.ts. The arithmetic is the
// JS kernels' exactly: int32 products of bytes and 22-bit weights, accumulated from the rounding
// constant, shifted right by 22 and clamped to 0..255 (saturating narrows = Pillow's clip8).
// - horizontal: one output pixel per step, lanes = R, G, B and one ignored lane; the 8 taps are
//   8 eight-byte loads widened to i16 and their low four lanes to i32x4, times pre-broadcast weights.
// - vertical: 16 bytes of an output row per step, 8 source rows times broadcast weights, in four
//   i32x4 accumulators.
// Zero-weight taps past an image edge read bytes that are multiplied by 0, so every buffer in wasm
// memory has slack after it and no column or row needs a separate edge loop.
import { EncodersError, EncodersErrorCode } from './errors';
import { type WasmFunctionBody, WasmModuleBuilder, WasmType } from './wasm-module-builder';

const PRECISION_BITS = 22;
const ROUNDING_START = 1 << (PRECISION_BITS - 1);
const CHANNELS = 3;
/** Taps per output index in the tables these kernels take (the padded tables of pillow-resize.ts). */
export const WASM_TAPS = 8;
/** Per output index: the first tap (one i32, padded to 16 bytes), then WASM_TAPS broadcast weights. */
const ENTRY_INT32S = 4 + 4 * WASM_TAPS;
const ENTRY_BYTES = ENTRY_INT32S * 4;
const WASM_PAGE_BYTES = 65_536;
/** Covers a horizontal step's reads past the row (up to 26 bytes) and a vertical step's overhang. */
const BUFFER_SLACK = 32;

/** horizontal(src, srcRowBytes, rowCount, table, columns, out): every column of every source row. */
function horizontalKernel(f: WasmFunctionBody): void {
  const [src, srcRowBytes, rowCount, table, columns, out] = [0, 1, 2, 3, 4, 5];
  const rowPointer = f.local(WasmType.I32);
  const rowsLeft = f.local(WasmType.I32);
  const entry = f.local(WasmType.I32);
  const columnsLeft = f.local(WasmType.I32);
  const pixel = f.local(WasmType.I32);
  const output = f.local(WasmType.I32);
  const accumulator = f.local(WasmType.V128);
  const rounding = f.local(WasmType.V128);
  f.i32Const(ROUNDING_START).i32x4Splat().localSet(rounding);
  f.localGet(src).localSet(rowPointer);
  f.localGet(out).localSet(output);
  f.localGet(rowCount).localSet(rowsLeft);
  f.doWhile(() => {
    f.localGet(table).localSet(entry);
    f.localGet(columns).localSet(columnsLeft);
    f.doWhile(() => {
      f.localGet(entry).i32Load().i32Const(CHANNELS).i32Mul().localGet(rowPointer).i32Add().localSet(pixel);
      f.localGet(rounding).localSet(accumulator);
      for (let tap = 0; tap < WASM_TAPS; tap++) {
        f.localGet(accumulator);
        f.localGet(pixel)
          .v128Load8x8U(tap * CHANNELS)
          .i32x4ExtendLowI16x8U();
        f.localGet(entry).v128Load(16 + 16 * tap);
        f.i32x4Mul().i32x4Add().localSet(accumulator);
      }
      f.localGet(output);
      f.localGet(accumulator).i32Const(PRECISION_BITS).i32x4ShrS().localSet(accumulator);
      f.localGet(accumulator).localGet(accumulator).i16x8NarrowI32x4S().localTee(accumulator);
      f.localGet(accumulator).i8x16NarrowI16x8U();
      // Four bytes: the fourth is the next pixel's R (rewritten next) or slack.
      f.v128Store32Lane(0);
      f.localGet(output).i32Const(CHANNELS).i32Add().localSet(output);
      f.localGet(entry).i32Const(ENTRY_BYTES).i32Add().localSet(entry);
      f.localGet(columnsLeft).i32Const(1).i32Sub().localTee(columnsLeft);
    });
    f.localGet(rowPointer).localGet(srcRowBytes).i32Add().localSet(rowPointer);
    f.localGet(rowsLeft).i32Const(1).i32Sub().localTee(rowsLeft);
  });
}

/** vertical(rowsBase, rowBytes, table, outRows, out): every output row, 16 bytes per step. */
function verticalKernel(f: WasmFunctionBody): void {
  // rowsBase: where source row 0 would start (rows are rowBytes apart); entries hold absolute rows.
  const [rowsBase, rowBytes, table, outRows, out] = [0, 1, 2, 3, 4];
  const rowOffsets = Array.from({ length: WASM_TAPS }, () => f.local(WasmType.I32));
  const weights = Array.from({ length: WASM_TAPS }, () => f.local(WasmType.V128));
  const accumulators = Array.from({ length: 4 }, () => f.local(WasmType.V128));
  const entry = f.local(WasmType.I32);
  const rowsLeft = f.local(WasmType.I32);
  const rowStart = f.local(WasmType.I32);
  const offset = f.local(WasmType.I32);
  const output = f.local(WasmType.I32);
  const bytes = f.local(WasmType.V128);
  const low = f.local(WasmType.V128);
  const high = f.local(WasmType.V128);
  const rounding = f.local(WasmType.V128);
  f.i32Const(ROUNDING_START).i32x4Splat().localSet(rounding);
  for (let tap = 0; tap < WASM_TAPS; tap++) f.localGet(rowBytes).i32Const(tap).i32Mul().localSet(rowOffsets[tap]!);
  f.localGet(table).localSet(entry);
  f.localGet(out).localSet(output);
  f.localGet(outRows).localSet(rowsLeft);
  f.doWhile(() => {
    f.localGet(entry).i32Load().localGet(rowBytes).i32Mul().localGet(rowsBase).i32Add().localSet(rowStart);
    for (let tap = 0; tap < WASM_TAPS; tap++)
      f.localGet(entry)
        .v128Load(16 + 16 * tap)
        .localSet(weights[tap]!);
    f.i32Const(0).localSet(offset);
    f.doWhile(() => {
      for (const a of accumulators) f.localGet(rounding).localSet(a);
      for (let tap = 0; tap < WASM_TAPS; tap++) {
        f.localGet(rowStart).localGet(offset).i32Add().localGet(rowOffsets[tap]!).i32Add().v128Load().localSet(bytes);
        f.localGet(bytes).i16x8ExtendLowI8x16U().localSet(low);
        f.localGet(bytes).i16x8ExtendHighI8x16U().localSet(high);
        const widened: Array<[number, 'low' | 'high']> = [
          [low, 'low'],
          [low, 'high'],
          [high, 'low'],
          [high, 'high'],
        ];
        widened.forEach(([half, part], index) => {
          const a = accumulators[index]!;
          f.localGet(a).localGet(half);
          if (part === 'low') f.i32x4ExtendLowI16x8U();
          else f.i32x4ExtendHighI16x8U();
          f.localGet(weights[tap]!).i32x4Mul().i32x4Add().localSet(a);
        });
      }
      f.localGet(output).localGet(offset).i32Add();
      for (const a of accumulators) f.localGet(a).i32Const(PRECISION_BITS).i32x4ShrS();
      // Stack: out, s0..s3; s2 and s3 wait in locals while s0, s1 narrow to one i16x8.
      f.localSet(accumulators[3]!).localSet(accumulators[2]!);
      f.i16x8NarrowI32x4S();
      f.localGet(accumulators[2]!).localGet(accumulators[3]!).i16x8NarrowI32x4S();
      f.i8x16NarrowI16x8U();
      // Sixteen bytes: the overhang lands on the next output row (written next) or slack.
      f.v128Store();
      f.localGet(offset).i32Const(16).i32Add().localTee(offset).localGet(rowBytes).i32LtU();
    });
    f.localGet(output).localGet(rowBytes).i32Add().localSet(output);
    f.localGet(entry).i32Const(ENTRY_BYTES).i32Add().localSet(entry);
    f.localGet(rowsLeft).i32Const(1).i32Sub().localTee(rowsLeft);
  });
}

/** The module's bytes: exports memory, horizontal(...) and vertical(...). */
export function pillowResizeModuleBytes(): Uint8Array<ArrayBuffer> {
  const builder = new WasmModuleBuilder();
  const i32 = WasmType.I32;
  builder.addFunction('horizontal', [i32, i32, i32, i32, i32, i32], horizontalKernel);
  builder.addFunction('vertical', [i32, i32, i32, i32, i32], verticalKernel);
  return builder.encode(1);
}

interface ResizeKernels {
  readonly memory: WebAssembly.Memory;
  horizontal(src: number, srcRowBytes: number, rowCount: number, table: number, columns: number, out: number): void;
  vertical(rowsBase: number, rowBytes: number, table: number, outRows: number, out: number): void;
}

let kernels: ResizeKernels | null | undefined;

function loadKernels(): ResizeKernels | null {
  if (kernels === undefined) {
    const bytes = pillowResizeModuleBytes();
    // Without WebAssembly SIMD (or WebAssembly at all) the JS kernels do the work.
    kernels =
      typeof WebAssembly === 'object' && WebAssembly.validate(bytes)
        ? (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as ResizeKernels)
        : null;
  }
  return kernels;
}

/** Whether this runtime can run the wasm kernels. */
export function wasmResizeAvailable(): boolean {
  return loadKernels() !== null;
}

/** One pass's coefficients: first tap per output index and WASM_TAPS zero-padded weights each. */
export interface WasmPassCoefficients {
  readonly first: Int32Array;
  readonly padded: Int32Array;
}

const entryTables = new WeakMap<Int32Array, Int32Array>();

/** The pass's coefficients as kernel entries (first tap, then each weight broadcast to 4 lanes). */
function entries(pass: WasmPassCoefficients): Int32Array {
  let table = entryTables.get(pass.padded);
  if (table === undefined) {
    const size = pass.first.length;
    table = new Int32Array(size * ENTRY_INT32S);
    for (let i = 0; i < size; i++) {
      table[i * ENTRY_INT32S] = pass.first[i]!;
      for (let tap = 0; tap < WASM_TAPS; tap++)
        table.fill(pass.padded[i * WASM_TAPS + tap]!, i * ENTRY_INT32S + 4 + 4 * tap, i * ENTRY_INT32S + 8 + 4 * tap);
    }
    entryTables.set(pass.padded, table);
  }
  return table;
}

const align16 = (n: number): number => (n + 15) & ~15;

/** The geometry of one region resize: which passes run and the rectangle they cover. */
export interface WasmResizeJob {
  readonly pixels: Uint8Array;
  readonly srcWidth: number;
  /** Undefined when the width does not change (the pass is skipped). */
  readonly horizontal: WasmPassCoefficients | undefined;
  readonly vertical: WasmPassCoefficients | undefined;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Source rows [rowStart, rowEnd) the vertical taps read (the region's rows when skipped). */
  readonly rowStart: number;
  readonly rowEnd: number;
}

/** Runs a region resize (see resizeBicubicPillowRegion) in the wasm kernels. */
export function resizeRegionWasm(job: WasmResizeJob): Uint8Array {
  const k = loadKernels();
  if (k === null) {
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      'the wasm resize kernels need WebAssembly SIMD, which this runtime lacks; use the JS kernels',
    );
  }
  const { pixels, srcWidth, horizontal, vertical, left, top, width, height, rowStart, rowEnd } = job;
  const srcRowBytes = srcWidth * CHANNELS;
  const rowBytes = width * CHANNELS;
  const rowCount = rowEnd - rowStart;
  const horizontalTable = 0;
  const verticalTable = horizontalTable + (horizontal !== undefined ? width * ENTRY_BYTES : 0);
  const srcAt = verticalTable + (vertical !== undefined ? height * ENTRY_BYTES : 0);
  const rowsAt = srcAt + (horizontal !== undefined ? align16(rowCount * srcRowBytes + BUFFER_SLACK) : 0);
  // Zero-weight taps below the last row read up to WASM_TAPS - 1 rows further.
  const outAt = rowsAt + align16((rowCount + WASM_TAPS) * rowBytes + BUFFER_SLACK);
  const end = outAt + align16(height * rowBytes + BUFFER_SLACK);
  const missing = end - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
  const memory = new Uint8Array(k.memory.buffer);
  const memoryInt32 = new Int32Array(k.memory.buffer);
  if (horizontal !== undefined) {
    memoryInt32.set(
      entries(horizontal).subarray(left * ENTRY_INT32S, (left + width) * ENTRY_INT32S),
      horizontalTable / 4,
    );
    memory.set(pixels.subarray(rowStart * srcRowBytes, rowEnd * srcRowBytes), srcAt);
    k.horizontal(srcAt, srcRowBytes, rowCount, horizontalTable, width, rowsAt);
  } else {
    for (let y = rowStart; y < rowEnd; y++) {
      memory.set(
        pixels.subarray((y * srcWidth + left) * CHANNELS, (y * srcWidth + left + width) * CHANNELS),
        rowsAt + (y - rowStart) * rowBytes,
      );
    }
  }
  if (vertical === undefined) return memory.slice(rowsAt, rowsAt + rowCount * rowBytes);
  memoryInt32.set(entries(vertical).subarray(top * ENTRY_INT32S, (top + height) * ENTRY_INT32S), verticalTable / 4);
  k.vertical(rowsAt - rowStart * rowBytes, rowBytes, verticalTable, height, outAt);
  return memory.slice(outAt, outAt + height * rowBytes);
}
