// The WebAssembly SIMD resize kernels against the JS kernels (themselves checked against a plain
// Pillow transcription in pillow-resize.spec.ts): identical bytes on random sizes and regions,
// including edge columns, single rows and columns, upscales, skipped passes, every tap-count
// variant up to its widest downscale; resizes with more than 32 taps fall back to the JS kernels.
import { seededRandom } from '../testing';
import { resizeBicubicPillowRegion, resizeKernelsFor, type ResizeRegion } from './pillow-resize';
import { pillowResizeModuleBytes, wasmResizeAvailable } from './pillow-resize-wasm';
import type { RgbImage } from './rgb-image';

const random = seededRandom(29);

function randomInt(min: number, max: number): number {
  return min + Math.floor(random.uniform() * (max - min + 1));
}

function randomImage(width: number, height: number): RgbImage {
  // Extremes make the bicubic overshoot clamp at both ends.
  const pixels = new Uint8Array(width * height * 3).map(() =>
    random.uniform() < 0.3 ? (random.uniform() < 0.5 ? 0 : 255) : Math.floor(random.uniform() * 256),
  );
  return { width, height, pixels };
}

function expectSameBytes(src: RgbImage, outWidth: number, outHeight: number, region: ResizeRegion): void {
  const js = resizeBicubicPillowRegion(src, outWidth, outHeight, region, 'js');
  const wasm = resizeBicubicPillowRegion(src, outWidth, outHeight, region, 'wasm');
  expect(wasm.width).toBe(js.width);
  expect(wasm.height).toBe(js.height);
  expect(Buffer.compare(Buffer.from(wasm.pixels), Buffer.from(js.pixels))).toBe(0);
}

function full(outWidth: number, outHeight: number): ResizeRegion {
  return { left: 0, top: 0, width: outWidth, height: outHeight };
}

describe('pillow resize wasm kernels', () => {
  it('validate and instantiate in this runtime', () => {
    expect(WebAssembly.validate(pillowResizeModuleBytes())).toBe(true);
    expect(wasmResizeAvailable()).toBe(true);
  });

  // [source width, source height, target width, target height]
  const fixedCases: Array<[number, number, number, number]> = [
    [500, 375, 298, 224], // the CLIP shortest-edge resize of a typical photo (8 taps)
    [640, 120, 298, 56], // 2.14x as from 640x480: 12 taps
    [1024, 96, 298, 28], // 3.43x: 16 taps
    [1500, 64, 400, 20], // 24 taps wide, 16 high
    [775, 30, 100, 4], // 7.75x: 32 taps
    [7, 4, 4, 4], // 1.75x: 8 taps on the wide columns, width-only pass
    [4, 7, 4, 4], // the same, height-only pass
    [1, 1, 5, 3], // upscale of one pixel
    [9, 1, 5, 1], // one row, width-only
    [1, 9, 1, 5], // one column, height-only
    [3, 2, 17, 11], // upscale both ways
    [33, 20, 33, 20], // nothing to resize
  ];

  it.each(fixedCases)('%dx%d -> %dx%d runs the wasm kernels and matches the JS bytes', (w, h, ow, oh) => {
    const src = randomImage(w, h);
    expect(resizeKernelsFor(src, ow, oh)).toBe('wasm');
    expectSameBytes(src, ow, oh, full(ow, oh));
  });

  it('falls back to the JS kernels beyond 32 taps, with the same bytes', () => {
    const src = randomImage(300, 200);
    expect(resizeKernelsFor(src, 30, 200)).toBe('js');
    expect(resizeKernelsFor(src, 300, 20)).toBe('js');
    expect(resizeKernelsFor(src, 150, 100, 'js')).toBe('js');
    expectSameBytes(src, 30, 200, full(30, 200));
    expectSameBytes(src, 300, 20, full(300, 20));
  });

  it('matches the JS kernels on random sizes and regions', () => {
    let wasmRuns = 0;
    for (let trial = 0; trial < 300; trial++) {
      const w = randomInt(1, 160);
      const h = randomInt(1, 160);
      // Upscales to 2x and downscales to 1/10 (all tap variants, some beyond), some skipped passes.
      const pick = (size: number): number =>
        random.uniform() < 0.15 ? size : Math.max(1, Math.round(size / (0.5 + random.uniform() * 9.5)));
      const ow = pick(w);
      const oh = pick(h);
      const src = randomImage(w, h);
      if (resizeKernelsFor(src, ow, oh) === 'wasm') wasmRuns++;
      const width = randomInt(1, ow);
      const height = randomInt(1, oh);
      // Left/right edges and top/bottom edges are as likely as inner regions.
      const edge = random.uniform();
      const left = edge < 0.25 ? 0 : edge < 0.5 ? ow - width : randomInt(0, ow - width);
      const top = edge < 0.25 ? oh - height : edge < 0.5 ? 0 : randomInt(0, oh - height);
      expectSameBytes(src, ow, oh, { left, top, width, height });
    }
    expect(wasmRuns).toBeGreaterThan(200);
  });
});
