// Turns a decoded RGB image into CLIP pixel_values exactly as transformers' CLIPImageProcessor (PIL
// path) does: Pillow bicubic resize, floor centre crop, float32 rescale + normalise, HWC -> CHW. Public.
import { EncodersError, EncodersErrorCode } from './errors';
import { pixelValuesWasm } from './pixel-values-wasm';
import { resizeBicubicPillow, resizeBicubicPillowRegion } from './pillow-resize';
import type { PreprocessSpec } from './preprocessor-config';
import type { RgbImage } from './rgb-image';

/** Output size of the resize step; the long side is truncated like Python's int(). */
export function resizedSize(width: number, height: number, spec: PreprocessSpec): { width: number; height: number } {
  const resize = spec.resize;
  if (resize === undefined) return { width, height };
  if (resize.kind === 'exact') return { width: resize.width, height: resize.height };
  const edge = resize.shortestEdge;
  // Same operation order as transformers' get_resize_output_image_size: int(size * long / short).
  return width <= height
    ? { width: edge, height: Math.trunc((edge * height) / width) }
    : { width: Math.trunc((edge * width) / height), height: edge };
}

/** Centre crop with floor offsets; areas outside the image are zero (transformers pads the same way). */
export function centerCropRgb(image: RgbImage, cropWidth: number, cropHeight: number): RgbImage {
  if (cropWidth === image.width && cropHeight === image.height) return image;
  const top = Math.floor((image.height - cropHeight) / 2);
  const left = Math.floor((image.width - cropWidth) / 2);
  const out = new Uint8Array(cropWidth * cropHeight * 3);
  for (let y = 0; y < cropHeight; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= image.height) continue;
    const x0 = Math.max(0, -left);
    const x1 = Math.min(cropWidth, image.width - left);
    if (x1 <= x0) continue;
    out.set(
      image.pixels.subarray((sy * image.width + left + x0) * 3, (sy * image.width + left + x1) * 3),
      (y * cropWidth + x0) * 3,
    );
  }
  return { width: cropWidth, height: cropHeight, pixels: out };
}

/** Resize + centre crop: the uint8 image the model will see (the fixtures' crop_uint8). */
export function resizeAndCrop(image: RgbImage, spec: PreprocessSpec): RgbImage {
  const size = resizedSize(image.width, image.height, spec);
  const crop = spec.centerCrop;
  if (spec.resize !== undefined && crop !== undefined && crop.width <= size.width && crop.height <= size.height) {
    // The crop lies inside the resized image: resize only the crop (exact, see pillow-resize.ts).
    const left = Math.floor((size.width - crop.width) / 2);
    const top = Math.floor((size.height - crop.height) / 2);
    return resizeBicubicPillowRegion(image, size.width, size.height, {
      left,
      top,
      width: crop.width,
      height: crop.height,
    });
  }
  const resized = spec.resize === undefined ? image : resizeBicubicPillow(image, size.width, size.height);
  return crop === undefined ? resized : centerCropRgb(resized, crop.width, crop.height);
}

/**
 * The float32 value of each byte per channel: x * rescale computed in float64 then cast to float32
 * (numpy's float64 multiply on the uint8 array, then astype float32), then (x - mean) / std in
 * float32. A value depends only on (channel, byte), so a 3 x 256 table does the per-pixel work.
 */
function pixelValueTable(spec: PreprocessSpec): Float32Array {
  const table = new Float32Array(3 * 256);
  const rescale = spec.rescaleFactor;
  const mean = spec.normalize?.mean.map((m) => Math.fround(m));
  const std = spec.normalize?.std.map((s) => Math.fround(s));
  for (let c = 0; c < 3; c++) {
    const m = mean?.[c];
    const s = std?.[c];
    for (let byte = 0; byte < 256; byte++) {
      let v = Math.fround(rescale === undefined ? byte : byte * rescale);
      if (m !== undefined && s !== undefined) v = Math.fround(Math.fround(v - m) / s);
      table[c * 256 + byte] = v;
    }
  }
  return table;
}

const pixelValueTables = new WeakMap<PreprocessSpec, Float32Array>();

/** uint8 HWC -> float32 CHW, rescaled and normalised like transformers (see pixelValueTable). */
export function toPixelValues(image: RgbImage, spec: PreprocessSpec, out?: Float32Array): Float32Array {
  const plane = image.width * image.height;
  if (out !== undefined && out.length !== plane * 3)
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `pixel_values buffer has ${out.length} values, expected ${plane * 3}`,
    );
  const values = out ?? new Float32Array(plane * 3);
  let table = pixelValueTables.get(spec);
  if (table === undefined) {
    table = pixelValueTable(spec);
    pixelValueTables.set(spec, table);
  }
  const pixels = image.pixels;
  if (pixelValuesWasm(pixels, table, values)) return values;
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    values[i] = table[pixels[p]!]!;
    values[plane + i] = table[256 + pixels[p + 1]!]!;
    values[2 * plane + i] = table[512 + pixels[p + 2]!]!;
  }
  return values;
}

/** The whole preprocessing of one decoded image. */
export function preprocessImage(
  image: RgbImage,
  spec: PreprocessSpec,
  allocate?: (length: number) => Float32Array,
): { pixelValues: Float32Array; height: number; width: number } {
  const crop = resizeAndCrop(image, spec);
  return {
    pixelValues: toPixelValues(crop, spec, allocate?.(crop.width * crop.height * 3)),
    height: crop.height,
    width: crop.width,
  };
}
