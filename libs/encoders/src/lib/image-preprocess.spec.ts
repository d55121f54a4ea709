// Conformance of decode + Pillow-exact resize + crop + normalise against the shared CLIP goldens,
// plus unit checks of the geometry that need no fixtures.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import { decodeImageToRgb } from './image-decode';
import { centerCropRgb, preprocessImage, resizeAndCrop, resizedSize } from './image-preprocess';
import { resizeBicubicPillow } from './pillow-resize';
import { parsePreprocessorConfig } from './preprocessor-config';
import { EncodersErrorCode } from './errors';

// Model loading and image decoding share 2 CPU cores with other jobs: allow slow machines.
jest.setTimeout(60_000);

const PIXEL_VALUES_TOLERANCE = 1e-6;

describe('image preprocessing geometry', () => {
  const spec = parsePreprocessorConfig({ size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 } });

  it('truncates the long side like Python int() (640x427 -> 335x224)', () => {
    expect(resizedSize(640, 427, spec)).toEqual({ width: 335, height: 224 });
    expect(resizedSize(180, 300, spec)).toEqual({ width: 224, height: 373 });
  });

  it('floors the crop offset on odd margins', () => {
    const pixels = new Uint8Array(5 * 1 * 3).map((_, i) => Math.floor(i / 3));
    const crop = centerCropRgb({ width: 5, height: 1, pixels }, 2, 1);
    expect(Array.from(crop.pixels)).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('keeps a constant image constant through both passes', () => {
    const pixels = new Uint8Array(37 * 23 * 3).fill(200);
    const out = resizeBicubicPillow({ width: 37, height: 23, pixels }, 11, 64);
    expect(out.pixels.every((v) => v === 200)).toBe(true);
  });

  it('rejects non-integer targets with a typed error', () => {
    expect(() => resizeBicubicPillow({ width: 2, height: 2, pixels: new Uint8Array(12) }, 1.5, 2)).toThrow(
      expect.objectContaining({ code: EncodersErrorCode.InvalidOption }),
    );
  });
});

interface Manifest {
  readonly image_order: readonly string[];
}

describeWithSharedFixtures('clip', 'image preprocessing conformance (Pillow 9.4 + CLIPImageProcessor)', (dir) => {
  const golden = path.join(dir, 'golden');
  const manifest = readJson<Manifest>(path.join(golden, 'manifest.json'));
  const spec = parsePreprocessorConfig(readJson(path.join(dir, 'tiny-clip', 'preprocessor_config.json')));
  const files = Object.fromEntries(
    ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg', 'camera.png', 'logo.png', 'chelsea_portrait.png'].map(
      (f) => [f.replace(/\.\w+$/, ''), f],
    ),
  );

  it('decodes the Adobe-RGB JPEG without colour management, like Pillow', async () => {
    const decoded = await decodeImageToRgb(readFileSync(path.join(golden, 'images', 'rocket.jpg')), 'rocket.jpg');
    const expected = readNpy(path.join(golden, 'decoded', 'rocket.npy'));
    expect(expected.shape).toEqual([decoded.height, decoded.width, 3]);
    expect(Buffer.compare(Buffer.from(decoded.pixels), Buffer.from(expected.data as Uint8Array))).toBe(0);
  });

  it.each(manifest.image_order.map((name) => [name]))(
    '%s: crop_uint8 identical and pixel_values within 1e-6',
    async (name) => {
      const file = files[name];
      expect(file).toBeDefined();
      const decoded = await decodeImageToRgb(readFileSync(path.join(golden, 'images', file!)), file!);
      const crop = resizeAndCrop(decoded, spec);
      const expectedCrop = readNpy(path.join(golden, 'crop_uint8', `${name}.npy`));
      expect(expectedCrop.shape).toEqual([crop.height, crop.width, 3]);
      let differing = 0;
      const expectedBytes = expectedCrop.data as Uint8Array;
      for (let i = 0; i < crop.pixels.length; i++) if (crop.pixels[i] !== expectedBytes[i]) differing++;
      expect(differing).toBe(0);

      const { pixelValues } = preprocessImage(decoded, spec);
      const expected = readNpy(path.join(golden, 'pixel_values', `${name}.npy`)).data as Float32Array;
      let maxDiff = 0;
      for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i]! - pixelValues[i]!));
      expect(maxDiff).toBeLessThanOrEqual(PIXEL_VALUES_TOLERANCE);
    },
  );

  it('reads the legacy integer form of size/crop_size to the same spec', () => {
    const legacy = parsePreprocessorConfig(
      readJson(path.join(dir, 'reference', 'preprocessor_config.legacy-int-sizes.json')),
    );
    expect(legacy).toEqual(spec);
  });
});
