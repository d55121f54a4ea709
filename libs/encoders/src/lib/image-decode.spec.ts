// Decoding every accepted container to Pillow-style RGB: formats, EXIF orientation, grayscale,
// grayscale+alpha, palette, RGBA (alpha dropped, not composited), CMYK (Pillow's formula), bad bytes.
import sharp, { type Sharp } from 'sharp';
import { decodeImageToRgb, inspectJpegHeader } from './image-decode';
import { EncodersErrorCode } from './errors';

jest.setTimeout(60_000);

const WIDTH = 6;
const HEIGHT = 4;

/** A 6x4 RGB test card whose pixel (x, y) is (40x, 60y, 100 + 10x) — distinct, lossless-friendly. */
function testCard(): Buffer {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) pixels.set([40 * x, 60 * y, 100 + 10 * x], (y * WIDTH + x) * 3);
  }
  return pixels;
}

/** A minimal uncompressed baseline TIFF holding raw CMYK samples (sharp cannot write given CMYK values). */
function cmykTiff(width: number, height: number, samples: readonly number[]): Buffer {
  const entries: Array<[tag: number, type: 3 | 4, count: number, value: number]> = [
    [256, 4, 1, width],
    [257, 4, 1, height],
    [258, 3, 4, 134],
    [259, 3, 1, 1],
    [262, 3, 1, 5],
    [273, 4, 1, 142],
    [277, 3, 1, 4],
    [278, 4, 1, height],
    [279, 4, 1, samples.length],
    [284, 3, 1, 1],
  ];
  const out = Buffer.alloc(142 + samples.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  out.writeUInt32LE(0, 10 + entries.length * 12);
  for (let i = 0; i < 4; i++) out.writeUInt16LE(8, 134 + i * 2);
  Buffer.from(samples).copy(out, 142);
  return out;
}

function card(): Sharp {
  return sharp(testCard(), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } });
}

