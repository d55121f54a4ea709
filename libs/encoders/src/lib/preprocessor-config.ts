// Reads a Hugging Face CLIPImageProcessor preprocessor_config.json (current dict form and the legacy
// integer form of size/crop_size) into a validated, explicit preprocessing spec. Public.
import { EncodersError, EncodersErrorCode } from './errors';

/** Pillow's resample code for BICUBIC, the only one this pipeline reproduces exactly. */
export const PIL_BICUBIC = 3;

export type ResizeSpec =
  /** Shorter side to `shortestEdge`, longer side scaled and truncated (CLIP). */
  | { readonly kind: 'shortest-edge'; readonly shortestEdge: number }
  /** Both sides fixed. */
  | { readonly kind: 'exact'; readonly height: number; readonly width: number };

export interface PreprocessSpec {
  readonly resize: ResizeSpec | undefined;
  readonly centerCrop: { readonly height: number; readonly width: number } | undefined;
  /** Multiplier applied to uint8 values (usually 1/255), or undefined for none. */
  readonly rescaleFactor: number | undefined;
  readonly normalize:
    { readonly mean: readonly [number, number, number]; readonly std: readonly [number, number, number] } | undefined;
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new EncodersError(EncodersErrorCode.InvalidPreprocessorConfig, `preprocessor_config.json: ${message}`, details);
}

function positiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    fail(`${field} must be a positive integer; got ${JSON.stringify(value)}`);
  return value;
}

function bool(config: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = config[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`${field} must be true or false; got ${JSON.stringify(value)}`);
  return value;
}

function triple(value: unknown, field: string, positive: boolean): [number, number, number] {
  const list = typeof value === 'number' ? [value, value, value] : value;
  if (
    !Array.isArray(list) ||
    list.length !== 3 ||
    !list.every((v) => typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0))
  ) {
    fail(
      `${field} must be 3 ${positive ? 'positive ' : ''}numbers (one per RGB channel) or one number; got ${JSON.stringify(value)}`,
    );
  }
  return [list[0] as number, list[1] as number, list[2] as number];
}

function parseResize(size: unknown): ResizeSpec {
  if (typeof size === 'number') return { kind: 'shortest-edge', shortestEdge: positiveInt(size, 'size') };
  if (typeof size === 'object' && size !== null) {
    const s = size as Record<string, unknown>;
    if (s['shortest_edge'] !== undefined)
      return { kind: 'shortest-edge', shortestEdge: positiveInt(s['shortest_edge'], 'size.shortest_edge') };
    if (s['height'] !== undefined && s['width'] !== undefined) {
      return {
        kind: 'exact',
        height: positiveInt(s['height'], 'size.height'),
        width: positiveInt(s['width'], 'size.width'),
      };
    }
  }
  return fail(
    `size must be an integer, {"shortest_edge": N} or {"height": H, "width": W}; got ${JSON.stringify(size)}`,
  );
}

function parseCrop(crop: unknown): { height: number; width: number } {
  if (typeof crop === 'number') {
    const side = positiveInt(crop, 'crop_size');
    return { height: side, width: side };
  }
  if (typeof crop === 'object' && crop !== null) {
    const c = crop as Record<string, unknown>;
    return { height: positiveInt(c['height'], 'crop_size.height'), width: positiveInt(c['width'], 'crop_size.width') };
  }
  return fail(`crop_size must be an integer or {"height": H, "width": W}; got ${JSON.stringify(crop)}`);
}

/** Validates a parsed preprocessor_config.json object; defaults follow transformers' CLIPImageProcessor. */
export function parsePreprocessorConfig(raw: unknown): PreprocessSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('must be a JSON object');
  const config = raw as Record<string, unknown>;
  const resample = config['resample'] ?? PIL_BICUBIC;
  if (resample !== PIL_BICUBIC)
    fail(`resample ${JSON.stringify(resample)} is not supported; accepted: 3 (Pillow BICUBIC)`, { resample });
  const doResize = bool(config, 'do_resize', true);
  const doCrop = bool(config, 'do_center_crop', true);
  const doRescale = bool(config, 'do_rescale', true);
  const doNormalize = bool(config, 'do_normalize', true);
  if (!bool(config, 'do_convert_rgb', true))
    fail('do_convert_rgb false is not supported: the towers take 3-channel RGB');
  const rescale = config['rescale_factor'] ?? 1 / 255;
  if (doRescale && (typeof rescale !== 'number' || !(rescale > 0)))
    fail(`rescale_factor must be a positive number; got ${JSON.stringify(rescale)}`);
  return {
    resize: doResize ? parseResize(config['size'] ?? { shortest_edge: 224 }) : undefined,
    centerCrop: doCrop ? parseCrop(config['crop_size'] ?? 224) : undefined,
    rescaleFactor: doRescale ? (rescale as number) : undefined,
    normalize: doNormalize
      ? {
          mean: triple(config['image_mean'] ?? [0.48145466, 0.4578275, 0.40821073], 'image_mean', false),
          std: triple(config['image_std'] ?? [0.26862954, 0.26130258, 0.27577711], 'image_std', true),
        }
      : undefined,
  };
}

/** The pixel_values height and width this spec produces, or undefined when it depends on the image. */
export function fixedOutputSize(spec: PreprocessSpec): { height: number; width: number } | undefined {
  if (spec.centerCrop !== undefined) return spec.centerCrop;
  if (spec.resize?.kind === 'exact') return { height: spec.resize.height, width: spec.resize.width };
  return undefined;
}
