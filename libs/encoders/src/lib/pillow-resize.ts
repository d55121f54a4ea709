// Pillow's BICUBIC resize (Image.resize with reducing_gap=None) reproduced bit for bit on 8-bit RGB:
// separable, horizontal pass first, each pass rounding to a clamped uint8 image through 22-bit
// fixed-point weights (Pillow libImaging/Resample.c). Coefficient tables are cached per (source,
// target) size, the arithmetic stays in int32, and a centre crop is computed directly: output pixels
// are independent, so computing only the crop's columns and the rows its taps read is exact.
// Passes of at most 32 taps run in the WebAssembly SIMD kernels of pillow-resize-wasm.ts (same bytes);
// the JS kernels here are the fallback and the reference. Public via resizeBicubicPillow and
// resizeBicubicPillowRegion.
import { EncodersError, EncodersErrorCode } from './errors';
import { resizeRegionWasm, wasmResizeAvailable, wasmTapsFor } from './pillow-resize-wasm';
import type { RgbImage } from './rgb-image';

const PRECISION_BITS = 32 - 8 - 2;
const FIXED_ONE = 1 << PRECISION_BITS;
const ROUNDING_START = 1 << (PRECISION_BITS - 1);
const BICUBIC_SUPPORT = 2;
const BICUBIC_A = -0.5;
const CHANNELS = 3;
/** Distinct (source, target) sizes kept; datasets repeat a few sizes, odd ones are recomputed. */
const COEFFICIENT_CACHE_SIZE = 256;

/** Pillow's bicubic kernel (Keys, a = -0.5). */
function bicubicKernel(t: number): number {
  const x = Math.abs(t);
  if (x < 1) return ((BICUBIC_A + 2) * x - (BICUBIC_A + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * BICUBIC_A;
  return 0;
}

/** Taps of the unrolled kernels: every bicubic resize down to a factor of about 1.75 fits. */
const UNROLLED_TAPS = 8;

/** Per output index: first input tap, tap count, and fixed-point weights (kernelSize per index). */
interface FixedCoefficients {
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly weights: Int32Array;
  readonly kernelSize: number;
  /** The largest count. */
  readonly maxTaps: number;
  /** The weights zero-padded to UNROLLED_TAPS per index, when no index has more taps. */
  readonly padded: Int32Array | undefined;
}

function computeCoefficients(inSize: number, outSize: number): FixedCoefficients {
  const scale = inSize / outSize;
  // Downscaling widens the kernel so every input pixel contributes (antialiasing).
  const filterScale = Math.max(scale, 1);
  const support = BICUBIC_SUPPORT * filterScale;
  const kernelSize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * kernelSize);
  const row = new Float64Array(kernelSize);
  const inverseFilterScale = 1 / filterScale;
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    // C's (int) cast truncates toward zero; both bounds are then clamped to the input.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubicKernel((x + xmin - center + 0.5) * inverseFilterScale);
      row[x] = w;
      sum += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = sum !== 0 ? row[x]! / sum : row[x]!;
      weights[out * kernelSize + x] = w < 0 ? Math.trunc(-0.5 + w * FIXED_ONE) : Math.trunc(0.5 + w * FIXED_ONE);
    }
    first[out] = xmin;
    count[out] = xmax;
  }
  const maxTaps = Math.max(...count);
  let padded: Int32Array | undefined;
  if (maxTaps <= UNROLLED_TAPS) {
    padded = new Int32Array(outSize * UNROLLED_TAPS);
    for (let out = 0; out < outSize; out++)
      padded.set(weights.subarray(out * kernelSize, out * kernelSize + count[out]!), out * UNROLLED_TAPS);
  }
  return { first, count, weights, kernelSize, maxTaps, padded };
}

const coefficientCache = new Map<number, FixedCoefficients>();

