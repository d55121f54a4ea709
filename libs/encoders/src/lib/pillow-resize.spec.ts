// The optimised Pillow resize against a plain transcription of Pillow's Resample.c (full passes,
// fresh coefficients, float-free int loops): identical bytes on random images and sizes, for full
// resizes and for every region (the centre-crop shortcut), up- and downscaling, passes skipped.
import { seededRandom } from '../testing';
import { EncodersErrorCode } from './errors';
import { resizeBicubicPillow, resizeBicubicPillowRegion } from './pillow-resize';
import type { RgbImage } from './rgb-image';

/** Pillow's ImagingResample for BICUBIC on RGB, written for clarity, not speed. */
function referenceResize(src: RgbImage, outWidth: number, outHeight: number): RgbImage {
  const kernel = (t: number): number => {
    const x = Math.abs(t);
    if (x < 1) return (1.5 * x - 2.5) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * -0.5;
    return 0;
  };
  const coefficients = (inSize: number, outSize: number): Array<{ xmin: number; weights: number[] }> => {
    const scale = inSize / outSize;
    const filterScale = Math.max(scale, 1);
    const support = 2 * filterScale;
    return Array.from({ length: outSize }, (_, out) => {
      const center = (out + 0.5) * scale;
      const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
      const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
      const raw = Array.from({ length: xmax }, (_, x) => kernel((x + xmin - center + 0.5) / filterScale));
      const sum = raw.reduce((a, b) => a + b, 0);
      return {
        xmin,
        weights: raw
          .map((w) => (sum !== 0 ? w / sum : w))
          .map((w) => (w < 0 ? Math.trunc(-0.5 + w * 2 ** 22) : Math.trunc(0.5 + w * 2 ** 22))),
      };
    });
  };
  const clip = (v: number): number => Math.min(255, Math.max(0, Math.floor(v / 2 ** 22)));
  let image = src;
  if (outWidth !== image.width) {
    const c = coefficients(image.width, outWidth);
    const out = new Uint8Array(outWidth * image.height * 3);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < outWidth; x++) {
        for (let ch = 0; ch < 3; ch++) {
          let acc = 2 ** 21;
          c[x]!.weights.forEach((w, t) => (acc += image.pixels[(y * image.width + c[x]!.xmin + t) * 3 + ch]! * w));
          out[(y * outWidth + x) * 3 + ch] = clip(acc);
        }
      }
    }
    image = { width: outWidth, height: image.height, pixels: out };
  }
  if (outHeight !== image.height) {
    const c = coefficients(image.height, outHeight);
    const out = new Uint8Array(image.width * outHeight * 3);
    for (let y = 0; y < outHeight; y++) {
      for (let i = 0; i < image.width * 3; i++) {
        let acc = 2 ** 21;
        c[y]!.weights.forEach((w, t) => (acc += image.pixels[(c[y]!.xmin + t) * image.width * 3 + i]! * w));
        out[y * image.width * 3 + i] = clip(acc);
      }
    }
    image = { width: image.width, height: outHeight, pixels: out };
  }
  return image;
}

function randomImage(random: ReturnType<typeof seededRandom>, width: number, height: number): RgbImage {
  // Sharp edges and extremes: the bicubic overshoot must clamp exactly as Pillow's clip8 does.
  const pixels = new Uint8Array(width * height * 3).map(() =>
    random.uniform() < 0.3 ? (random.uniform() < 0.5 ? 0 : 255) : Math.floor(random.uniform() * 256),
  );
  return { width, height, pixels };
}

describe('resizeBicubicPillow', () => {
  const random = seededRandom(11);
  const cases: Array<[number, number, number, number]> = [
    [50, 37, 29, 22],
    [17, 40, 33, 61],
    [64, 48, 64, 30],
    [31, 29, 12, 29],
    [9, 7, 40, 5],
    [120, 90, 45, 33],
  ];

  it.each(cases)('%dx%d -> %dx%d is byte-identical to the reference', (w, h, ow, oh) => {
    const src = randomImage(random, w, h);
    const expected = referenceResize(src, ow, oh);
    const actual = resizeBicubicPillow(src, ow, oh);
    expect(actual.width).toBe(ow);
    expect(actual.height).toBe(oh);
    expect(Buffer.compare(Buffer.from(actual.pixels), Buffer.from(expected.pixels))).toBe(0);
  });

  it.each(cases)('every region of %dx%d -> %dx%d equals the same crop of the full resize', (w, h, ow, oh) => {
    const src = randomImage(random, w, h);
    const full = referenceResize(src, ow, oh);
    for (let trial = 0; trial < 8; trial++) {
      const width = 1 + Math.floor(random.uniform() * ow);
      const height = 1 + Math.floor(random.uniform() * oh);
      const left = Math.floor(random.uniform() * (ow - width + 1));
      const top = Math.floor(random.uniform() * (oh - height + 1));
      const region = resizeBicubicPillowRegion(src, ow, oh, { left, top, width, height });
      for (let y = 0; y < height; y++) {
        const expected = full.pixels.subarray(((top + y) * ow + left) * 3, ((top + y) * ow + left + width) * 3);
        expect(
          Buffer.compare(
            Buffer.from(region.pixels.subarray(y * width * 3, (y + 1) * width * 3)),
            Buffer.from(expected),
          ),
        ).toBe(0);
      }
    }
  });

  it('refuses a region outside the resize with a typed error', () => {
    const src = randomImage(random, 10, 10);
    expect(() => resizeBicubicPillowRegion(src, 8, 8, { left: 4, top: 0, width: 5, height: 8 })).toThrow(
      expect.objectContaining({ code: EncodersErrorCode.InvalidOption }),
    );
  });
});