describe('decodeImageToRgb', () => {
  it.each([['png'], ['webp'], ['tiff'], ['gif']] as const)(
    'decodes lossless %s to the exact RGB pixels',
    async (format) => {
      const options = format === 'webp' ? { lossless: true } : format === 'tiff' ? { compression: 'lzw' as const } : {};
      const bytes = await card().toFormat(format, options).toBuffer();
      const image = await decodeImageToRgb(bytes, `card.${format}`);
      expect([image.width, image.height]).toEqual([WIDTH, HEIGHT]);
      if (format === 'gif') {
        // GIF is palette-quantised: only check the size and channel layout.
        expect(image.pixels).toHaveLength(WIDTH * HEIGHT * 3);
      } else {
        expect(Buffer.from(image.pixels).equals(testCard())).toBe(true);
      }
    },
  );

  it('decodes JPEG and AVIF (lossy) to the right size', async () => {
    for (const format of ['jpeg', 'avif'] as const) {
      const bytes = await sharp(testCard(), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
        .resize(64, 48)
        .toFormat(format)
        .toBuffer();
      const image = await decodeImageToRgb(bytes, `card.${format}`);
      expect([image.width, image.height]).toEqual([64, 48]);
    }
  });

  it('applies EXIF orientation (6 = rotate 90° clockwise) unless disabled', async () => {
    const bytes = await card().png().withMetadata({ orientation: 6 }).toBuffer();
    const rotated = await decodeImageToRgb(bytes, 'rotated.png');
    expect([rotated.width, rotated.height]).toEqual([HEIGHT, WIDTH]);
    // After a clockwise turn, the top-left pixel is the original bottom-left one (x=0, y=3).
    expect(Array.from(rotated.pixels.subarray(0, 3))).toEqual([0, 180, 100]);
    const raw = await decodeImageToRgb(bytes, 'rotated.png', { applyExifOrientation: false });
    expect([raw.width, raw.height]).toEqual([WIDTH, HEIGHT]);
  });

  it('replicates grayscale (with or without alpha) into three channels', async () => {
    const gray = Buffer.from(Array.from({ length: WIDTH * HEIGHT }, (_, i) => i * 10));
    const lBytes = await sharp(gray, { raw: { width: WIDTH, height: HEIGHT, channels: 1 } })
      .png()
      .toBuffer();
    const l = await decodeImageToRgb(lBytes, 'gray.png');
    expect(Array.from(l.pixels.subarray(0, 6))).toEqual([0, 0, 0, 10, 10, 10]);
    const la = Buffer.alloc(WIDTH * HEIGHT * 2);
    gray.forEach((v, i) => la.set([v, 7], i * 2));
    const laBytes = await sharp(la, { raw: { width: WIDTH, height: HEIGHT, channels: 2 } })
      .png()
      .toBuffer();
    const decoded = await decodeImageToRgb(laBytes, 'gray-alpha.png');
    expect(Array.from(decoded.pixels.subarray(3, 6))).toEqual([10, 10, 10]);
  });

  it('drops alpha without compositing, as convert("RGB") does', async () => {
    const rgba = Buffer.alloc(WIDTH * HEIGHT * 4);
    const rgb = testCard();
    for (let i = 0; i < WIDTH * HEIGHT; i++) rgba.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 0], i * 4);
    const bytes = await sharp(rgba, { raw: { width: WIDTH, height: HEIGHT, channels: 4 } })
      .png()
      .toBuffer();
    const image = await decodeImageToRgb(bytes, 'transparent.png');
    expect(Buffer.from(image.pixels).equals(rgb)).toBe(true);
  });

  it('expands palette PNGs to their RGB colours', async () => {
    const bytes = await card().png({ palette: true, colours: 256, dither: 0 }).toBuffer();
    const image = await decodeImageToRgb(bytes, 'palette.png');
    expect(image.pixels).toHaveLength(WIDTH * HEIGHT * 3);
    let maxDiff = 0;
    const expected = testCard();
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i]! - image.pixels[i]!));
    expect(maxDiff).toBeLessThanOrEqual(8);
  });

  it("converts CMYK with Pillow's formula, ignoring ICC", async () => {
    const bytes = cmykTiff(4, 1, [0, 255, 255, 0, 0, 0, 0, 128, 255, 0, 0, 0, 10, 20, 30, 40]);
    const meta = await sharp(bytes).metadata();
    expect(meta.space).toBe('cmyk');
    const image = await decodeImageToRgb(bytes, 'cmyk.tiff');
    // Pillow: r = (255-k) - MULDIV255(c, 255-k) per channel, e.g. (10, 20, 30, 40) -> (207, 198, 190).
    expect(Array.from(image.pixels)).toEqual([255, 0, 0, 127, 127, 127, 0, 255, 255, 207, 198, 190]);
  });

  it('reports undecodable bytes with the source name and the accepted formats', async () => {
    await expect(decodeImageToRgb(Buffer.from('not an image'), 'notes.jpg')).rejects.toMatchObject({
      code: EncodersErrorCode.ImageDecodeFailed,
      message: expect.stringMatching(/notes\.jpg.*accepted: JPEG, PNG/),
    });
  });
});

