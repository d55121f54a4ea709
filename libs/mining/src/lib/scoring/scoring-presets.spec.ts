// Presets: every backbone and shifted-ID set has a debiased preset that the method accepts.
import { BACKBONE_IDS } from '../backbones';
import { MiningErrorCode } from '../errors';
import { debiasedScore } from './debiased.score';
import { debiasedPreset, SCORING_PRESET_IDS, SHIFTED_ID_SET_IDS } from './scoring-presets';

describe('scoring presets', () => {
  it('covers every backbone and shifted-ID set with valid debiased parameters and a source', () => {
    expect(SCORING_PRESET_IDS).toEqual([...BACKBONE_IDS, ...SHIFTED_ID_SET_IDS]);
    for (const id of SCORING_PRESET_IDS) {
      const preset = debiasedPreset(id);
      expect(preset.id).toBe(id);
      expect(preset.source).toMatch(/KDD 2026/);
      expect(() => debiasedScore.resolveParams(preset.params)).not.toThrow();
    }
  });

  it('holds the paper values', () => {
    expect(debiasedPreset('vit-b16').params).toEqual({ temperature: 0.01, groups: 100, tau: 0.5 });
    expect(debiasedPreset('vit-b32').params.tau).toBe(0.12);
    expect(debiasedPreset('vit-l14-336').params.tau).toBe(0.12);
    expect(debiasedPreset('imagenet-a').params).toEqual({ temperature: 0.013, groups: 100, tau: 1 });
    expect(debiasedPreset('imagenet-sketch').params.tau).toBe(1);
  });

  it('fails on an unknown preset with the accepted names', () => {
    expect(() => debiasedPreset('vit-h14')).toThrow(
      expect.objectContaining({ code: MiningErrorCode.UnknownPreset, message: expect.stringContaining('vit-b16') }),
    );
  });
});
