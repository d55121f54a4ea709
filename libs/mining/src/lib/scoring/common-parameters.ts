// Parameter specs shared by the grouped methods (same meaning, range and sweep everywhere). Internal.
import type { NumberParameterSpec } from './parameter-schema';

export function temperatureSpec(defaultValue: number, sweep: readonly number[]): NumberParameterSpec {
  return {
    kind: 'number',
    description: 'softmax temperature T (logits = cosine / T); > 0',
    default: defaultValue,
    min: 0,
    minExclusive: true,
    sweep,
  };
}

export function groupsSpec(defaultValue: number, sweep: readonly number[]): NumberParameterSpec {
  return {
    kind: 'number',
    description: 'number of negative groups G; an integer in [1, N] (N mod G negatives are dropped)',
    default: defaultValue,
    integer: true,
    min: 1,
    sweep,
  };
}

export const PERMUTATIONS_SPEC: NumberParameterSpec = {
  kind: 'number',
  description: 'number of seeded random groupings P; the score is their mean and std is reported when P > 1',
  default: 1,
  integer: true,
  min: 1,
  max: 1000,
  sweep: [1],
};

export const SEED_SPEC: NumberParameterSpec = {
  kind: 'number',
  description: 'seed of the grouping permutation; permutation p uses seed + p (ignored when a permutation is given)',
  default: 0,
  integer: true,
  min: 0,
  max: 0xffffffff,
  sweep: [0],
};
