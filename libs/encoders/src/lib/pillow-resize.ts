// Pillow's BICUBIC resize (Image.resize with reducing_gap=None) reproduced bit for bit on 8-bit RGB:
// separable, horizontal pass first, each pass rounding to a clamped uint8 image through 22-bit
// fixed-point weights (Pillow libImaging/Resample.c). Public via resizeBicubicPillow.
import { EncodersError, EncodersErrorCode } from './errors';
import type { RgbImage } from './rgb-image';

const PRECISION_BITS = 32 - 8 - 2;
const FIXED_ONE = 1 << PRECISION_BITS;
const ROUNDING_START = 1 << (PRECISION_BITS - 1);
const BICUBIC_SUPPORT = 2;
const BICUBIC_A = -0.5;
const CHANNELS = 3;

/** Pillow's bicubic kernel (Keys, a = -0.5). */
function bicubicKernel(t: number): number {
  const x = Math.abs(t);
  if (x < 1) return ((BICUBIC_A + 2) * x - (BICUBIC_A + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * BICUBIC_A;
  return 0;
}

/** Per output index: first input tap, tap count, and fixed-point weights (ksize per row). */
interface FixedCoefficients {
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly weights: Int32Array;
  readonly kernelSize: number;
}

function precomputeCoefficients(inSize: number, outSize: number): FixedCoefficients {
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
  return { first, count, weights, kernelSize };
}

function clampToByte(accumulator: number): number {
  const value = accumulator >> PRECISION_BITS;
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

function resizeHorizontal(src: RgbImage, outWidth: number): RgbImage {
  const { first, count, weights, kernelSize } = precomputeCoefficients(src.width, outWidth);
  const out = new Uint8Array(outWidth * src.height * CHANNELS);
  const inRowBytes = src.width * CHANNELS;
  for (let y = 0; y < src.height; y++) {
    const inRow = y * inRowBytes;
    const outRow = y * outWidth * CHANNELS;
    for (let x = 0; x < outWidth; x++) {
      const start = first[x]!;
      const taps = count[x]!;
      const k = x * kernelSize;
      let r = ROUNDING_START;
      let g = ROUNDING_START;
      let b = ROUNDING_START;
      for (let t = 0; t < taps; t++) {
        const w = weights[k + t]!;
        const p = inRow + (start + t) * CHANNELS;
        r += src.pixels[p]! * w;
        g += src.pixels[p + 1]! * w;
        b += src.pixels[p + 2]! * w;
      }
      const o = outRow + x * CHANNELS;
      out[o] = clampToByte(r);
      out[o + 1] = clampToByte(g);
      out[o + 2] = clampToByte(b);
    }
  }
  return { width: outWidth, height: src.height, pixels: out };
}

function resizeVertical(src: RgbImage, outHeight: number): RgbImage {
  const { first, count, weights, kernelSize } = precomputeCoefficients(src.height, outHeight);
  const rowBytes = src.width * CHANNELS;
  const out = new Uint8Array(rowBytes * outHeight);
  for (let y = 0; y < outHeight; y++) {
    const start = first[y]!;
    const taps = count[y]!;
    const k = y * kernelSize;
    const outRow = y * rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      let acc = ROUNDING_START;
      for (let t = 0; t < taps; t++) acc += src.pixels[(start + t) * rowBytes + i]! * weights[k + t]!;
      out[outRow + i] = clampToByte(acc);
    }
  }
  return { width: src.width, height: outHeight, pixels: out };
}

/**
 * Resizes like Pillow's `image.resize((outWidth, outHeight), Image.BICUBIC)`: a pass is skipped when
 * its size does not change, exactly as Pillow skips it (so results match bit for bit).
 */
export function resizeBicubicPillow(src: RgbImage, outWidth: number, outHeight: number): RgbImage {
  if (!Number.isInteger(outWidth) || !Number.isInteger(outHeight) || outWidth < 1 || outHeight < 1) {
    throw new EncodersError(EncodersErrorCode.InvalidOption, `resize target must be positive integers; got ${outWidth}x${outHeight}`, {
      outWidth,
      outHeight,
    });
  }
  if (src.pixels.length !== src.width * src.height * CHANNELS) {
    throw new EncodersError(EncodersErrorCode.InvalidOption, `RGB image of ${src.width}x${src.height} needs ${src.width * src.height * CHANNELS} bytes; got ${src.pixels.length}`);
  }
  let image = src;
  if (outWidth !== image.width) image = resizeHorizontal(image, outWidth);
  if (outHeight !== image.height) image = resizeVertical(image, outHeight);
  return image === src ? { width: src.width, height: src.height, pixels: src.pixels.slice() } : image;
}
