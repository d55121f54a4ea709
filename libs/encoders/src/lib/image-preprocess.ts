// Turns a decoded RGB image into CLIP pixel_values exactly as transformers' CLIPImageProcessor (PIL
// path) does: Pillow bicubic resize, floor centre crop, float32 rescale + normalise, HWC -> CHW. Public.
import { resizeBicubicPillow } from './pillow-resize';
import type { PreprocessSpec } from './preprocessor-config';
import type { RgbImage } from './rgb-image';

/** Output size of the resize step; the long side is truncated like Python's int(). */
export function resizedSize(width: number, height: number, spec: PreprocessSpec): { width: number; height: number } {
  const resize = spec.resize;
  if (resize === undefined) return { width, height };
  if (resize.kind === 'exact') return { width: resize.width, height: resize.height };
  const edge = resize.shortestEdge;
  // Same operation order as transformers' get_resize_output_image_size: int(size * long / short).
  return width <= height ? { width: edge, height: Math.trunc((edge * height) / width) } : { width: Math.trunc((edge * width) / height), height: edge };
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
    out.set(image.pixels.subarray((sy * image.width + left + x0) * 3, (sy * image.width + left + x1) * 3), (y * cropWidth + x0) * 3);
  }
  return { width: cropWidth, height: cropHeight, pixels: out };
}

/** Resize + centre crop: the uint8 image the model will see (the fixtures' crop_uint8). */
export function resizeAndCrop(image: RgbImage, spec: PreprocessSpec): RgbImage {
  const size = resizedSize(image.width, image.height, spec);
  const resized = spec.resize === undefined ? image : resizeBicubicPillow(image, size.width, size.height);
  return spec.centerCrop === undefined ? resized : centerCropRgb(resized, spec.centerCrop.width, spec.centerCrop.height);
}

/**
 * uint8 HWC -> float32 CHW: x * rescale computed in float64 then cast to float32 (numpy's
 * float64 multiply on the uint8 array, then astype float32), then (x - mean) / std in float32.
 */
export function toPixelValues(image: RgbImage, spec: PreprocessSpec, out?: Float32Array): Float32Array {
  const plane = image.width * image.height;
  const values = out ?? new Float32Array(plane * 3);
  const rescale = spec.rescaleFactor;
  const mean = spec.normalize?.mean.map((m) => Math.fround(m));
  const std = spec.normalize?.std.map((s) => Math.fround(s));
  for (let c = 0; c < 3; c++) {
    const m = mean?.[c];
    const s = std?.[c];
    for (let i = 0; i < plane; i++) {
      let v = Math.fround(rescale === undefined ? image.pixels[i * 3 + c]! : image.pixels[i * 3 + c]! * rescale);
      if (m !== undefined && s !== undefined) v = Math.fround(Math.fround(v - m) / s);
      values[c * plane + i] = v;
    }
  }
  return values;
}

/** The whole preprocessing of one decoded image. */
export function preprocessImage(image: RgbImage, spec: PreprocessSpec): { pixelValues: Float32Array; height: number; width: number } {
  const crop = resizeAndCrop(image, spec);
  return { pixelValues: toPixelValues(crop, spec), height: crop.height, width: crop.width };
}
