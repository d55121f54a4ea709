// uint8 HWC -> float32 CHW through the per-(channel, byte) value table of image-preprocess.ts, as
// a WebAssembly loop: the same table lookups as the JS loop, so the same floats. Internal.
import { WasmModuleBuilder, WasmType } from './wasm-module-builder';

const CHANNELS = 3;
const TABLE_BYTES = CHANNELS * 256 * 4;
const WASM_PAGE_BYTES = 65_536;

/** toPlanes(pixels, pixelCount, table, out): out[c * pixelCount + i] = table[c * 256 + byte]. */
function pixelValuesModuleBytes(): Uint8Array<ArrayBuffer> {
  const builder = new WasmModuleBuilder();
  const i32 = WasmType.I32;
  builder.addFunction('toPlanes', [i32, i32, i32, i32], (f) => {
    const [pixels, pixelCount, table, out] = [0, 1, 2, 3];
    const left = f.local(WasmType.I32);
    const input = f.local(WasmType.I32);
    const output = f.local(WasmType.I32);
    const planeBytes = f.local(WasmType.I32);
    f.localGet(pixels).localSet(input);
    f.localGet(out).localSet(output);
    f.localGet(pixelCount).localSet(left);
    f.localGet(pixelCount).i32Const(2).i32Shl().localSet(planeBytes);
    f.doWhile(() => {
      for (let channel = 0; channel < CHANNELS; channel++) {
        f.localGet(output);
        if (channel > 0) {
          f.localGet(planeBytes);
          if (channel > 1) f.i32Const(channel).i32Mul();
          f.i32Add();
        }
        f.localGet(input).i32Load8U(channel).i32Const(2).i32Shl().localGet(table).i32Add();
        f.f32Load(channel * 256 * 4).f32Store();
      }
      f.localGet(input).i32Const(CHANNELS).i32Add().localSet(input);
      f.localGet(output).i32Const(4).i32Add().localSet(output);
      f.localGet(left).i32Const(1).i32Sub().localTee(left);
    });
  });
  return builder.encode(1);
}

interface PixelValuesKernel {
  readonly memory: WebAssembly.Memory;
  toPlanes(pixels: number, pixelCount: number, table: number, out: number): void;
}

let kernel: PixelValuesKernel | null | undefined;

function loadKernel(): PixelValuesKernel | null {
  if (kernel === undefined) {
    const bytes = pixelValuesModuleBytes();
    kernel =
      typeof WebAssembly === 'object' && WebAssembly.validate(bytes)
        ? (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as PixelValuesKernel)
        : null;
  }
  return kernel;
}

/** Fills `out` (3 planes of width x height) from HWC `pixels`; false when WebAssembly is missing. */
export function pixelValuesWasm(pixels: Uint8Array, table: Float32Array, out: Float32Array): boolean {
  const k = loadKernel();
  const pixelCount = pixels.length / CHANNELS;
  if (k === null || pixelCount === 0) return false;
  const tableAt = 0;
  const pixelsAt = TABLE_BYTES;
  const outAt = pixelsAt + ((pixels.length + 15) & ~15);
  const missing = outAt + out.byteLength - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
  new Float32Array(k.memory.buffer, tableAt, table.length).set(table);
  new Uint8Array(k.memory.buffer).set(pixels, pixelsAt);
  k.toPlanes(pixelsAt, pixelCount, tableAt, outAt);
  out.set(new Float32Array(k.memory.buffer, outAt, out.length));
  return true;
}