function coefficients(inSize: number, outSize: number): FixedCoefficients {
  // Sizes are below 2^26 (sharp's pixel limit), so the pair packs exactly into one double.
  const key = inSize * 67_108_864 + outSize;
  let table = coefficientCache.get(key);
  if (table === undefined) {
    table = computeCoefficients(inSize, outSize);
    if (coefficientCache.size >= COEFFICIENT_CACHE_SIZE) coefficientCache.delete(coefficientCache.keys().next().value!);
    coefficientCache.set(key, table);
  }
  return table;
}

/** Pillow's clip8: shift out the fraction, clamp to a byte. */
function clampToByte(accumulator: number): number {
  const value = accumulator >> PRECISION_BITS;
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

/** Horizontal pass over source rows [y0, y1), output columns [x0, x1) of a resize to outWidth. */
function resizeHorizontal(src: RgbImage, outWidth: number, x0: number, x1: number, y0: number, y1: number): Uint8Array {
  const { first, count, weights, kernelSize, padded } = coefficients(src.width, outWidth);
  const pixels = src.pixels;
  const width = x1 - x0;
  const out = new Uint8Array(width * (y1 - y0) * CHANNELS);
  const inRowBytes = src.width * CHANNELS;
  const outRowBytes = width * CHANNELS;
  // Column by column: a column's 8 weights stay in registers for all its rows, and the taps are
  // unrolled with constant offsets (the padding weights are 0). A column whose 8 taps would run past
  // the row end takes the generic loop instead, so every read stays inside the row.
  for (let x = x0; x < x1; x++) {
    let p = y0 * inRowBytes + first[x]! * CHANNELS;
    let o = (x - x0) * CHANNELS;
    if (padded !== undefined && first[x]! + UNROLLED_TAPS <= src.width) {
      const k = x * UNROLLED_TAPS;
      const w0 = padded[k]!;
      const w1 = padded[k + 1]!;
      const w2 = padded[k + 2]!;
      const w3 = padded[k + 3]!;
      const w4 = padded[k + 4]!;
      const w5 = padded[k + 5]!;
      const w6 = padded[k + 6]!;
      const w7 = padded[k + 7]!;
      // 255 * |weights| sums below 2^31 (weights sum to 2^22), so the double sums are exact ints.
      for (let y = y0; y < y1; y++, p += inRowBytes, o += outRowBytes) {
        out[o] = clampToByte(
          ROUNDING_START +
            pixels[p]! * w0 +
            pixels[p + 3]! * w1 +
            pixels[p + 6]! * w2 +
            pixels[p + 9]! * w3 +
            pixels[p + 12]! * w4 +
            pixels[p + 15]! * w5 +
            pixels[p + 18]! * w6 +
            pixels[p + 21]! * w7,
        );
        out[o + 1] = clampToByte(
          ROUNDING_START +
            pixels[p + 1]! * w0 +
            pixels[p + 4]! * w1 +
            pixels[p + 7]! * w2 +
            pixels[p + 10]! * w3 +
            pixels[p + 13]! * w4 +
            pixels[p + 16]! * w5 +
            pixels[p + 19]! * w6 +
            pixels[p + 22]! * w7,
        );
        out[o + 2] = clampToByte(
          ROUNDING_START +
            pixels[p + 2]! * w0 +
            pixels[p + 5]! * w1 +
            pixels[p + 8]! * w2 +
            pixels[p + 11]! * w3 +
            pixels[p + 14]! * w4 +
            pixels[p + 17]! * w5 +
            pixels[p + 20]! * w6 +
            pixels[p + 23]! * w7,
        );
      }
      continue;
    }
    const k = x * kernelSize;
    const end = k + count[x]!;
    for (let y = y0; y < y1; y++, p += inRowBytes, o += outRowBytes) {
      let r = ROUNDING_START;
      let g = ROUNDING_START;
      let b = ROUNDING_START;
      let q = p;
      for (let t = k; t < end; t++, q += CHANNELS) {
        const w = weights[t]!;
        r = (r + pixels[q]! * w) | 0;
        g = (g + pixels[q + 1]! * w) | 0;
        b = (b + pixels[q + 2]! * w) | 0;
      }
      out[o] = clampToByte(r);
      out[o + 1] = clampToByte(g);
      out[o + 2] = clampToByte(b);
    }
  }
  return out;
}

/**
 * Vertical pass of a resize of `srcHeight` rows to outHeight, over output rows [y0, y1); `rows`
 * holds source rows [rowOffset, ...) of `rowBytes` bytes each. With at most 8 taps the tap loop is
 * unrolled (row offsets past the last tap repeat it with weight 0, so reads stay in bounds);
 * otherwise whole rows are accumulated so memory is read sequentially.
 */
function resizeVertical(
  rows: Uint8Array,
  rowBytes: number,
  rowOffset: number,
  srcHeight: number,
  outHeight: number,
  y0: number,
  y1: number,
): Uint8Array {
  const { first, count, weights, kernelSize, padded } = coefficients(srcHeight, outHeight);
  const out = new Uint8Array(rowBytes * (y1 - y0));
  if (padded !== undefined) {
    let o = 0;
    for (let y = y0; y < y1; y++) {
      const k = y * UNROLLED_TAPS;
      const last = count[y]! - 1;
      const base = (first[y]! - rowOffset) * rowBytes;
      const r1 = Math.min(1, last) * rowBytes;
      const r2 = Math.min(2, last) * rowBytes;
      const r3 = Math.min(3, last) * rowBytes;
      const r4 = Math.min(4, last) * rowBytes;
      const r5 = Math.min(5, last) * rowBytes;
      const r6 = Math.min(6, last) * rowBytes;
      const r7 = Math.min(7, last) * rowBytes;
      const w0 = padded[k]!;
      const w1 = padded[k + 1]!;
      const w2 = padded[k + 2]!;
      const w3 = padded[k + 3]!;
      const w4 = padded[k + 4]!;
      const w5 = padded[k + 5]!;
      const w6 = padded[k + 6]!;
      const w7 = padded[k + 7]!;
      for (let i = 0; i < rowBytes; i++) {
        const p = base + i;
        out[o++] = clampToByte(
          ROUNDING_START +
            rows[p]! * w0 +
            rows[p + r1]! * w1 +
            rows[p + r2]! * w2 +
            rows[p + r3]! * w3 +
            rows[p + r4]! * w4 +
            rows[p + r5]! * w5 +
            rows[p + r6]! * w6 +
            rows[p + r7]! * w7,
        );
      }
    }
    return out;
  }
  const accumulator = new Int32Array(rowBytes);
  for (let y = y0; y < y1; y++) {
    accumulator.fill(ROUNDING_START);
    const start = first[y]! - rowOffset;
    const k = y * kernelSize;
    const taps = count[y]!;
    for (let t = 0; t < taps; t++) {
      const w = weights[k + t]!;
      const base = (start + t) * rowBytes;
      for (let i = 0; i < rowBytes; i++) accumulator[i] = (accumulator[i]! + rows[base + i]! * w) | 0;
    }
    const o = (y - y0) * rowBytes;
    for (let i = 0; i < rowBytes; i++) out[o + i] = clampToByte(accumulator[i]!);
  }
  return out;
}

/** A rectangle of the resized image: columns [left, left + width), rows [top, top + height). */
export interface ResizeRegion {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

function checkResizeArguments(src: RgbImage, outWidth: number, outHeight: number): void {
  if (!Number.isInteger(outWidth) || !Number.isInteger(outHeight) || outWidth < 1 || outHeight < 1) {
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `resize target must be positive integers; got ${outWidth}x${outHeight}`,
      {
        outWidth,
        outHeight,
      },
    );
  }
  if (src.pixels.length !== src.width * src.height * CHANNELS) {
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `RGB image of ${src.width}x${src.height} needs ${src.width * src.height * CHANNELS} bytes; got ${src.pixels.length}`,
    );
  }
}

