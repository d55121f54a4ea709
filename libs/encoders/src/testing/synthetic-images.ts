// Deterministic synthetic photos-in-name-only (smooth gradients plus seeded noise) written with
// sharp, for encoder specs, CLI specs and benchmarks that need image files but no fixtures.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { seededRandom } from './seeded-random';

export interface SyntheticImageOptions {
  readonly seed?: number;
  /** Width and height range; each image gets its own size inside it. Default 160..480. */
  readonly minSide?: number;
  readonly maxSide?: number;
  /** Encodings cycled through; default jpeg and png. */
  readonly formats?: ReadonlyArray<'jpeg' | 'png' | 'webp'>;
}

/** Writes `count` images named img-0000.<ext> ... into `dir`; returns their paths in order. */
export async function writeSyntheticImages(
  dir: string,
  count: number,
  options: SyntheticImageOptions = {},
): Promise<string[]> {
  const random = seededRandom(options.seed ?? 0);
  const minSide = options.minSide ?? 160;
  const maxSide = options.maxSide ?? 480;
  const formats = options.formats ?? ['jpeg', 'png'];
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const width = minSide + Math.floor(random.uniform() * (maxSide - minSide + 1));
    const height = minSide + Math.floor(random.uniform() * (maxSide - minSide + 1));
    const pixels = Buffer.alloc(width * height * 3);
    const [fr, fg, fb] = [random.uniform() * 6, random.uniform() * 6, random.uniform() * 6];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 3;
        const noise = (random.uniform() - 0.5) * 40;
        pixels[o] = Math.max(0, Math.min(255, 128 + 100 * Math.sin((fr * x) / width + y / height) + noise));
        pixels[o + 1] = Math.max(0, Math.min(255, 128 + 100 * Math.sin((fg * y) / height) + noise));
        pixels[o + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.cos((fb * (x + y)) / (width + height)) + noise));
      }
    }
    const format = formats[i % formats.length]!;
    const file = path.join(dir, `img-${String(i).padStart(4, '0')}.${format === 'jpeg' ? 'jpg' : format}`);
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .toFormat(format)
      .toFile(file);
    files.push(file);
  }
  return files;
}
