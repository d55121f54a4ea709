// Decodes an image file (JPEG, PNG, WebP, GIF first frame, TIFF, AVIF/HEIF) into 8-bit RGB the way
// Pillow's `Image.open(f).convert("RGB")` sees it: no colour management, alpha dropped without
// compositing, CMYK through Pillow's own formula. EXIF orientation is applied. Public.
import sharp from 'sharp';
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

/** Decodes encoded image bytes; `source` names the file in errors. */
export async function decodeImageToRgb(bytes: Uint8Array, source: string, options: DecodeImageOptions = {}): Promise<RgbImage> {
  const sharpOptions = {
    autoOrient: options.applyExifOrientation ?? true,
    limitInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS,
    failOn: 'error' as const,
  };
  try {
    const metadata = await sharp(bytes, sharpOptions).metadata();
    if (metadata.space === 'cmyk') {
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
    return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new EncodersError(
      EncodersErrorCode.ImageDecodeFailed,
      `cannot decode image ${source}: ${(error as Error).message} (accepted: JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIF)`,
      { source },
    );
  }
}
