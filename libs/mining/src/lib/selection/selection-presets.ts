// Per-backbone hyper-parameters of the kNN-density selection, as a typed table keyed by BackboneId.
// Source: Debiased Negative Mining (Peng, Lu, Zhang, Fang, KDD 2026), implementation details and
// the backbone ablation: k = 100 with keep fractions 0.23 nouns / 0.13 adjectives for ViT-B/16,
// k = 10 for ViT-B/32, 0.25 / 0.13 for RN50, 0.25 / 0.08 for ViT-L/14@336px. Public.
import type { BackboneId } from '../backbones';
import { MiningError, MiningErrorCode } from '../errors';

export interface KnnDensityPreset {
  readonly k: number;
  readonly keepNoun: number;
  readonly keepAdj: number;
  /** Where the values come from. */
  readonly source: string;
}

// vit-l14 (224 px) has no published setting in the paper, so it has no preset rather than a guess.
export const KNN_DENSITY_PRESETS: Readonly<Partial<Record<BackboneId, KnnDensityPreset>>> = {
  'vit-b16': { k: 100, keepNoun: 0.23, keepAdj: 0.13, source: 'DNM paper, ViT-B/16 main setting' },
  'vit-b32': { k: 10, keepNoun: 0.23, keepAdj: 0.13, source: 'DNM paper, ViT-B/32: k = 10, fractions as ViT-B/16' },
  rn50: { k: 100, keepNoun: 0.25, keepAdj: 0.13, source: 'DNM paper, RN50: fractions 0.25 / 0.13' },
  'vit-l14-336': { k: 100, keepNoun: 0.25, keepAdj: 0.08, source: 'DNM paper, ViT-L/14@336px: fractions 0.25 / 0.08' },
};

export function knnDensityPreset(backbone: string): KnnDensityPreset {
  const preset = (KNN_DENSITY_PRESETS as Readonly<Record<string, KnnDensityPreset | undefined>>)[backbone];
  if (preset === undefined) {
    throw new MiningError(
      MiningErrorCode.UnknownPreset,
      `no kNN-density selection preset for backbone '${backbone}'; presets exist for: ${Object.keys(KNN_DENSITY_PRESETS).join(', ')}`,
      { backbone, available: Object.keys(KNN_DENSITY_PRESETS) },
    );
  }
  return preset;
}