/**
 * Which kernels run the passes: 'wasm' (SIMD, used whenever every pass has at most 32 taps and the
 * runtime has WebAssembly SIMD; otherwise the JS kernels) or 'js' (always the JS kernels, the
 * reference the wasm kernels are checked against). Both give identical bytes.
 */
export type ResizeKernels = 'wasm' | 'js';

/**
 * The kernels a resize of `src` to outWidth x outHeight runs when `requested` are asked for: 'wasm'
 * only if the runtime has WebAssembly SIMD and every pass that runs fits a wasm kernel variant.
 */
export function resizeKernelsFor(
  src: { readonly width: number; readonly height: number },
  outWidth: number,
  outHeight: number,
  requested: ResizeKernels = 'wasm',
): ResizeKernels {
  if (requested === 'js' || !wasmResizeAvailable()) return 'js';
  const fits = (inSize: number, outSize: number): boolean =>
    inSize === outSize || wasmTapsFor(coefficients(inSize, outSize).maxTaps) !== undefined;
  return fits(src.width, outWidth) && fits(src.height, outHeight) ? 'wasm' : 'js';
}

/**
 * The pixels of `region` of Pillow's `image.resize((outWidth, outHeight), Image.BICUBIC)`, computing
 * nothing outside it. A pass is skipped when its size does not change, exactly as Pillow skips it.
 */
