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

/** What the decode path needs to know from a JPEG's header segments, read without a decoder pass. */
export interface JpegHeaderFacts {
  /** The component count in the frame header: 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  readonly components: number;
  /**
   * No Exif segment before the scan data asks for a rotation or flip: none has an Orientation
   * other than 1 (normal), and none is malformed. Then applying EXIF orientation changes nothing.
   */
  readonly uprightByExif: boolean;
}

/**
 * The Orientation tag (0x0112) of IFD0 in an APP1 segment's bytes: 1 when the tag is absent,
 * NaN when the Exif data is malformed, undefined when the segment is not Exif (XMP, say).
 */
function exifOrientationOf(segment: Uint8Array): number | undefined {
  // "Exif\0\0", then a TIFF header: byte order (II / MM), 42, the offset of IFD0.
  if (segment.length < 6 || String.fromCharCode(...segment.subarray(0, 6)) !== 'Exif\0\0') return undefined;
  const tiff = segment.subarray(6);
  if (tiff.length < 8) return Number.NaN;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return Number.NaN;
  const u16 = (at: number): number => (little ? tiff[at]! | (tiff[at + 1]! << 8) : (tiff[at]! << 8) | tiff[at + 1]!);
  const u32 = (at: number): number => u16(little ? at + 2 : at) * 0x10000 + u16(little ? at : at + 2);
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return Number.NaN;
  const entries = u16(ifd);
  for (let e = 0; e < entries; e++) {
    const at = ifd + 2 + e * 12;
    if (at + 12 > tiff.length) return Number.NaN;
    // Type 3 is SHORT, the tag's only valid type.
    if (u16(at) === 0x0112) return u16(at + 2) === 3 ? u16(at + 8) : Number.NaN;
  }
  return 1;
}

/**
 * The component count of a JPEG and whether its Exif leaves it upright, from the segments up to the
 * first scan (where libjpeg reads the markers libvips takes Exif from), or undefined for anything
 * that is not a well-formed JPEG header: it picks the CMYK path and the plain-JPEG fast path without
 * a second decoder pass (sharp's metadata()), which costs about a tenth of a 500x375 decode.
 */
export function inspectJpegHeader(bytes: Uint8Array): JpegHeaderFacts | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let uprightByExif = true;
  let components: number | undefined;
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
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 >= bytes.length) return undefined;
      components ??= bytes[i + 9]!;
    }
    if (marker === 0xda) return components === undefined ? undefined : { components, uprightByExif };
    if (marker === 0xd9 || length < 2) return undefined;
    if (marker === 0xe1) {
      const orientation = exifOrientationOf(bytes.subarray(i + 4, Math.min(bytes.length, i + 2 + length)));
      if (orientation !== undefined && orientation !== 1) uprightByExif = false;
    }
    i += 2 + length;
  }
  return undefined;
}

async function isCmyk(
  bytes: Uint8Array,
  jpeg: JpegHeaderFacts | undefined,
  sharpOptions: SharpOptions,
): Promise<boolean> {
  if (jpeg?.components === 1 || jpeg?.components === 3) return false;
  if (jpeg?.components === 4) return true;
  return (await sharp(bytes, sharpOptions).metadata()).space === 'cmyk';
}

/** Decodes encoded image bytes; `source` names the file in errors. */
export async function decodeImageToRgb(
  bytes: Uint8Array,
  source: string,
  options: DecodeImageOptions = {},
): Promise<RgbImage> {
  const applyExifOrientation = options.applyExifOrientation ?? true;
  const sharpOptions = {
    autoOrient: applyExifOrientation,
    limitInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS,
    failOn: 'error' as const,
  };
  const jpeg = inspectJpegHeader(bytes);
  try {
    if (await isCmyk(bytes, jpeg, sharpOptions)) {
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
    if (jpeg?.components === 3 && (jpeg.uprightByExif || !applyExifOrientation)) {
      // The common case, a colour JPEG that needs no rotation: libjpeg already gives 3-band sRGB-tagged
      // RGB, so only the embedded profile must be kept from being applied (Pillow ignores it). Leaving
      // out the orientation, profile, alpha and colourspace steps saves 3-5% of a 500x375 decode.
      const { data, info } = await sharp(bytes, { ...sharpOptions, autoOrient: false, ignoreIcc: true })
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3)
        throw new Error(`expected 3 RGB channels from a colour JPEG, decoder gave ${info.channels}`);
      return {
        width: info.width,
        height: info.height,
        pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      };
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