describe('inspectJpegHeader (the CMYK and fast-path checks without a metadata pass)', () => {
  const raw = Buffer.alloc(16 * 8 * 3).map((_, i) => (i * 37) % 256);
  const rgb = (): Sharp => sharp(raw, { raw: { width: 16, height: 8, channels: 3 } });

  it('agrees with sharp on grey, colour and CMYK JPEGs', async () => {
    const cases: Array<[Buffer, number, string]> = [
      [await rgb().jpeg().toBuffer(), 3, 'srgb'],
      [await rgb().toColourspace('b-w').jpeg().toBuffer(), 1, 'b-w'],
      [await rgb().toColourspace('cmyk').jpeg().toBuffer(), 4, 'cmyk'],
      [await rgb().jpeg({ progressive: true }).toBuffer(), 3, 'srgb'],
    ];
    for (const [bytes, components, space] of cases) {
      expect(inspectJpegHeader(bytes)?.components).toBe(components);
      expect((await sharp(bytes).metadata()).space).toBe(space);
    }
  });

  it('decodes a CMYK JPEG through the CMYK path (4 components), like the metadata check would', async () => {
    const bytes = await rgb().toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
    const decoded = await decodeImageToRgb(bytes, 'cmyk.jpg');
    expect(decoded.width).toBe(16);
    expect(decoded.pixels.length).toBe(16 * 8 * 3);
  });

  it('gives up (undefined) on what is not a JPEG header', async () => {
    expect(inspectJpegHeader(await rgb().png().toBuffer())).toBeUndefined();
    expect(inspectJpegHeader(Uint8Array.from([0xff, 0xd8, 0x00, 0x00]))).toBeUndefined();
    expect(inspectJpegHeader(Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0x00]))).toBeUndefined();
  });

  it('tells upright JPEGs (no Exif, Orientation 1, Exif without it) from rotated ones, in both byte orders', async () => {
    expect(inspectJpegHeader(await rgb().jpeg().toBuffer())?.uprightByExif).toBe(true);
    expect(inspectJpegHeader(await rgb().jpeg().withMetadata({ orientation: 1 }).toBuffer())?.uprightByExif).toBe(true);
    expect(
      inspectJpegHeader(
        await rgb()
          .jpeg()
          .withExif({ IFD0: { Copyright: 'x' } })
          .toBuffer(),
      )?.uprightByExif,
    ).toBe(true);
    for (const orientation of [2, 3, 6, 8]) {
      const bytes = await rgb().jpeg().withMetadata({ orientation }).toBuffer();
      expect([orientation, inspectJpegHeader(bytes)?.uprightByExif]).toEqual([orientation, false]);
    }
    // A big-endian ("MM") Exif segment with Orientation 6, spliced in after SOI.
    const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0];
    const app1 = [...Buffer.from('Exif\0\0', 'latin1'), ...tiff];
    const plain = await rgb().jpeg().toBuffer();
    const spliced = Buffer.concat([
      plain.subarray(0, 2),
      Buffer.from([0xff, 0xe1, (app1.length + 2) >> 8, (app1.length + 2) & 0xff, ...app1]),
      plain.subarray(2),
    ]);
    expect(inspectJpegHeader(spliced)).toEqual({ components: 3, uprightByExif: false });
    expect((await sharp(spliced).metadata()).orientation).toBe(6);
    // libjpeg also keeps an Exif segment between the frame header and the first scan.
    const sos = plain.indexOf(Buffer.from([0xff, 0xda]));
    const late = Buffer.concat([plain.subarray(0, sos), spliced.subarray(2, 2 + 4 + app1.length), plain.subarray(sos)]);
    expect(inspectJpegHeader(late)).toEqual({ components: 3, uprightByExif: false });
    expect((await sharp(late).metadata()).orientation).toBe(6);
    // Malformed Exif (an IFD0 offset past the end) never counts as upright.
    const broken = Buffer.from(spliced);
    broken[plain.subarray(0, 2).length + 4 + 6 + 7] = 0xf0;
    expect(inspectJpegHeader(broken)?.uprightByExif).toBe(false);
  });
});

describe('the plain colour JPEG fast path', () => {
  const raw = Buffer.alloc(16 * 8 * 3).map((_, i) => (i * 53) % 256);
  const rgb = (): Sharp => sharp(raw, { raw: { width: 16, height: 8, channels: 3 } });

  it('ignores an embedded ICC profile, as the general path and Pillow do', async () => {
    const bytes = await rgb().jpeg().withIccProfile('p3').toBuffer();
    expect((await sharp(bytes).metadata()).icc).toBeDefined();
    const decoded = await decodeImageToRgb(bytes, 'p3.jpg');
    const general = await sharp(bytes).keepIccProfile().removeAlpha().toColourspace('srgb').raw().toBuffer();
    const converted = await sharp(bytes).raw().toBuffer();
    expect(Buffer.from(decoded.pixels).equals(general)).toBe(true);
    expect(Buffer.from(decoded.pixels).equals(converted)).toBe(false);
  });

  it('still rotates a JPEG whose Exif asks for it, and leaves it as stored when orientation is off', async () => {
    const bytes = await rgb().jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const rotated = await decodeImageToRgb(bytes, 'rotated.jpg');
    expect([rotated.width, rotated.height]).toEqual([8, 16]);
    const stored = await decodeImageToRgb(bytes, 'rotated.jpg', { applyExifOrientation: false });
    expect([stored.width, stored.height]).toEqual([16, 8]);
    expect(Buffer.from(stored.pixels).equals(await sharp(bytes).raw().toBuffer())).toBe(true);
  });
});
