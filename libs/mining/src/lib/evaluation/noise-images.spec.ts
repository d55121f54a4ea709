import { MiningErrorCode } from '../errors';
import { generateNoiseImages, NOISE_IMAGE_KINDS } from './noise-images';

describe('generateNoiseImages', () => {
  const images = generateNoiseImages({ seed: 3, size: 32 });

  it('makes 3 images of each of the 5 kinds, in order, as 3 × H × W values in [0, 1] and HWC bytes', () => {
    expect(images.map((i) => i.kind)).toEqual(NOISE_IMAGE_KINDS.flatMap((k) => [k, k, k]));
    for (const image of images) {
      expect(image.pixelValues.length).toBe(3 * 32 * 32);
      expect(image.pixels.length).toBe(3 * 32 * 32);
      expect(Math.min(...image.pixelValues)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...image.pixelValues)).toBeLessThanOrEqual(1);
      // Pixel (0, 0) green byte is the green plane's first value.
      expect(image.pixels[1]).toBe(Math.round(255 * image.pixelValues[32 * 32]!));
    }
  });

  it('has the statistics of its kind', () => {
    const mean = (v: Float32Array): number => v.reduce((s, x) => s + x, 0) / v.length;
    const of = (kind: string) => images.filter((i) => i.kind === kind);
    // Salt-and-pepper: only 0 and 1, about half each; uniform: mean ≈ 0.5 and not rescaled.
    for (const image of of('salt-and-pepper')) {
      expect(new Set(image.pixelValues)).toEqual(new Set([0, 1]));
      expect(Math.abs(mean(image.pixelValues) - 0.5)).toBeLessThan(0.05);
    }
    for (const image of of('uniform')) expect(Math.abs(mean(image.pixelValues) - 0.5)).toBeLessThan(0.03);
    // Poisson(5) takes integer values, so after min–max scaling only a few distinct levels remain.
    expect(new Set(of('poisson').flatMap((i) => Array.from(i.pixelValues))).size).toBeLessThan(25);
    // Min–max over a kind's three images together: the extremes 0 and 1 are reached once each over the kind.
    const gaussian = of('gaussian').flatMap((i) => Array.from(i.pixelValues));
    expect(Math.min(...gaussian)).toBe(0);
    expect(Math.max(...gaussian)).toBe(1);
  });

  it('is deterministic per seed and differs between seeds', () => {
    expect(generateNoiseImages({ seed: 3, size: 32 })[0]!.pixelValues).toEqual(images[0]!.pixelValues);
    expect(generateNoiseImages({ seed: 4, size: 32 })[0]!.pixelValues).not.toEqual(images[0]!.pixelValues);
    expect(generateNoiseImages()[14]!.pixelValues.length).toBe(3 * 224 * 224);
  });

  it('rejects a bad size with INVALID_PARAMETER', () => {
    expect(() => generateNoiseImages({ size: 0 })).toThrow(
      expect.objectContaining({ code: MiningErrorCode.InvalidParameter }),
    );
  });
});
