// Decodes an image file (JPEG, PNG, WebP, GIF first frame, TIFF, AVIF/HEIF) into 8-bit RGB the way
// Pillow's `Image.open(f).convert("RGB")` sees it: no colour management, alpha dropped without
// compositing, CMYK through Pillow's own formula. EXIF orientation is applied. Public.
import sharp, { type SharpOptions } from 'sharp';
import { EncodersError, EncodersErrorCode } from './errors';
import type { RgbImage } from './rgb-image';

/** sharp's own default limit on decoded pixels (a 16383 x 16383 image). */
export const DEFAULT_MAX_INPUT_PIXELS = 268_402_689;

export interface DecodeImageOptions {
  /** Apply the EXIF orientation tag (rotate/flip) before anything else; default true. */
  readonly applyExifOrientation?: boolean;
  /**
   * Refuse images with more pixels than this (decompression bombs), and images whose resize for the
   * model would exceed it (extreme aspect ratios); default DEFAULT_MAX_INPUT_PIXELS.
   */
  readonly maxInputPixels?: number;
}

/** Pillow's MULDIV255: a*b/255 rounded, in integer arithmetic. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/** Pillow's cmyk2rgb (libImaging/Convert.c): r = (255-k) - c*(255-k)/255, clamped. */
function cmykToRgbPillow(cmyk: Uint8Array, pixelCount: number): Uint8Array {
  const rgb = new Uint8Array(pixelCount * 3);
  for (let i = 0; i < pixelCount; i++) {
    const nk = 255 - cmyk[i * 4 + 3]!;
    for (let c = 0; c < 3; c++) {
      const v = nk - mulDiv255(cmyk[i * 4 + c]!, nk);
      rgb[i * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return rgb;
}

/**
 * The component count in a JPEG's frame header (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK), or undefined for
 * anything that is not a well-formed JPEG header: it tells the CMYK path apart without a second
 * decoder pass (sharp's metadata()), which costs about a tenth of a 500x375 decode.
 */
export function jpegComponentCount(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 3 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width, Nf.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return i + 9 < bytes.length ? bytes[i + 9] : undefined;
    if (marker === 0xda || marker === 0xd9 || length < 2) return undefined;
    i += 2 + length;
  }
  return undefined;
}

async function isCmyk(bytes: Uint8Array, sharpOptions: SharpOptions): Promise<boolean> {
  const components = jpegComponentCount(bytes);
  if (components === 1 || components === 3) return false;
  if (components === 4) return true;
  return (await sharp(bytes, sharpOptions).metadata()).space === 'cmyk';
}

/** Decodes encoded image bytes; `source` names the file in errors. */
export async function decodeImageToRgb(
  bytes: Uint8Array,
  source: string,
  options: DecodeImageOptions = {},
): Promise<RgbImage> {
  const sharpOptions = {
    autoOrient: options.applyExifOrientation ?? true,
    limitInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS,
    failOn: 'error' as const,
  };
  try {
    if (await isCmyk(bytes, sharpOptions)) {
      // Keep the decoder's CMYK values and convert like Pillow instead of through an ICC profile.
      const { data, info } = await sharp(bytes, sharpOptions)
        .pipelineColourspace('cmyk')
        .toColourspace('cmyk')
        .removeAlpha()
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 4) throw new Error(`expected 4 CMYK channels, decoder gave ${info.channels}`);
      return { width: info.width, height: info.height, pixels: cmykToRgbPillow(data, info.width * info.height) };
    }
    // keepIccProfile stops sharp from converting an embedded profile to sRGB (Pillow ignores it);
    // removeAlpha drops alpha without compositing, as convert("RGB") does.
    const { data, info } = await sharp(bytes, sharpOptions)
      .keepIccProfile()
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 RGB channels after conversion, decoder gave ${info.channels}`);
    return {
      width: info.width,
      height: info.height,
      pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (error) {
    throw new EncodersError(
      EncodersErrorCode.ImageDecodeFailed,
      `cannot decode image ${source}: ${(error as Error).message} (accepted: JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIF)`,
      { source },
    );
  }
}
