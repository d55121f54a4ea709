// Named hyperparameter presets of the debiased score, keyed by backbone id and by shifted-ID set,
// each citing its source. Public.
//
// Source: Peng, Lu, Zhang, Fang, "Debiased Negative Mining", KDD 2026 — implementation details and
// the shifted-ID experiments (values as transcribed in issue 4): T = 0.01 and G = 100 throughout;
// tau = 0.5 for CLIP ViT-B/16, ViT-L/14 and RN50; tau = 0.12 for ViT-B/32 and ViT-L/14@336px;
// tau = 1.0 on the shifted-ID sets (ImageNet-A/R/V2/Sketch as ID), with T = 0.013 on ImageNet-A.
import { BACKBONE_IDS, type BackboneId } from '../backbones';
import { MiningError, MiningErrorCode } from '../errors';
import type { ScoringMethodId } from './ood-score-method';

export const SHIFTED_ID_SET_IDS = ['imagenet-a', 'imagenet-r', 'imagenet-v2', 'imagenet-sketch'] as const;
export type ShiftedIdSetId = (typeof SHIFTED_ID_SET_IDS)[number];

export type ScoringPresetId = BackboneId | ShiftedIdSetId;

export interface ScoringPreset {
  readonly id: ScoringPresetId;
  readonly method: ScoringMethodId;
  readonly params: Readonly<{ temperature: number; groups: number; tau: number }>;
  /** Where the values come from. */
  readonly source: string;
}

const PAPER = 'Peng et al., Debiased Negative Mining, KDD 2026';

export const DEBIASED_PRESETS: Readonly<Record<ScoringPresetId, ScoringPreset>> = {
  'vit-b16': {
    id: 'vit-b16',
    method: 'debiased',
    params: { temperature: 0.01, groups: 100, tau: 0.5 },
    source: `${PAPER}, CLIP ViT-B/16 (main setting)`,
  },
  'vit-l14': {
    id: 'vit-l14',
    method: 'debiased',
    params: { temperature: 0.01, groups: 100, tau: 0.5 },
    source: `${PAPER}, CLIP ViT-L/14`,
  },
  rn50: {
    id: 'rn50',
    method: 'debiased',
    params: { temperature: 0.01, groups: 100, tau: 0.5 },
    source: `${PAPER}, CLIP RN50`,
  },
  'vit-b32': {
    id: 'vit-b32',
    method: 'debiased',
    params: { temperature: 0.01, groups: 100, tau: 0.12 },
    source: `${PAPER}, CLIP ViT-B/32`,
  },
  'vit-l14-336': {
    id: 'vit-l14-336',
    method: 'debiased',
    params: { temperature: 0.01, groups: 100, tau: 0.12 },
    source: `${PAPER}, CLIP ViT-L/14@336px`,
  },
  'imagenet-a': {
    id: 'imagenet-a',
    method: 'debiased',
    params: { temperature: 0.013, groups: 100, tau: 1 },
    source: `${PAPER}, shifted ID: ImageNet-A`,
  },
  'imagenet-r': {
    id: 'imagenet-r',
    method: 'debiased',
    params: { temperature: 0.01, groups: 100, tau: 1 },
    source: `${PAPER}, shifted ID: ImageNet-R`,
  },
  'imagenet-v2': {
    id: 'imagenet-v2',
    method: 'debiased',
    params: { temperature: 0.01, groups: 100, tau: 1 },
    source: `${PAPER}, shifted ID: ImageNet-V2`,
  },
  'imagenet-sketch': {
    id: 'imagenet-sketch',
    method: 'debiased',
    params: { temperature: 0.01, groups: 100, tau: 1 },
    source: `${PAPER}, shifted ID: ImageNet-Sketch`,
  },
};

export const SCORING_PRESET_IDS: readonly ScoringPresetId[] = [...BACKBONE_IDS, ...SHIFTED_ID_SET_IDS];

/** The preset named `id`; an UNKNOWN_PRESET error lists the accepted names. */
export function debiasedPreset(id: string): ScoringPreset {
  if (!(SCORING_PRESET_IDS as readonly string[]).includes(id)) {
    throw new MiningError(
      MiningErrorCode.UnknownPreset,
      `unknown scoring preset '${id}'; accepted: ${SCORING_PRESET_IDS.join(', ')}`,
      {
        preset: id,
        accepted: SCORING_PRESET_IDS,
      },
    );
  }
  return DEBIASED_PRESETS[id as ScoringPresetId];
}
