// The per-backbone kNN-density presets: the paper's values, and a typed error for a backbone without one.
import { BACKBONE_IDS } from '../backbones';
import { MiningError, MiningErrorCode } from '../errors';
import { knnDensityPreset, KNN_DENSITY_PRESETS } from './selection-presets';

describe('kNN-density presets', () => {
  it("hold the paper's values", () => {
    expect(knnDensityPreset('vit-b16')).toMatchObject({ k: 100, keepNoun: 0.23, keepAdj: 0.13 });
    expect(knnDensityPreset('vit-b32')).toMatchObject({ k: 10, keepNoun: 0.23, keepAdj: 0.13 });
    expect(knnDensityPreset('rn50')).toMatchObject({ k: 100, keepNoun: 0.25, keepAdj: 0.13 });
    expect(knnDensityPreset('vit-l14-336')).toMatchObject({ k: 100, keepNoun: 0.25, keepAdj: 0.08 });
  });

  it('are keyed by backbone ids only', () => {
    for (const key of Object.keys(KNN_DENSITY_PRESETS)) expect(BACKBONE_IDS).toContain(key);
  });

  it('reject a backbone without a published setting, listing those with one', () => {
    expect(() => knnDensityPreset('vit-l14')).toThrow(MiningError);
    try {
      knnDensityPreset('vit-l14');
    } catch (error) {
      expect((error as MiningError).code).toBe(MiningErrorCode.UnknownPreset);
      expect((error as MiningError).message).toMatch(/presets exist for: vit-b16, vit-b32, rn50, vit-l14-336/);
    }
  });
});
