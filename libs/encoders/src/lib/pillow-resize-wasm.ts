// The two passes of the Pillow bicubic resize (see pillow-resize.ts) as WebAssembly SIMD kernels,
// emitted from TypeScript by wasm-module-builder.ts, one pair per tap count in WASM_TAP_VARIANTS (a
// pass runs the smallest that holds its widest kernel, zero-padded). The arithmetic is the
// JS kernels' exactly: int32 products of bytes and 22-bit weights, accumulated from the rounding
// constant, shifted right by 22 and clamped to 0..255 (saturating narrows = Pillow's clip8).
// - horizontal: one output pixel per step, lanes = R, G, B and one ignored lane; each tap is an
//   eight-byte load widened to i16 and its low four lanes to i32x4, times a pre-broadcast weight.
// - vertical: 16 bytes of an output row per step, one source row per tap times its broadcast
//   weight, in four i32x4 accumulators.
// Zero-weight taps past an image edge read bytes that are multiplied by 0, so every buffer in wasm
// memory has slack after it and no column or row needs a separate edge loop.
import { EncodersError, EncodersErrorCode } from './errors';
import { type WasmFunctionBody, WasmModuleBuilder, WasmType } from './wasm-module-builder';

const PRECISION_BITS = 22;
const ROUNDING_START = 1 << (PRECISION_BITS - 1);
const CHANNELS = 3;
/**
 * Tap counts with their own kernels: 8 covers downscales to about 1/1.75, 12 to 1/2.75 (a 480-600 px
 * short side to 224), 16, 24 and 32 to about 1/3.75, 1/5.75 and 1/7.75. Wider passes run in JS.
 */
export const WASM_TAP_VARIANTS = [8, 12, 16, 24, 32] as const;
/** Per output index: the first tap (one i32, padded to 16 bytes), then `taps` broadcast weights. */
const entryInt32s = (taps: number): number => 4 + 4 * taps;
const WASM_PAGE_BYTES = 65_536;
/** Covers a vertical step's 16-byte overhang; horizontal reads past a row add 3 bytes per tap. */
const BUFFER_SLACK = 32;

/** The smallest kernel variant holding `maxTaps` taps, or undefined when none does. */
export function wasmTapsFor(maxTaps: number): number | undefined {
  return WASM_TAP_VARIANTS.find((taps) => taps >= maxTaps);
}

/** horizontal(src, srcRowBytes, rowCount, table, columns, out): every column of every source row. */
function horizontalKernel(f: WasmFunctionBody, taps: number): void {
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
      for (let tap = 0; tap < taps; tap++) {
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
      f.localGet(entry)
        .i32Const(entryInt32s(taps) * 4)
        .i32Add()
        .localSet(entry);
      f.localGet(columnsLeft).i32Const(1).i32Sub().localTee(columnsLeft);
    });
    f.localGet(rowPointer).localGet(srcRowBytes).i32Add().localSet(rowPointer);
    f.localGet(rowsLeft).i32Const(1).i32Sub().localTee(rowsLeft);
  });
}

