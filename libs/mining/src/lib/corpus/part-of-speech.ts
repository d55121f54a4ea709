// The parts of speech a negative-label candidate can have. Public.

export const PARTS_OF_SPEECH = ['noun', 'adj'] as const;
export type PartOfSpeech = (typeof PARTS_OF_SPEECH)[number];

export function isPartOfSpeech(value: unknown): value is PartOfSpeech {
  return value === 'noun' || value === 'adj';
}