export function resizeBicubicPillowRegion(
  src: RgbImage,
  outWidth: number,
  outHeight: number,
  region: ResizeRegion,
  kernels: ResizeKernels = 'wasm',
): RgbImage {
  checkResizeArguments(src, outWidth, outHeight);
  const { left, top, width, height } = region;
  if (
    ![left, top, width, height].every(Number.isInteger) ||
    left < 0 ||
    top < 0 ||
    width < 1 ||
    height < 1 ||
    left + width > outWidth ||
    top + height > outHeight
  ) {
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `region ${width}x${height}+${left}+${top} is not inside the ${outWidth}x${outHeight} resize`,
      {
        region,
        outWidth,
        outHeight,
      },
    );
  }
  const needVertical = outHeight !== src.height;
  // Source rows the vertical taps of output rows [top, top + height) read (all of them when skipped).
  let rowStart = top;
  let rowEnd = top + height;
  if (needVertical) {
    const { first, count } = coefficients(src.height, outHeight);
    rowStart = src.height;
    rowEnd = 0;
    for (let y = top; y < top + height; y++) {
      rowStart = Math.min(rowStart, first[y]!);
      rowEnd = Math.max(rowEnd, first[y]! + count[y]!);
    }
  }
  const horizontal = outWidth !== src.width ? coefficients(src.width, outWidth) : undefined;
  const vertical = needVertical ? coefficients(src.height, outHeight) : undefined;
  if (resizeKernelsFor(src, outWidth, outHeight, kernels) === 'wasm') {
    const pixels = resizeRegionWasm({
      pixels: src.pixels,
      srcWidth: src.width,
      horizontal,
      vertical,
      left,
      top,
      width,
      height,
      rowStart,
      rowEnd,
    });
    return { width, height, pixels };
  }
  let rows: Uint8Array;
  if (outWidth !== src.width) rows = resizeHorizontal(src, outWidth, left, left + width, rowStart, rowEnd);
  else {
    rows = new Uint8Array(width * (rowEnd - rowStart) * CHANNELS);
    for (let y = rowStart; y < rowEnd; y++) {
      rows.set(
        src.pixels.subarray((y * src.width + left) * CHANNELS, (y * src.width + left + width) * CHANNELS),
        (y - rowStart) * width * CHANNELS,
      );
    }
  }
  const pixels = needVertical
    ? resizeVertical(rows, width * CHANNELS, rowStart, src.height, outHeight, top, top + height)
    : rows;
  return { width, height, pixels };
}

/** Resizes like Pillow's `image.resize((outWidth, outHeight), Image.BICUBIC)`, bit for bit. */
export function resizeBicubicPillow(
  src: RgbImage,
  outWidth: number,
  outHeight: number,
  kernels: ResizeKernels = 'wasm',
): RgbImage {
  return resizeBicubicPillowRegion(
    src,
    outWidth,
    outHeight,
    { left: 0, top: 0, width: outWidth, height: outHeight },
    kernels,
  );
}
