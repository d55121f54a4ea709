// The 15 noise images TANL seeds its negative queue with (official OpenOOD-VLM
// `clip_fixed_ood_prompt.py`): 3 each of Gaussian, uniform, Poisson, gamma and salt-and-pepper noise,
// size × size (224 by default), as the vision tower's input tensor. Pure and seeded: the same seed
// gives the same pixels on every machine. Public.
//
// The documented generator: one SeededRandom(seed) (xoshiro128** seeded through splitmix32), uniform
// u = (nextUint32() + 0.5) / 2^32 ∈ (0, 1), drawn kind by kind in the order above, image by image,
// channel plane by plane (C, H, W), pixel by pixel:
//   gaussian          z = √(−2 ln u1) · cos(2π u2)              then min–max scaled over the kind's 3 images
//   uniform           u                                           (not rescaled, as the official code)
//   poisson (λ = 5)   Knuth: the count of uniforms multiplied until the product ≤ e^−5, minus one; min–max scaled
//   gamma (k = 2, θ = 1)  −ln u1 − ln u2 (a sum of two unit exponentials); min–max scaled
//   salt-and-pepper   1 if u ≥ 0.5 else 0
// As in the official code the values in [0, 1] ARE the model input (no CLIP mean/std normalisation):
// feed `pixelValues` to the vision tower directly (e.g. ClipImageEncoder.encodePixelValues).
import { MiningError, MiningErrorCode } from '../errors';
import { SeededRandom } from '../scoring/seeded-random';

// Module bindings, not global lookups per pixel (see seeded-random.ts).
const { sqrt, log, cos, exp, round, min: minOf, max: maxOf, PI } = Math;

export const NOISE_IMAGE_KINDS = ['gaussian', 'uniform', 'poisson', 'gamma', 'salt-and-pepper'] as const;
export type NoiseImageKind = (typeof NOISE_IMAGE_KINDS)[number];
export const NOISE_IMAGES_PER_KIND = 3;
export const DEFAULT_NOISE_IMAGE_SIZE = 224;

export interface NoiseImage {
  readonly kind: NoiseImageKind;
  /** 0..2 within its kind. */
  readonly index: number;
  readonly width: number;
  readonly height: number;
  /** 3 × height × width float32 in [0, 1], channel planes R, G, B: the vision tower's input as is. */
  readonly pixelValues: Float32Array;
  /** The same image as 8-bit RGB, row-major HWC (round(255 · v)), structurally an encoders RgbImage `pixels`. */
  readonly pixels: Uint8Array;
}

export interface NoiseImageOptions {
  /** Default 0; an integer in [0, 2^32). */
  readonly seed?: number;
  /** Width and height; default 224. */
  readonly size?: number;
}

type Draw = () => number;

const SAMPLERS: Readonly<Record<NoiseImageKind, { sample: (uniform: Draw) => number; rescale: boolean }>> = {
  gaussian: { sample: (u) => sqrt(-2 * log(u())) * cos(2 * PI * u()), rescale: true },
  uniform: { sample: (u) => u(), rescale: false },
  poisson: {
    sample: (u) => {
      const limit = exp(-5);
      let count = 0;
      let product = u();
      while (product > limit) {
        count += 1;
        product *= u();
      }
      return count;
    },
    rescale: true,
  },
  gamma: { sample: (u) => -log(u()) - log(u()), rescale: true },
  'salt-and-pepper': { sample: (u) => (u() >= 0.5 ? 1 : 0), rescale: false },
};

/** The 15 noise images, kinds in NOISE_IMAGE_KINDS order, 3 each. */
export function generateNoiseImages(options: NoiseImageOptions = {}): NoiseImage[] {
  const size = options.size ?? DEFAULT_NOISE_IMAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > 4096) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `noise image size must be an integer in [1, 4096]; got ${size}`,
      { parameter: 'size' },
    );
  }
  const random = new SeededRandom(options.seed ?? 0);
  const uniform: Draw = () => (random.nextUint32() + 0.5) / 4294967296;
  const plane = size * size;
  const images: NoiseImage[] = [];
  for (const kind of NOISE_IMAGE_KINDS) {
    const { sample, rescale } = SAMPLERS[kind];
    const values = new Float64Array(NOISE_IMAGES_PER_KIND * 3 * plane);
    for (let i = 0; i < values.length; i++) values[i] = sample(uniform);
    if (rescale) {
      // Min–max over the kind's three images together, as the official code scales its 3-image tensor.
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        min = minOf(min, v);
        max = maxOf(max, v);
      }
      const range = max - min || 1;
      for (let i = 0; i < values.length; i++) values[i] = (values[i]! - min) / range;
    }
    for (let index = 0; index < NOISE_IMAGES_PER_KIND; index++) {
      const pixelValues = Float32Array.from(values.subarray(index * 3 * plane, (index + 1) * 3 * plane));
      const pixels = new Uint8Array(3 * plane);
      for (let c = 0; c < 3; c++) {
        for (let p = 0; p < plane; p++) pixels[p * 3 + c] = round(255 * pixelValues[c * plane + p]!);
      }
      images.push({ kind, index, width: size, height: size, pixelValues, pixels });
    }
  }
  return images;
}
