// One image file to CHW float32 pixel_values: read, decode (sharp), Pillow-exact resize + crop,
// normalise. Shared by the main-thread path and the preprocessing worker threads. Internal.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { EncodersError, EncodersErrorCode } from './errors';
import { DEFAULT_MAX_INPUT_PIXELS, decodeImageToRgb, type DecodeImageOptions } from './image-decode';
import { preprocessImage, resizedSize } from './image-preprocess';
import type { PreprocessSpec } from './preprocessor-config';
import type { RgbImage } from './rgb-image';

/** What a model needs from preprocessing: the spec and the [height, width] it takes. */
export interface PreprocessTarget {
  readonly spec: PreprocessSpec;
  readonly pixelSize: readonly [number, number];
}

/** Gives the pixel_values buffer of one image (a recycled one where the caller has it). */
export type PixelBufferAllocator = (length: number) => Float32Array;

/** Preprocess an already decoded image; `maxPixels` bounds the resized image (see DecodeImageOptions). */
export function preprocessRgbFor(
  target: PreprocessTarget,
  image: RgbImage,
  source = 'image',
  maxPixels = DEFAULT_MAX_INPUT_PIXELS,
  allocate?: PixelBufferAllocator,
): Float32Array {
  // The shortest-edge resize of a very thin image is huge (200000x2 -> 22400000x224): refuse it as
  // this file's failure, before its allocation throws a RangeError that would end the whole batch.
  const resized = resizedSize(image.width, image.height, target.spec);
  if (resized.width * resized.height > maxPixels) {
    throw new EncodersError(
      EncodersErrorCode.ImageDecodeFailed,
      `${source}: resizing ${image.width}x${image.height} for the model gives ${resized.width}x${resized.height}, more than ${maxPixels} pixels; the aspect ratio is too extreme`,
      { source, width: image.width, height: image.height },
    );
  }
  const { pixelValues, height, width } = preprocessImage(image, target.spec, allocate);
  const [h, w] = target.pixelSize;
  if (height !== h || width !== w) {
    throw new EncodersError(
      EncodersErrorCode.InvalidPreprocessorConfig,
      `${source}: preprocessing gives ${width}x${height} but the model takes ${w}x${h}; set crop_size (or a fixed size) in preprocessor_config.json`,
      { source },
    );
  }
  return pixelValues;
}

async function preprocessBytesFor(
  target: PreprocessTarget,
  bytes: Buffer,
  file: string,
  decode: DecodeImageOptions | undefined,
  allocate: PixelBufferAllocator | undefined,
): Promise<Float32Array> {
  return preprocessRgbFor(target, await decodeImageToRgb(bytes, file, decode), file, decode?.maxInputPixels, allocate);
}

/**
 * The file's bytes. `blocking` is for worker threads: a blocking read costs about 0.03 ms of CPU per
 * image file, against about 0.1 ms for fs.promises.readFile's open/stat/read/close round trips
 * through libuv's pool, where the reads also queue behind the sharp decodes holding its threads.
 * Never blocking on the main thread, where a slow disk would stall everything else.
 */
async function readImageBytes(file: string, blocking: boolean): Promise<Buffer> {
  try {
    return blocking ? readFileSync(file) : await readFile(file);
  } catch (error) {
    throw new EncodersError(
      EncodersErrorCode.ImageDecodeFailed,
      `cannot read image ${file}: ${(error as Error).message}`,
      { source: file },
    );
  }
}

/** Reads, decodes and preprocesses one file (throws a typed error naming it). */
export async function preprocessFileFor(
  target: PreprocessTarget,
  file: string,
  decode?: DecodeImageOptions,
  allocate?: PixelBufferAllocator,
): Promise<Float32Array> {
  return preprocessBytesFor(target, await readImageBytes(file, false), file, decode, allocate);
}

/** preprocessFileFor with a blocking read (readImageBytes), for worker threads. */
export async function preprocessFileBlockingReadFor(
  target: PreprocessTarget,
  file: string,
  decode?: DecodeImageOptions,
  allocate?: PixelBufferAllocator,
): Promise<Float32Array> {
  return preprocessBytesFor(target, await readImageBytes(file, true), file, decode, allocate);
}