/** vertical(rowsBase, rowBytes, table, outRows, out): every output row, 16 bytes per step. */
function verticalKernel(f: WasmFunctionBody, taps: number): void {
  // rowsBase: where source row 0 would start (rows are rowBytes apart); entries hold absolute rows.
  const [rowsBase, rowBytes, table, outRows, out] = [0, 1, 2, 3, 4];
  const rowOffsets = Array.from({ length: taps }, () => f.local(WasmType.I32));
  const weights = Array.from({ length: taps }, () => f.local(WasmType.V128));
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
  for (let tap = 0; tap < taps; tap++) f.localGet(rowBytes).i32Const(tap).i32Mul().localSet(rowOffsets[tap]!);
  f.localGet(table).localSet(entry);
  f.localGet(out).localSet(output);
  f.localGet(outRows).localSet(rowsLeft);
  f.doWhile(() => {
    f.localGet(entry).i32Load().localGet(rowBytes).i32Mul().localGet(rowsBase).i32Add().localSet(rowStart);
    for (let tap = 0; tap < taps; tap++)
      f.localGet(entry)
        .v128Load(16 + 16 * tap)
        .localSet(weights[tap]!);
    f.i32Const(0).localSet(offset);
    f.doWhile(() => {
      for (const a of accumulators) f.localGet(rounding).localSet(a);
      for (let tap = 0; tap < taps; tap++) {
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
    f.localGet(entry)
      .i32Const(entryInt32s(taps) * 4)
      .i32Add()
      .localSet(entry);
    f.localGet(rowsLeft).i32Const(1).i32Sub().localTee(rowsLeft);
  });
}

/** The module's bytes: exports memory and horizontal<taps>(...), vertical<taps>(...) per variant. */
export function pillowResizeModuleBytes(): Uint8Array<ArrayBuffer> {
  const builder = new WasmModuleBuilder();
  const i32 = WasmType.I32;
  for (const taps of WASM_TAP_VARIANTS) {
    builder.addFunction(`horizontal${taps}`, [i32, i32, i32, i32, i32, i32], (f) => horizontalKernel(f, taps));
    builder.addFunction(`vertical${taps}`, [i32, i32, i32, i32, i32], (f) => verticalKernel(f, taps));
  }
  return builder.encode(1);
}

type HorizontalKernel = (
  src: number,
  srcRowBytes: number,
  rowCount: number,
  table: number,
  columns: number,
  out: number,
) => void;
type VerticalKernel = (rowsBase: number, rowBytes: number, table: number, outRows: number, out: number) => void;

interface ResizeKernels {
  readonly memory: WebAssembly.Memory;
  readonly horizontal: ReadonlyMap<number, HorizontalKernel>;
  readonly vertical: ReadonlyMap<number, VerticalKernel>;
}

let kernels: ResizeKernels | null | undefined;

function loadKernels(): ResizeKernels | null {
  if (kernels === undefined) {
    const bytes = pillowResizeModuleBytes();
    // Without WebAssembly SIMD (or WebAssembly at all) the JS kernels do the work.
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) kernels = null;
    else {
      const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
      kernels = {
        memory: exports['memory'] as WebAssembly.Memory,
        horizontal: new Map(WASM_TAP_VARIANTS.map((t) => [t, exports[`horizontal${t}`] as HorizontalKernel])),
        vertical: new Map(WASM_TAP_VARIANTS.map((t) => [t, exports[`vertical${t}`] as VerticalKernel])),
      };
    }
  }
  return kernels;
}

/** Whether this runtime can run the wasm kernels. */
export function wasmResizeAvailable(): boolean {
  return loadKernels() !== null;
}

/** One pass's coefficients (see pillow-resize.ts): per output index the first tap, count, weights. */
export interface WasmPassCoefficients {
  readonly first: Int32Array;
  readonly count: Int32Array;
  /** kernelSize weights per output index, of which the first count are used. */
  readonly weights: Int32Array;
  readonly kernelSize: number;
  /** The widest count; must be at most the largest of WASM_TAP_VARIANTS. */
  readonly maxTaps: number;
}

const entryTables = new WeakMap<Int32Array, Int32Array>();

/** The pass's coefficients as kernel entries: first tap, then each weight broadcast to 4 lanes. */
function entries(pass: WasmPassCoefficients, taps: number): Int32Array {
  let table = entryTables.get(pass.weights);
  if (table === undefined) {
    const size = pass.first.length;
    const stride = entryInt32s(taps);
    table = new Int32Array(size * stride);
    for (let i = 0; i < size; i++) {
      table[i * stride] = pass.first[i]!;
      for (let tap = 0; tap < pass.count[i]!; tap++) {
        const at = i * stride + 4 + 4 * tap;
        table.fill(pass.weights[i * pass.kernelSize + tap]!, at, at + 4);
      }
    }
    entryTables.set(pass.weights, table);
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

function unavailable(reason: string): EncodersError {
  return new EncodersError(EncodersErrorCode.InvalidOption, `the wasm resize kernels cannot run: ${reason}`);
}

/** Runs a region resize (see resizeBicubicPillowRegion) in the wasm kernels. */
export function resizeRegionWasm(job: WasmResizeJob): Uint8Array {
  const k = loadKernels();
  if (k === null) throw unavailable('this runtime lacks WebAssembly SIMD; use the JS kernels');
  const { pixels, srcWidth, horizontal, vertical, left, top, width, height, rowStart, rowEnd } = job;
  const tapsOf = (pass: WasmPassCoefficients | undefined): number => {
    if (pass === undefined) return 0;
    const taps = wasmTapsFor(pass.maxTaps);
    if (taps === undefined) throw unavailable(`${pass.maxTaps} taps exceed the widest variant; use the JS kernels`);
    return taps;
  };
  const horizontalTaps = tapsOf(horizontal);
  const verticalTaps = tapsOf(vertical);
  const srcRowBytes = srcWidth * CHANNELS;
  const rowBytes = width * CHANNELS;
  const rowCount = rowEnd - rowStart;
  const horizontalTable = 0;
  const verticalTable = horizontalTable + width * entryInt32s(horizontalTaps) * 4;
  const srcAt = verticalTable + height * entryInt32s(verticalTaps) * 4;
  // Zero-weight taps right of the last pixel read up to 3 bytes per tap (plus the 8-byte load) on.
  const rowsAt =
    srcAt + (horizontal !== undefined ? align16(rowCount * srcRowBytes + 3 * horizontalTaps + BUFFER_SLACK) : 0);
  // Zero-weight taps below the last row read up to taps - 1 rows further.
  const outAt = rowsAt + align16((rowCount + verticalTaps) * rowBytes + BUFFER_SLACK);
  const end = outAt + align16(height * rowBytes + BUFFER_SLACK);
  const missing = end - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
  const memory = new Uint8Array(k.memory.buffer);
  const memoryInt32 = new Int32Array(k.memory.buffer);
  if (horizontal !== undefined) {
    const stride = entryInt32s(horizontalTaps);
    memoryInt32.set(
      entries(horizontal, horizontalTaps).subarray(left * stride, (left + width) * stride),
      horizontalTable / 4,
    );
    memory.set(pixels.subarray(rowStart * srcRowBytes, rowEnd * srcRowBytes), srcAt);
    k.horizontal.get(horizontalTaps)!(srcAt, srcRowBytes, rowCount, horizontalTable, width, rowsAt);
  } else {
    for (let y = rowStart; y < rowEnd; y++) {
      memory.set(
        pixels.subarray((y * srcWidth + left) * CHANNELS, (y * srcWidth + left + width) * CHANNELS),
        rowsAt + (y - rowStart) * rowBytes,
      );
    }
  }
  if (vertical === undefined) return memory.slice(rowsAt, rowsAt + rowCount * rowBytes);
  const stride = entryInt32s(verticalTaps);
  memoryInt32.set(entries(vertical, verticalTaps).subarray(top * stride, (top + height) * stride), verticalTable / 4);
  k.vertical.get(verticalTaps)!(rowsAt - rowStart * rowBytes, rowBytes, verticalTable, height, outAt);
  return memory.slice(outAt, outAt + height * rowBytes);
}
